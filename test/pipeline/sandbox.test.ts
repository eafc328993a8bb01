import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxed } from '@airflow-mcp/pipeline';

/** The confinement the Airflow import check of generated files runs in, tried with hostile Python. */
describe('sandboxed import check', () => {
  let server: Server;
  let port: number;
  const env = { PATH: '/usr/bin:/bin', HOME: '/tmp' };
  const py = (code: string, timeoutMs = 20_000, scratch = mkdtempSync(join(tmpdir(), 'sandbox-'))) =>
    runSandboxed('python3', ['-c', code], { scratch, env, timeoutMs });

  beforeAll(async () => {
    server = createServer((socket) => socket.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('runs confined here (Linux namespaces available)', async () => {
    const result = await py('print("ok")');
    expect(result).toMatchObject({ code: 0, sandbox: 'namespaces' });
    expect(result.stdout.trim()).toBe('ok');
  });

  it('has no network: a socket to a server that answers outside the sandbox fails inside', async () => {
    const connect = `import socket\ns = socket.create_connection(("127.0.0.1", ${port}), 2)\nprint(s.recv(5))`;
    const outside = await runSandboxed('python3', ['-c', connect], {
      scratch: tmpdir(),
      env,
      timeoutMs: 10_000,
      mode: 'off',
    });
    expect(outside.stdout).toContain("b'hello'");
    const inside = await py(connect);
    expect(inside.code).not.toBe(0);
    expect(inside.stderr).toMatch(/Connection refused|Network is unreachable|OSError/);
  });

  it('cannot write outside its scratch folder, can write inside it', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'sandbox-'));
    const target = join(tmpdir(), `escaped-${Date.now()}`);
    const result = await py(
      `open(${JSON.stringify(join(scratch, 'ok.txt'))}, "w").write("x")\nopen(${JSON.stringify(target)}, "w").write("x")`,
      20_000,
      scratch,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Read-only file system');
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(scratch, 'ok.txt'))).toBe(true);
  });

  it('stops code that spins forever, and code that eats memory', async () => {
    const spin = await py('while True:\n    pass', 2_000);
    expect(spin.timedOut).toBe(true);
    const hog = await py('x = bytearray(4 * 1024 ** 3)\nprint(len(x))');
    expect(hog.code).not.toBe(0);
    expect(hog.stderr).toContain('MemoryError');
  });

  it('passes no secrets through the environment', async () => {
    process.env.AIRFLOW_MCP_PLANTED_SECRET = 'planted-secret-value';
    try {
      const result = await py('import os\nprint(sorted(os.environ))');
      expect(result.stdout).not.toContain('AIRFLOW_MCP_PLANTED_SECRET');
    } finally {
      delete process.env.AIRFLOW_MCP_PLANTED_SECRET;
    }
  });
});
