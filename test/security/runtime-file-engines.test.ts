import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { airflowAdminToken } from '../support/airflow-admin-token.js';
import { expectSafeOutcome } from '../support/expect-safe-outcome.js';
import {
  ANCHOR,
  closeAttackSuite,
  duckdbRows,
  execDuckdb,
  expectNoLeaks,
  runAttackSuite,
  sqliteRows,
  token,
  type AttackService,
} from '../support/runtime-attack-setup.js';
import {
  fileAttackCases,
  identifierAttackCases,
  pathAttackCases,
  WEIRD_COLUMNS,
  wordAttackCases,
  type FileAttackContext,
} from '../support/runtime-file-attacks.js';
import type { CaseOutcome } from '../support/run-runtime-cases.js';

const ATTACKER_KEY = `rt-attacker-${token('k')}`;

/**
 * Run-time attacks on SQLite and DuckDB: hostile SQL in `sql` tasks and custom checks, expressions, paths, column
 * names, requests and updates, each deployed and RUN through the real Airflow over a real MCP client unless refused.
 * Afterwards the disk, the tables and every answer are searched for what landed: files outside the tenant's folder
 * or in the dags folder, changed tables, another tenant's files, a canary file's content (plain, reversed, base64,
 * hex), connection passwords.
 */
