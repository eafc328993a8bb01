import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectSafeOutcome } from '../support/expect-safe-outcome.js';
import {
  closeAttackSuite,
  duckdbRows,
  expectNoLeaks,
  runAttackSuite,
  token,
  type AttackService,
} from '../support/runtime-attack-setup.js';
import {
  MYSQL_CONN,
  PG_CONN,
  serverAttackCases,
  serverRequestCases,
  type ServerAttackContext,
} from '../support/runtime-server-attacks.js';
import type { CaseOutcome } from '../support/run-runtime-cases.js';

const ATTACKER_KEY = `rt-attacker-${token('k')}`;

/**
 * Run-time attacks on PostgreSQL and MySQL (the tests' real servers, reached by Airflow as warehouse_pg and
 * warehouse_mysql): hostile SQL in `sql` tasks and custom checks, expressions over their tables, requests with SQL
 * in the words; each deployed and RUN through the real Airflow over a real MCP client unless refused. Afterwards the
 * tables, sequences, large objects, role settings, the disk and every answer are searched for what landed.
 */
describe('run-time attacks on PostgreSQL and MySQL: refused, or run with nothing unsafe landing', () => {
  const airflow = inject('airflow');
  const postgres = inject('postgres');
  const server = inject('mysql');
  const suffix = Date.now().toString(36);
  const root = join(airflow.dataDir, `rt-servers-${suffix}`);
  const mine = join(root, 'rtsec');
  const pgPool = new pg.Pool({ ...postgres, max: 2 });
  const myPool = mysql.createPool({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
    connectionLimit: 2,
    dateStrings: true,
  });
  const rowsOf = async (run: () => Promise<unknown>) => {
    try {
      return JSON.stringify(await run());
    } catch (error) {
      return `error: ${String((error as Error).message).slice(0, 60)}`;
    }
  };
  const ctx: ServerAttackContext = {
    suffix,
    dagsDir: airflow.dagsDir,
    outside: join(airflow.dataDir, `rt-outside-${suffix}`),
    victim: `rt_victim_${suffix}`,
    source: `rt_src_${suffix}`,
    weird: `rt_weird_${suffix}`,
    sequence: `rt_seq_${suffix}`,
    pg: (sql) => rowsOf(async () => (await pgPool.query(sql)).rows),
    mysql: (sql) => rowsOf(async () => (await myPool.query(sql))[0]),
    outRows: (file) => duckdbRows(airflow.python, join(mine, file), 'out'),
  };
  const secrets = {
    canary: token('RTCANARY'),
    fileName: token('RTNAME'),
    victim: token('RTVICTIM'),
    postgres: postgres.password,
    mysql: server.password,
    airflow: airflow.password,
    key: ATTACKER_KEY,
  };
  const cases = [...serverAttackCases(ctx), ...serverRequestCases(ctx)];
  let outcomes = new Map<string, CaseOutcome>();
  let service: AttackService | undefined;

  beforeAll(async () => {
    mkdirSync(ctx.outside, { recursive: true });
    writeFileSync(join(ctx.outside, 'canary.txt'), secrets.canary);
    writeFileSync(join(ctx.outside, `leak-${secrets.fileName}.txt`), 'x');
    createSampleDatabase(join(mine, 'sample.db'));
    const source = (amount: string) =>
      `CREATE TABLE ${ctx.source} (event_id INT PRIMARY KEY, event_type VARCHAR(20), amount ${amount}, note TEXT)`;
    const rows = "(1, 'purchase', 10.5, 'a'), (2, 'refund', 3.25, 'b\\\\'), (3, 'purchase', 7, NULL)";
    await pgPool.query(`CREATE TABLE ${ctx.victim} (id INT PRIMARY KEY, token TEXT)`);
    await pgPool.query(`INSERT INTO ${ctx.victim} VALUES (1, '${secrets.victim}')`);
    await pgPool.query(source('DOUBLE PRECISION'));
    await pgPool.query(`INSERT INTO ${ctx.source} VALUES ${rows.replace(/\\\\/g, '\\')}`);
    await pgPool.query(`CREATE SEQUENCE ${ctx.sequence}`);
    const weirdColumns = ['a"b', "c'); DROP TABLE keep; --", 'new\nline', 'ünï©ødé', 'd"); DROP TABLE keep; --'];
    const quoted = weirdColumns.map((c) => `"${c.replace(/"/g, '""')}"`);
    await pgPool.query(`CREATE TABLE ${ctx.weird} (${quoted.map((q) => `${q} TEXT`).join(', ')})`);
    await pgPool.query(`INSERT INTO ${ctx.weird} VALUES (${weirdColumns.map((_, i) => `'v${i}'`).join(', ')})`);
    await myPool.query(`CREATE TABLE ${ctx.victim} (id INT PRIMARY KEY, token TEXT)`);
    await myPool.query(`INSERT INTO ${ctx.victim} VALUES (1, '${secrets.victim}')`);
    await myPool.query(source('DOUBLE'));
    await myPool.query(`INSERT INTO ${ctx.source} VALUES ${rows}`);

    const check = (connection: Record<string, unknown>) => ({
      type: 'quality_check',
      id: `control_${String(connection.kind)}`,
      connection,
      table: ctx.source,
      checks: [{ kind: 'custom_sql', name: 'negative', sql: `SELECT event_id FROM ${ctx.source} WHERE amount < 0` }],
    });
    ({ service, outcomes } = await runAttackSuite({
      airflow,
      root,
      key: ATTACKER_KEY,
      cases,
      batchPrefix: `rt_s_${suffix}`,
      controls: [check({ kind: 'postgres', conn_id: PG_CONN }), check({ kind: 'mysql', conn_id: MYSQL_CONN })],
    }));
  }, 900_000);

  afterAll(async () => {
    const problems = await closeAttackSuite(service, {
      dagsDir: airflow.dagsDir,
      suffix,
      folders: [root, ctx.outside],
    });
    expect(problems).toEqual([]);
    for (const table of [ctx.victim, ctx.source]) {
      await pgPool.query(`DROP TABLE IF EXISTS ${table}`);
      await myPool.query(`DROP TABLE IF EXISTS ${table}`);
    }
    const copies = await pgPool.query<{ t: string }>('SELECT tablename AS t FROM pg_tables WHERE tablename LIKE $1', [
      `rt\\_copy\\_${suffix}%`,
    ]);
    for (const table of [ctx.weird, ...copies.rows.map((r) => r.t)])
      await pgPool.query(`DROP TABLE IF EXISTS "${table}"`);
    await pgPool.query(`DROP SEQUENCE IF EXISTS ${ctx.sequence}`);
    await pgPool.query(`ALTER ROLE CURRENT_USER RESET rt.mark_${suffix}`).catch(() => undefined);
    await pgPool.end();
    await myPool.end();
  }, 300_000);

  it('covers every server-side attack kind through specs and requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.engine))).toEqual(new Set(['postgres', 'mysql']));
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await expectSafeOutcome(c, outcomes.get(c.id), secrets);
  });

  it('no canary, victim row or password in any answer or log line, in any form', () => {
    expectNoLeaks(service as AttackService, secrets, cases.length / 2);
  });

  it('the dags folder holds only the DAGs this suite deployed', () => {
    const deployedFiles = [...(service as AttackService).deployed].map((id) => `${id}.py`);
    expect(readdirSync(airflow.dagsDir).filter((f) => f.includes(suffix) && !deployedFiles.includes(f))).toEqual([]);
  });
});
