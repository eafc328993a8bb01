// Installs npm packages when the lock file changed and builds the TypeScript projects when sources changed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function sh(cwd, bin, args) {
  const result = spawnSync(bin, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed with exit ${result.status}`);
}

function hashFile(path) {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'none';
}

/**
 * npm ci when node_modules is missing or was installed from another lock file. The one native addon
 * (hnswlib-node) uses N-API, so the same install serves Node 22 and 24.
 */
export function ensureNpmPackages(root) {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.airflow-mcp-install');
  const want = hashFile(lock);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  process.stderr.write('[setup] installing npm packages\n');
  sh(root, 'npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, want);
}

/** tsc -b is incremental: a no-op when nothing changed. Then the MCP App views (esbuild, about 2 s). */
export function ensureBuild(root) {
  sh(root, process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
  sh(root, process.execPath, [join(root, 'apps', 'server', 'scripts', 'build-mcp-apps.mjs')]);
}
