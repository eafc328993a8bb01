import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

const script = fileURLToPath(new URL('../../scripts/postgres-local.mjs', import.meta.url));

describe('the database goes down and comes back (DATABASE_URL = the real PostgreSQL)', () => {
  const airflow = inject('airflow');
  const postgres = inject('postgres');
  let app: ServiceApp;
  const pg = (command: 'up' | 'down') => {
    const result = spawnSync(process.execPath, [script, command, '--json'], { env: postgres.env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  };
  const ready = async () => {
    const response = await fetch(`${app.url}/readyz`);
    return {
      status: response.status,
      body: (await response.json()) as { checks: Record<string, { ok: boolean; error?: string }> },
    };
  };

  beforeAll(async () => {
    app = await startServiceApp(airflow, { DATABASE_URL: postgres.url, KNOWLEDGE_DIR: 'none' });
  });
  afterAll(async () => {
    pg('up');
    await app?.close();
  });

  it('answers 503 naming the database while it is down, and recovers without a restart', async () => {
    const before = await ready();
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const client = await app.connect();

    pg('down');
    const down = await ready();
    expect(down.status).toBe(503);
    expect(JSON.stringify(down.body)).toMatch(/database|knowledge/);
    const versions = (await client.callTool({
      name: 'list_dag_versions',
      arguments: { dag_id: 'anything_at_all' },
    })) as {
      isError?: boolean;
      content: { text?: string }[];
    };
    expect(versions.isError).toBe(true);
    expect(versions.content[0]?.text).not.toContain(postgres.password);

    pg('up');
    const deadline = Date.now() + 60_000;
    let after = await ready();
    while (after.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      after = await ready();
    }
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    const again = (await client.callTool({ name: 'list_dag_versions', arguments: { dag_id: 'anything_at_all' } })) as {
      isError?: boolean;
      structuredContent?: unknown;
    };
    expect(again.isError).toBeFalsy();
    expect(again.structuredContent).toEqual({ dag_id: 'anything_at_all', versions: [] });
  });
});
