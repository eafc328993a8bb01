#!/usr/bin/env node
// npm run pack [-- --out <dir>]: one runnable npm package of the service, airflow-mcp-rag-<version>.tgz.
// The built server (apps/server/dist) and the bundled knowledge corpus keep their places relative to each other;
// the workspace packages (@airflow-mcp/*, never published on their own) travel inside it as bundled dependencies;
// their registry dependencies are hoisted into the package's own dependencies, so `npx <tarball> stdio` installs
// them. server.json (the MCP registry's entry) and README.md go along. Prints the tarball's path on stdout.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 && args[outAt + 1] ? args[outAt + 1] : join(root, 'dist', 'npm'));

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const rootPackage = readJson(join(root, 'package.json'));
const serverPackage = readJson(join(root, 'apps', 'server', 'package.json'));
const serverJson = readJson(join(root, 'server.json'));
const npmEntry = serverJson.packages.find((p) => p.registryType === 'npm');

const workspaces = readdirSync(join(root, 'packages')).filter((name) =>
  existsSync(join(root, 'packages', name, 'package.json')),
);
const workspaceVersions = new Map(
  workspaces.map((name) => {
    const manifest = readJson(join(root, 'packages', name, 'package.json'));
    return [manifest.name, manifest.version];
  }),
);
const workspaceNames = new Set(workspaceVersions.keys());

// Built JavaScript only: no tests, maps, declarations or build info.
const shipped = (source) =>
  !/\.(test|spec)\.js$/.test(source) && !/\.(map|d\.ts|tsbuildinfo)$/.test(source) && !source.includes('__pycache__');

for (const dir of [join(root, 'apps', 'server', 'dist'), ...workspaces.map((w) => join(root, 'packages', w, 'dist'))]) {
  if (!existsSync(dir)) throw new Error(`${dir} is missing: build first (npm run build)`);
}

const staging = mkdtempSync(join(tmpdir(), 'airflow-mcp-pack-'));
try {
  cpSync(join(root, 'apps', 'server', 'dist'), join(staging, 'apps', 'server', 'dist'), {
    recursive: true,
    filter: shipped,
  });
  cpSync(join(root, 'apps', 'server', 'bin'), join(staging, 'apps', 'server', 'bin'), { recursive: true });
  cpSync(join(root, 'knowledge'), join(staging, 'knowledge'), { recursive: true });
  for (const file of ['README.md', 'LICENSE', 'server.json']) {
    if (existsSync(join(root, file))) cpSync(join(root, file), join(staging, file));
  }

  // Registry dependencies of the server and every workspace package, hoisted to the one published package.
  const dependencies = {};
  const hoist = (deps = {}) => {
    for (const [name, range] of Object.entries(deps)) {
      if (workspaceNames.has(name)) continue;
      if (dependencies[name] && dependencies[name] !== range) {
        throw new Error(`${name} is wanted as ${dependencies[name]} and ${range}: align the workspaces first`);
      }
      dependencies[name] = range;
    }
  };
  hoist(serverPackage.dependencies);
  for (const name of workspaces) {
    const source = join(root, 'packages', name);
    const manifest = readJson(join(source, 'package.json'));
    hoist(manifest.dependencies);
    const target = join(staging, 'node_modules', ...manifest.name.split('/'));
    mkdirSync(target, { recursive: true });
    cpSync(join(source, 'dist'), join(target, 'dist'), { recursive: true, filter: shipped });
    // The pipeline's Python-side checker is read next to its dist (../../python/check_dag.py).
    if (existsSync(join(source, 'python'))) {
      cpSync(join(source, 'python'), join(target, 'python'), { recursive: true, filter: shipped });
    }
    writeFileSync(
      join(target, 'package.json'),
      `${JSON.stringify({ name: manifest.name, version: manifest.version, type: 'module', exports: manifest.exports }, null, 2)}\n`,
    );
  }
  const bundled = [...workspaceNames].sort();
  const manifest = {
    name: npmEntry.identifier,
    version: npmEntry.version,
    description: rootPackage.description,
    license: rootPackage.license,
    mcpName: serverJson.name,
    type: 'module',
    bin: { 'airflow-mcp': 'apps/server/bin/airflow-mcp.js' },
    engines: rootPackage.engines,
    files: ['apps', 'knowledge', 'README.md', 'server.json'],
    dependencies: Object.fromEntries(
      [...Object.entries(dependencies), ...bundled.map((name) => [name, workspaceVersions.get(name)])].sort(
        ([a], [b]) => a.localeCompare(b),
      ),
    ),
    bundleDependencies: bundled,
  };
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  mkdirSync(out, { recursive: true });
  const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: staging,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (packed.status !== 0) throw new Error(`npm pack failed with exit ${packed.status}`);
  const [result] = JSON.parse(packed.stdout);
  process.stderr.write(
    `[pack] ${result.filename}: ${result.entryCount} files, ${(result.size / 1e6).toFixed(1)} MB packed, ` +
      `${Object.keys(dependencies).length} registry dependencies, bundled ${bundled.join(', ')}\n`,
  );
  process.stdout.write(`${join(out, result.filename)}\n`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
