import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { createSampleDatabase } from '@airflow-mcp/pipeline';

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };
interface DagOutput {
  dag_id: string;
  version: number | null;
  file: string;
  notes: string[];
  spec: { schedule: string | null };
  run?: { state: string; rows: number | null };
}

describe('DAG lifecycle: update by asking, version history in the database, rollback, audit', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const dagId = `hist_users_${suffix}`;
  const warehouse = join(airflow.dataDir, `lifecycle-${suffix}`);
  const dataDir = join(warehouse, '.state');
  let app: ServiceApp;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;
  const ok = (r: ToolResult) => {
    expect(r.isError, r.content[0]?.text).toBeFalsy();
    return r.structuredContent as unknown as DagOutput;
  };

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    const env = {
      DATA_DIR: dataDir,
      ALLOWED_DATA_DIRS: warehouse,
    };
    app = await startServiceApp(airflow, env);
    client = await app.connect();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates v1, updates to v2 by asking, keeps v2 when a change fails, rolls back to v1 behaviour as v4', async () => {
    const v1 = ok(
      await call('create_dag', {
        task_description: `copy the users table from SQLite sample.db into DuckDB hist.duckdb, dag id ${dagId}`,
        run: true,
        wait: true,
      }),
    );
    expect(v1).toMatchObject({ dag_id: dagId, version: 1, run: { state: 'success', rows: 200 } });
    const v1Code = readFileSync(v1.file, 'utf8');

    const v2 = ok(
      await call('update_dag', { dag_id: dagId, change_request: "only where country = 'KR'", run: true, wait: true }),
    );
    expect(v2.version).toBe(2);
    expect(v2.notes.join(' ')).toContain("filter country = 'KR'");
    expect(v2.run).toMatchObject({ state: 'success', rows: 40 });
    const v2Code = readFileSync(v2.file, 'utf8');
    expect(v2Code).toContain('# version: 2');
    expect(v2Code).toContain('WHERE (\\"country\\" = \'KR\')');

    const broken = await call('update_dag', { dag_id: dagId, change_request: 'only where no_such_column > 1' });
    expect(broken.isError).toBe(true);
    // Refused by update_dag's reading (before any build): the column does not exist, and the answer says so.
    expect(broken.content[0]?.text).toMatch(/NEEDS_CLARIFICATION.*no column "no_such_column"/s);
    expect(readFileSync(v2.file, 'utf8')).toBe(v2Code);

    const unclear = await call('update_dag', { dag_id: dagId, change_request: 'make it nicer please' });
    expect(unclear.isError).toBe(true);
    expect(unclear.content[0]?.text).toContain('I can change the schedule');

    const hourly = ok(await call('update_dag', { dag_id: dagId, change_request: '매시간 실행해줘' }));
    expect(hourly).toMatchObject({ version: 3, spec: { schedule: '@hourly' } });

    const history = (await call('list_dag_versions', { dag_id: dagId })).structuredContent as {
      versions: { version: number; reason: string; planner: string; created_by: string }[];
    };
    expect(history.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(history.versions[1]).toMatchObject({ reason: "only where country = 'KR'", planner: 'rules (edit)' });
    expect(history.versions[2]?.planner).toBe('rules');

    const back = ok(await call('rollback_dag', { dag_id: dagId, version: 1, run: true, wait: true }));
    expect(back.version).toBe(4);
    expect(back.run).toMatchObject({ state: 'success', rows: 200 });
    const strip = (code: string) =>
      code.replace(/^# (version|generator): .*$/gm, '').replace(/start_date=datetime\([^)]*\)/, '');
    expect(strip(readFileSync(back.file, 'utf8'))).toBe(strip(v1Code));

    const missing = await call('rollback_dag', { dag_id: dagId, version: 99 });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]?.text).toContain('Versions: 4, 3, 2, 1');

    const audit = (await call('audit_log', { dag_id: dagId })).structuredContent as {
      entries: { action: string; outcome: string; actor: string }[];
    };
    expect(audit.entries.map((e) => `${e.action}:${e.outcome.split(':')[0]}`)).toEqual([
      'rollback_dag:deployed v4',
      'update_dag:deployed v3',
      // (the change naming no_such_column is refused by update_dag's reading, before any build or write)
      'update_dag:deployed v2',
      'create_dag:deployed v1',
    ]);
    expect(existsSync(join(dataDir, 'db'))).toBe(true);
  });
});
