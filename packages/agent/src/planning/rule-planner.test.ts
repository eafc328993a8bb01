import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSampleDatabase, introspectSqlite, validateSpec, type Connection } from '@airflow-mcp/pipeline';
import { detectLanguage } from '../i18n/detect-language.js';
import type { PlanningContext } from './planner.js';
import { createRulePlanner } from './rule-planner.js';

const dir = mkdtempSync(join(tmpdir(), 'planner-'));
createSampleDatabase(join(dir, 'sample.db'));

function context(request: string, hints: PlanningContext['hints'] = {}): PlanningContext {
  return {
    request,
    language: detectLanguage(request),
    hints,
    knowledge: [],
    previousFailures: [],
    introspect: async (c: Connection, table?: string) =>
      c.kind === 'sqlite' ? introspectSqlite(resolve(dir, c.path), table) : undefined,
  };
}

const plan = async (request: string, hints?: PlanningContext['hints']) => {
  const result = await createRulePlanner().plan(context(request, hints));
  return { ...result, spec: validateSpec(result.spec) };
};

describe('rule planner', () => {
  it("plans the owner's Korean request", async () => {
    const { spec } = await plan(
      'SQLite의 events 테이블에서 event_id, user_id, event_type, timestamp 컬럼만 선택해서 DuckDB의 analytics.duckdb 파일로 옮겨줘',
      { sourceDb: 'sample.db' },
    );
    expect(spec.dag_id).toBe('sqlite_events_to_duckdb');
    expect(spec.schedule).toBeNull();
    expect(spec.tasks[0]).toMatchObject({
      type: 'transfer',
      source: { kind: 'sqlite', path: 'sample.db' },
      source_table: 'events',
      columns: [{ name: 'event_id' }, { name: 'user_id' }, { name: 'event_type' }, { name: 'timestamp' }],
      target: { kind: 'duckdb', path: 'analytics.duckdb' },
      target_table: 'events',
      mode: 'replace',
    });
    expect(spec.tasks[1]).toMatchObject({ type: 'quality_check', checks: [{ kind: 'row_count', min: 1 }] });
    expect(spec.dependencies).toEqual([['load_events', 'validate_events']]);
  });

  it('reads schedules, renames, casts, filters, checks and retries in English', async () => {
    const { spec } = await plan(
      'Move the events table from SQLite sample.db to DuckDB out.duckdb, columns event_id as id, amount, user_id where amount > 10, cast amount to integer, not null check on user_id, unique check on id, every day at 6:30 pm, retry 2 times',
    );
    expect(spec.schedule).toBe('30 18 * * *');
    expect(spec.retries).toBe(2);
    expect(spec.tasks[0]).toMatchObject({
      columns: [{ name: 'id', source: 'event_id' }, { name: 'amount', cast: 'integer' }, { name: 'user_id' }],
      filter: 'amount > 10',
    });
    expect(spec.tasks[1]).toMatchObject({
      checks: [
        { kind: 'row_count', min: 0 },
        { kind: 'not_null', column: 'user_id' },
        { kind: 'unique', columns: ['id'] },
      ],
    });
  });

  it.each([
    ['SQLite sample.db의 users 테이블을 DuckDB로 매일 옮겨줘', '@daily'],
    ['sample.db의 users 테이블을 DuckDB로 매일 오전 3시에 옮겨줘', '0 3 * * *'],
    ['copy users from SQLite sample.db into DuckDB hourly', '@hourly'],
    ['copy users from SQLite sample.db into DuckDB with cron 15 */2 * * 1-5', '15 */2 * * 1-5'],
    ['copy users from SQLite sample.db into DuckDB weekly', '@weekly'],
  ])('schedule of %s', async (request, schedule) => {
    expect((await plan(request)).spec.schedule).toBe(schedule);
  });

  it('takes a DAG id named in a sentence of its own ("이름은 x"), not as a column', async () => {
    const { spec } = await plan(
      'SQLite sample.db의 events 테이블에서 event_id, user_id 컬럼만 DuckDB의 nosched.duckdb 파일로 옮겨줘. 이름은 t_nosched_ko_ab12',
    );
    expect(spec.dag_id).toBe('t_nosched_ko_ab12');
    expect(spec.tasks[0]).toMatchObject({ columns: [{ name: 'event_id' }, { name: 'user_id' }] });
  });

  it('plans upserts and incremental loads', async () => {
    const up = await plan('sync the users table from SQLite sample.db into DuckDB, upsert on id');
    expect(up.spec.tasks[0]).toMatchObject({ mode: 'upsert', keys: ['id'] });
    const inc = await plan('SQLite sample.db의 events 테이블을 DuckDB로 timestamp 기준 증분 적재');
    expect(inc.spec.tasks[0]).toMatchObject({ mode: 'incremental', watermark_column: 'timestamp' });
  });

  it('uses Airflow connection ids for PostgreSQL and MySQL and asks when one is missing', async () => {
    await expect(plan('copy the events table from SQLite sample.db into PostgreSQL')).rejects.toMatchObject({
      code: 'NEEDS_CLARIFICATION',
      message: expect.stringMatching(/Airflow connection id/),
    });
    const { spec } = await plan('copy the events table from SQLite sample.db into PostgreSQL, connection warehouse_pg');
    expect(spec.tasks[0]).toMatchObject({ target: { kind: 'postgres', conn_id: 'warehouse_pg' } });
  });

  it('asks in the language of the request when it cannot tell', async () => {
    await expect(plan('move the orders table from SQLite sample.db to DuckDB')).rejects.toMatchObject({
      code: 'NEEDS_CLARIFICATION',
      message: expect.stringContaining('Its tables: events, users'),
    });
    await expect(
      plan('SQLite sample.db의 events 테이블에서 nope, user_id 컬럼을 DuckDB로 옮겨줘'),
    ).rejects.toMatchObject({
      message: expect.stringContaining('컬럼이 없습니다'),
    });
    await expect(plan('데이터를 옮겨줘')).rejects.toMatchObject({
      message: expect.stringContaining('원본 데이터베이스'),
    });
  });
});
