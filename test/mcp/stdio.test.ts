import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'apps', 'server', 'bin', 'airflow-mcp.js');

describe('airflow-mcp stdio', () => {
  beforeAll(() => {
    // npm test builds first; build again here (incremental, a no-op when up to date) so the file runs on its own.
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
      cwd: root,
      stdio: 'inherit',
    });
    expect(built.status).toBe(0);
  });

  it('serves the tool registry over stdio, with only JSON-RPC on stdout', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'stdio'],
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'airflow-mcp-stdio-')),
        AIRFLOW_URL: 'http://127.0.0.1:9',
        LOG_LEVEL: 'info',
      },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    // Any non-JSON line on stdout would make the client's parser fail the connection.
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('airflow-mcp-rag');
    await client.ping();
    const { tools } = await client.listTools();
    expect(Array.isArray(tools)).toBe(true);
    for (const tool of tools) expect(tool.description, tool.name).toBeTruthy();
    await client.close();
    expect(errors).toEqual([]);
    expect(stderr).not.toMatch(/Error:/);
  });

  it('prints help and refuses unknown commands', () => {
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/serve .*\n.*stdio/s);
    const unknown = spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('fails at start with every configuration problem listed at once', () => {
    const result = spawnSync(process.execPath, [cli, 'serve'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty', AIRFLOW_URL: 'ftp://x', HOST: '0.0.0.0' },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/AIRFLOW_URL/);
  });
});
