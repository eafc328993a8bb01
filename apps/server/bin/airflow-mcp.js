#!/usr/bin/env node
// The airflow-mcp command. Runs the built CLI (in a clone: npm run build, or any npm script, builds it).
// Plain JavaScript that any Node runs, so an older one gets this sentence instead of a syntax error or a client's
// bare "Connection closed".
const [major, minor] = process.versions.node.split('.').map(Number);
if (!((major === 22 && minor >= 13) || major === 24)) {
  process.stderr.write(
    `airflow-mcp needs Node 22.13 or later 22.x, or Node 24 (this is Node ${process.versions.node}, ${process.execPath}). ` +
      'Install Node 24 from https://nodejs.org and make your MCP client start it (put its folder first on PATH, ' +
      'or give the full path of its npx as the command); in a clone, `npm run cli -- <command>` fetches a supported Node.\n',
  );
  process.exit(1);
}
await import('../dist/cli/main.js');
