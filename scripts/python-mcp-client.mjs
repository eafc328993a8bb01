#!/usr/bin/env node
// The Python MCP SDK (a 2025-11-25 client) in a cached virtualenv built from its hash-checked lock, as the Airflow
// one is: `node scripts/python-mcp-client.mjs venv [--json]` builds it once and prints its python; `lock` relocks.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenv, relock } from '../airflow/scripts/airflow-local.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const pythonClientLock = join(root, 'test', 'mcp', 'python-client', 'requirements.lock');

/** The python of the client's virtualenv (built on first use; whole or absent). */
export function pythonMcpClient() {
  return join(ensureVenv(pythonClientLock, 'mcp-python-client'), 'bin', 'python');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [command = 'venv', ...flags] = process.argv.slice(2);
  if (command === 'lock') {
    relock(pythonClientLock, 'mcp-python-client');
  } else if (command === 'venv') {
    const python = pythonMcpClient();
    process.stdout.write(flags.includes('--json') ? `${JSON.stringify({ python })}\n` : `${python}\n`);
  } else {
    process.stderr.write('usage: node scripts/python-mcp-client.mjs venv [--json] | lock\n');
    process.exit(2);
  }
}