describe('run-time attacks on SQLite and DuckDB: refused, or run with nothing unsafe landing', () => {
  const airflow = inject('airflow');
  const postgres = inject('postgres');
  const mysql = inject('mysql');
  const suffix = Date.now().toString(36);
  const root = join(airflow.dataDir, `rt-files-${suffix}`);
  const readAfterRuns = new Map<string, string>();
  let runsDone = false;
  const ctx: FileAttackContext = {
    suffix,
    dagsDir: airflow.dagsDir,
    mine: join(root, 'rtsec'),
    victimDir: join(root, 'rtvictim'),
    outside: join(airflow.dataDir, `rt-outside-${suffix}`),
    // Read once each after the runs (several cases look at the same table; each read starts a Python).
    duckdbRows: (file, table) => {
      const key = `${file}#${table}`;
      const rows = (runsDone && readAfterRuns.get(key)) || duckdbRows(airflow.python, file, table);
      if (runsDone) readAfterRuns.set(key, rows);
      return rows;
    },
    sqliteRows,
  };
  const secrets = {
    canary: token('RTCANARY'),
    fileName: token('RTNAME'),
    victim: token('RTVICTIM'),
    postgres: postgres.password,
    mysql: mysql.password,
    airflow: airflow.password,
    key: ATTACKER_KEY,
  };
  const cases = [
    ...fileAttackCases(ctx),
    ...pathAttackCases(ctx),
    ...identifierAttackCases(ctx),
    ...wordAttackCases(ctx),
  ];
  let outcomes = new Map<string, CaseOutcome>();
  let service: AttackService | undefined;
  const call = (name: string, args: Record<string, unknown>) => (service as AttackService).call(name, args);

  beforeAll(async () => {
    // Outside every allowed folder: the canary files (one named with a token, for glob), a SQLite file of secrets.
    mkdirSync(ctx.outside, { recursive: true });
    writeFileSync(join(ctx.outside, 'canary.csv'), `${secrets.canary}\n`);
    writeFileSync(join(ctx.outside, 'canary.json'), JSON.stringify({ secret: secrets.canary }));
    writeFileSync(join(ctx.outside, 'canary.txt'), secrets.canary);
    writeFileSync(join(ctx.outside, `leak-${secrets.fileName}.txt`), 'x');
    const canaryDb = new DatabaseSync(join(ctx.outside, 'canary.db'));
    canaryDb.exec(`CREATE TABLE secrets (token TEXT); INSERT INTO secrets VALUES ('${secrets.canary}')`);
    canaryDb.close();
    // The other tenant's files.
    mkdirSync(ctx.victimDir, { recursive: true });
    createSampleDatabase(join(ctx.victimDir, 'victim.db'));
    const victimDb = new DatabaseSync(join(ctx.victimDir, 'victim.db'));
    victimDb.exec(`CREATE TABLE private (token TEXT); INSERT INTO private VALUES ('${secrets.victim}')`);
    victimDb.close();
    execDuckdb(airflow.python, join(ctx.victimDir, 'victim.duckdb'), [
      `CREATE TABLE private AS SELECT '${secrets.victim}' AS token`,
    ]);
    // The attacker tenant's own folder: sources, files with a table keep, symlinks out, column names from hell.
    createSampleDatabase(join(ctx.mine, 'sample.db'));
    const keep = ['CREATE TABLE keep AS SELECT range AS id FROM range(5)'];
    execDuckdb(airflow.python, join(ctx.mine, 'src.duckdb'), [
      ...keep,
      "CREATE TABLE events AS SELECT range AS event_id, 'purchase' AS event_type, range * 1.5 AS amount FROM range(20)",
    ]);
    execDuckdb(airflow.python, join(ctx.mine, 'duckdb-check.duckdb'), keep);
    execDuckdb(airflow.python, join(ctx.mine, 'weird_out.duckdb'), keep);
    const weirdOut = new DatabaseSync(join(ctx.mine, 'weird_out.db'));
    weirdOut.exec('CREATE TABLE keep (id INTEGER); INSERT INTO keep VALUES (1), (2)');
    weirdOut.close();
    const weird = new DatabaseSync(join(ctx.mine, 'weird.db'));
    const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
    weird.exec(`CREATE TABLE rt_weird (${WEIRD_COLUMNS.map((c) => `${q(c)} TEXT`).join(', ')})`);
    weird
      .prepare(`INSERT INTO rt_weird VALUES (${WEIRD_COLUMNS.map(() => '?').join(', ')})`)
      .run(...WEIRD_COLUMNS.map((c) => `value of ${c}`));
    weird.close();
    symlinkSync(ctx.outside, join(ctx.mine, 'linkout'));
    symlinkSync(join(ctx.outside, 'canary.db'), join(ctx.mine, 'canary-link.db'));
    symlinkSync(join(ctx.victimDir, 'victim.db'), join(ctx.mine, 'victim-link.db'));

    ({ service, outcomes } = await runAttackSuite({
      airflow,
      root,
      key: ATTACKER_KEY,
      cases,
      batchPrefix: `rt_f_${suffix}`,
      updateBase: {
        dag_id: `rt_upd_${suffix}`,
        retries: 0,
        tasks: [{ ...ANCHOR, id: 'load', source_table: 'events', target: { kind: 'duckdb', path: 'upd.duckdb' } }],
      },
    }));
    runsDone = true;
  }, 900_000);

  afterAll(async () => {
    const problems = await closeAttackSuite(service, {
      dagsDir: airflow.dagsDir,
      suffix,
      folders: [root, ctx.outside],
    });
    expect(problems).toEqual([]);
  }, 300_000);

  it('covers every kind of attack through every entry point', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(new Set(cases.map((c) => c.entry))).toEqual(new Set(['spec', 'request', 'update']));
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await expectSafeOutcome(c, outcomes.get(c.id), secrets);
  });

  it("no canary, other tenant's data or password in any answer or log line, in any form", () => {
    expectNoLeaks(service as AttackService, secrets, cases.length / 2);
  });

  it('a FIFO planted in the folder as a source: refused at once, the service answering meanwhile', async () => {
    const fifo = join(ctx.mine, `pipe_${suffix}.db`);
    execFileSync('mkfifo', [fifo]);
    // Should anything open it, a writer (killed afterwards) frees it after 20 s, so the suite cannot hang for good.
    const unblocker = spawn('sh', ['-c', `sleep 20; head -c 4096 /dev/zero > '${fifo}'`], {
      stdio: 'ignore',
      detached: true,
    });
    try {
      const started = Date.now();
      const pending = call('create_dag', {
        task_description: 'run the pipeline in the attached spec',
        spec: {
          dag_id: `rt_fifo_${suffix}`,
          tasks: [{ ...ANCHOR, id: 'load_pipe', source: { kind: 'sqlite', path: `pipe_${suffix}.db` } }],
        },
        deploy: false,
      });
      const health = await fetch(`${(service as AttackService).app.url}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      expect(health.status).toBe(200);
      const result = await pending;
      expect(Date.now() - started, 'the FIFO was opened and blocked the call').toBeLessThan(15_000);
      expect(result.isError, result.content[0]?.text).toBe(true);
      expect(result.content[0]?.text).toMatch(/pipe_/);
    } finally {
      if (unblocker.pid) process.kill(-unblocker.pid);
      rmSync(fifo, { force: true });
    }
  });

  it('the dags folder and Airflow hold only the DAGs this suite deployed', async () => {
    const ours = readdirSync(airflow.dagsDir).filter((f) => f.includes(suffix));
    const deployedFiles = [...(service as AttackService).deployed].map((id) => `${id}.py`);
    expect(ours.filter((f) => !deployedFiles.includes(f))).toEqual([]);
    const adminToken = await airflowAdminToken(airflow);
    const get = async (path: string) =>
      (await (
        await fetch(`${airflow.url}${path}`, { headers: { authorization: `Bearer ${adminToken}` } })
      ).json()) as Record<string, unknown>;
    const dags = (await get(`/api/v2/dags?dag_id_pattern=${suffix}&limit=100`)).dags as { dag_id: string }[];
    expect(dags.map((d) => d.dag_id).filter((id) => !(service as AttackService).deployed.has(id))).toEqual([]);
    const errors = (await get('/api/v2/importErrors?limit=1000')).import_errors as { filename: string }[];
    expect(errors.filter((e) => e.filename.includes(suffix))).toEqual([]);
  });
});
