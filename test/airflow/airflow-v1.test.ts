import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAirflowClient } from '@airflow-mcp/airflow';

/**
 * Airflow 2.x cannot run next to the pinned 3.x here, so its REST API v1 is played at the wire level: the responses
 * below follow the v1 OpenAPI spec of 2.10 (Basic auth, RFC 7807 errors, text logs).
 */
describe('Airflow 2.x (API v1, Basic auth) through a wire-level stand-in', () => {
  let server: Server;
  let url: string;
  const seen: { method: string; path: string; auth: string | undefined; body: unknown }[] = [];
  const readBody = (req: IncomingMessage) =>
    new Promise<unknown>((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => resolve(text ? JSON.parse(text) : undefined));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const path = req.url ?? '';
      seen.push({ method: req.method ?? '', path, auth: req.headers.authorization, body: await readBody(req) });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (path === '/api/v2/version') return json(404, { detail: 'Not Found' });
      if (path === '/api/v1/version') return json(200, { version: '2.10.5', git_version: null });
      if (req.headers.authorization !== `Basic ${Buffer.from('etl:pw-v1').toString('base64')}`) {
        return json(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: null });
      }
      if (path === '/api/v1/dags/legacy' && req.method === 'GET')
        return json(200, { dag_id: 'legacy', is_paused: false });
      if (path === '/api/v1/dags/missing')
        return json(404, { title: 'DAG not found', status: 404, detail: 'DAG with dag_id: missing not found' });
      if (path === '/api/v1/dags/legacy/dagRuns' && req.method === 'POST') {
        return json(200, { dag_id: 'legacy', dag_run_id: 'r1', state: 'queued', start_date: null, end_date: null });
      }
      if (path === '/api/v1/dags/legacy/dagRuns/r1') {
        return json(200, {
          dag_id: 'legacy',
          dag_run_id: 'r1',
          state: 'success',
          start_date: '2026-01-01T00:00:00+00:00',
          end_date: '2026-01-01T00:00:04+00:00',
        });
      }
      if (path === '/api/v1/dags/legacy/dagRuns/r1/taskInstances') {
        return json(200, {
          task_instances: [{ task_id: 'load', state: 'success', try_number: 1, duration: 3.2 }],
          total_entries: 1,
        });
      }
      if (path.startsWith('/api/v1/dags/legacy/dagRuns/r1/taskInstances/load/logs/1')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('[2026-01-01] INFO - moved 2000 rows\n[2026-01-01] INFO - password=pw-v1 leaked\n');
      }
      if (path.startsWith('/api/v1/dags/legacy?update_mask=is_paused'))
        return json(200, { dag_id: 'legacy', is_paused: true });
      if (path.startsWith('/api/v1/importErrors')) {
        return json(200, {
          import_errors: [
            {
              import_error_id: 1,
              filename: '/opt/airflow/dags/bad.py',
              stack_trace: 'SyntaxError',
              timestamp: '2026-01-01T00:00:00+00:00',
            },
          ],
          total_entries: 1,
        });
      }
      return json(404, { title: 'Not Found', status: 404 });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('detects 2.x and drives trigger, status, tasks, logs, pause and import errors with Basic auth', async () => {
    const client = createAirflowClient({ baseUrl: url, username: 'etl', password: 'pw-v1', attempts: 1 });
    expect(await client.detectVersion()).toEqual({ major: 2, version: '2.10.5' });
    expect(await client.getDag('legacy')).toMatchObject({ dag_id: 'legacy' });
    expect(await client.getDag('missing')).toBeUndefined();
    expect((await client.trigger('legacy', { runId: 'r1', conf: { a: 1 } })).dag_run_id).toBe('r1');
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ dag_run_id: 'r1', conf: { a: 1 } });
    expect((await client.getRun('legacy', 'r1')).state).toBe('success');
    expect(await client.taskInstances('legacy', 'r1')).toEqual([
      expect.objectContaining({ task_id: 'load', state: 'success' }),
    ]);
    const logs = await client.taskLogs('legacy', 'r1', 'load', 1);
    expect(logs.lines.map((l) => l.event)).toContain('[2026-01-01] INFO - moved 2000 rows');
    expect(logs.lines.map((l) => l.event).join('\n')).not.toContain('pw-v1');
    expect((await client.setPaused('legacy', true)).is_paused).toBe(true);
    expect(await client.importErrors('bad.py')).toHaveLength(1);
    expect(seen.filter((s) => s.path.startsWith('/api/v1/dags')).every((s) => s.auth?.startsWith('Basic '))).toBe(true);
  });
});
