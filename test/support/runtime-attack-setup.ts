import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Writable } from 'node:stream';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TestAirflow } from '../setup/airflow.global.js';
import { queryDuckdb } from './query-duckdb.js';
import type { ToolResult } from './mcp-tool-calls.js';
import { expect } from 'vitest';
import { findLeaks } from './leak-forms.js';
import type { RuntimeCase } from './runtime-case.js';
import { runRuntimeCases, summarize, type CaseOutcome, type Caller } from './run-runtime-cases.js';
import { startServiceApp, type ServiceApp } from './start-service-app.js';

/** A random token no request ever carries: if it shows up in an answer, something read it. */
export const token = (label: string) => `${label}${randomBytes(12).toString('hex')}`;

/** Runs SQL statements on a DuckDB file with the Airflow virtualenv's DuckDB (the one generated DAGs use). */
export function execDuckdb(python: string, file: string, statements: string[]): void {
  const script =
    'import duckdb, json, sys\ncon = duckdb.connect(sys.argv[1])\nfor s in json.loads(sys.argv[2]):\n    con.execute(s)\ncon.close()';
  const out = spawnSync(python, ['-c', script, file, JSON.stringify(statements)], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
}

/** A table's rows as JSON text, or "absent" when the file or the table is not there. */
export function duckdbRows(python: string, file: string, table: string): string {
  try {
    return JSON.stringify(queryDuckdb(python, file, `SELECT * FROM "${table}" ORDER BY ALL`));
  } catch {
    return 'absent';
  }
}

export function sqliteRows(file: string, table: string): string {
  try {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      return JSON.stringify(db.prepare(`SELECT * FROM "${table}" ORDER BY 1`).all());
    } finally {
      db.close();
    }
  } catch {
    return 'absent';
  }
}

/**
 * The service for a run-time attack suite: the real app against the tests' Airflow, an attacker key of its own
 * tenant (read, write, admin), every log line kept (trace level, masked as in production), every answer kept.
 */
export async function startAttackService(
  airflow: TestAirflow,
  env: Record<string, string>,
  key: string,
): Promise<{ app: ServiceApp; call: Caller; answers: string[]; logLines: string[]; deployed: Set<string> }> {
  const logLines: string[] = [];
  const answers: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const app = await startServiceApp(airflow, env, { logDestination: sink as unknown as { write(line: string): void } });
  const client: Client = await app.connect({ headers: { authorization: `Bearer ${key}` } });
  const call: Caller = async (name, args) => {
    const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 900_000 })) as ToolResult;
    answers.push(JSON.stringify(result));
    return result;
  };
  return { app, call, answers, logLines, deployed: new Set() };
}

/** Deletes the suite's DAGs through delete_dag and removes any file it planted in the shared dags folder. */
async function cleanUpAttackDags(options: {
  call: Caller;
  deployed: Iterable<string>;
  dagsDir: string;
  suffix: string;
}): Promise<string[]> {
  const problems: string[] = [];
  for (const dagId of options.deployed) {
    const r = await options.call('delete_dag', { dag_id: dagId });
    if (r.isError) problems.push(`${dagId}: ${r.content[0]?.text ?? ''}`);
  }
  for (const name of readdirSync(options.dagsDir)) {
    if (name.includes(options.suffix) && name.startsWith('rt_'))
      rmSync(join(options.dagsDir, name), { force: true, recursive: true });
  }
  return problems;
}

/** The legitimate load every batch carries beside the hostile tasks (sample.db must be in the tenant's folder). */
export const ANCHOR = {
  type: 'transfer',
  id: 'load_ok',
  source: { kind: 'sqlite', path: 'sample.db' },
  source_table: 'users',
  target: { kind: 'duckdb', path: 'anchor.duckdb' },
  target_table: 'users',
};

export type AttackService = Awaited<ReturnType<typeof startAttackService>>;

/**
 * A run-time attack suite's whole run: the service with the attacker's key (tenant rtsec, allowed folder `root`),
 * every landing's "before" picture, then every case run (see runRuntimeCases), with a one-line summary per case.
 */
export async function runAttackSuite(options: {
  airflow: TestAirflow;
  root: string;
  key: string;
  cases: RuntimeCase[];
  batchPrefix: string;
  updateBase?: Record<string, unknown>;
  /** Legitimate tasks on each engine the cases use: each must pass a preview, or the refusals would prove nothing. */
  controls?: Record<string, unknown>[];
}): Promise<{ service: AttackService; outcomes: Map<string, CaseOutcome> }> {
  const service = await startAttackService(
    options.airflow,
    {
      DATA_DIR: join(options.root, '.state'),
      ALLOWED_DATA_DIRS: options.root,
      MCP_API_KEYS: `${options.key}:read+write+admin:rtsec`,
      // The tenant may use both servers, so their cases are refused (if at all) for their SQL, not for the id.
      MCP_TENANT_CONNECTIONS: 'rtsec:warehouse_pg+warehouse_mysql',
    },
    options.key,
  );
  for (const c of options.cases) for (const l of c.landings) await l.prepare?.();
  const outcomes = await runRuntimeCases({
    cases: options.cases,
    call: service.call,
    batchPrefix: options.batchPrefix,
    batchSpec: { retries: 0, execution_timeout_s: 120 },
    anchor: ANCHOR,
    ...(options.updateBase ? { updateBase: options.updateBase } : {}),
    controls: options.controls ?? [],
    deployed: (id) => service.deployed.add(id),
    trace: (line) => console.info(line),
  });
  console.info(summarize(options.cases, outcomes));
  return { service, outcomes };
}

/** Deletes the suite's DAGs, closes the service, removes its folders; returns what could not be deleted. */
export async function closeAttackSuite(
  service: AttackService | undefined,
  options: { dagsDir: string; suffix: string; folders: string[] },
): Promise<string[]> {
  const problems = service
    ? await cleanUpAttackDags({ call: service.call, deployed: service.deployed, ...options })
    : [];
  await service?.app.close();
  for (const folder of options.folders) rmSync(folder, { recursive: true, force: true });
  return problems;
}

/** None of `secrets`, in any leak form, in any answer or log line of the suite (which must have covered the work). */
export function expectNoLeaks(service: AttackService, secrets: Record<string, string>, minAnswers: number): void {
  expect(service.answers.length).toBeGreaterThan(minAnswers);
  expect(findLeaks(service.answers.join('\n'), secrets)).toEqual([]);
  expect(service.logLines.length).toBeGreaterThan(50);
  expect(findLeaks(service.logLines.join('\n'), secrets)).toEqual([]);
}
