#!/usr/bin/env node
// The airflow-mcp command. Runs the built CLI (npm run build, or any npm script, builds it).
const [major, minor] = process.versions.node.split('.').map(Number);
if (!((major === 22 && minor >= 13) || major === 24)) {
  process.stderr.write(
    `airflow-mcp needs Node ^22.13 or ^24 (this is ${process.versions.node}). ` +
      'Run it through npm (`npm run cli -- <command>`), which installs a supported Node, or install Node 24.\n',
  );
  process.exit(1);
}
await import('../dist/cli/main.js');
