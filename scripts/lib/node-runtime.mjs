// Finds or installs a supported Node runtime. The machines ship Node 20 (past end of life); the npm registry's
// `node` package carries official Node builds, headers included, so a newer Node needs no other network.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The Node major the project runs on when it has to install one: the current LTS. */
export const PREFERRED_NODE_MAJOR = 24;
const SUPPORTED = [
  [22, 12],
  [24, 0],
];

export function isSupportedNode(version) {
  const [major, minor] = version.split('.').map(Number);
  return SUPPORTED.some(([m, min]) => major === m && minor >= min);
}

export function cacheRoot() {
  return process.env.AIRFLOW_MCP_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'airflow-mcp');
}

/** Returns the binary and an environment whose PATH, npm and node-gyp all use that Node. */
export function ensureSupportedNode(major = Number(process.env.AIRFLOW_MCP_NODE_MAJOR ?? PREFERRED_NODE_MAJOR)) {
  const prefix = join(cacheRoot(), `node-${major}`);
  const nodeBin = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(nodeBin)) {
    mkdirSync(prefix, { recursive: true });
    process.stderr.write(`[setup] installing Node ${major} from the npm registry into ${prefix}\n`);
    const result = spawnSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${major}`],
      { cwd: prefix, stdio: ['ignore', 2, 2] },
    );
    if (result.status !== 0 || !existsSync(nodeBin)) {
      throw new Error(`could not install node@${major} from the npm registry (exit ${result.status})`);
    }
  }
  const archPackage = join(prefix, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
  const env = {
    ...process.env,
    PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}`,
    // node-gyp builds native addons (hnswlib-node) against these headers instead of downloading them.
    npm_config_nodedir: archPackage,
  };
  return { bin: nodeBin, env };
}
