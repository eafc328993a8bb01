import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { airflowAdminToken } from '../support/airflow-admin-token.js';
import { createShopDatabase } from '../support/create-shop-database.js';
import { sqliteRows, startRuns } from '../support/faithful-runs.js';
import type { CreateDagOutput, ToolResult } from '../support/mcp-tool-calls.js';
import { queryDuckdb } from '../support/query-duckdb.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

interface Answer extends CreateDagOutput {
  understood: Record<string, unknown> & { tables: Record<string, unknown>[]; staging?: string };
  understood_text: string;
  language: string;
  deployed: boolean;
  notes: string[];
}

interface AirflowTask {
  task_id: string;
  downstream_task_ids: string[];
  retries: number;
  retry_delay: unknown;
}

/**
 * The corpus's phrasing families end to end, beside faithful-requests.test.ts: a few requests, each written in
 * several families at once (a polite request with a list filter, a range, rounding and a check, run in steps; a column
 * list with renames, an upper-cased column and a null filter; …), each deployed and run through the test Airflow over
 * MCP, its rows, columns and values read back from DuckDB and counted against the SQLite source, schedules and retries
 * read from Airflow's REST API. The refusal families are answered with NEEDS_CLARIFICATION and write no DAG file.
 * The last test holds the map below against the corpus: a new family without an end-to-end request fails it.
 */
describe('faithful requests by phrasing family, through the test Airflow', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-ff2-${suffix}`);
  const shop = join(warehouse, 'shop.db');
  let app: ServiceApp;
  let client: Client;
  const made = new Set<string>();
  const id = (name: string) => `ff2_${name}_${suffix}`;
  const duck = (name: string) => join(warehouse, `ff2_${name}.duckdb`);
  const duckdb = (file: string, sql: string) => queryDuckdb(airflow.python, file, sql) as unknown[][];
  const sqlite = (sql: string) => sqliteRows(shop, sql);
  const tool = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, undefined, { timeout: 600_000 })) as ToolResult;
  const airflowApi = async (path: string) => {
    const token = await airflowAdminToken(airflow);
    const response = await fetch(`${airflow.url}/api/v2${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status, path).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  const requests = {
    steps: `Hi! Could you please copy the orders from SQLite shop.db into DuckDB ff2_steps.duckdb as table ff2_steps_orders: extract, transform, then load and validate. Only orders that are pending, paid or shipped with amount between 20 and 200, amount rounded to 1 decimal, and make sure id is unique. Thanks a lot! dag id ${id('steps')}`,
    columns: `From customers in SQLite shop.db take id, name and email as contact into DuckDB ff2_columns.duckdb as table ff2_columns_customers, with the names in upper case, only customers that have an email where segment = 'vip', dag id ${id('columns')}`,
    dates: `Copy orders from SQLite shop.db into DuckDB ff2_dates.duckdb as table ff2_dates_orders, add order_month, the month of created_at, discount but 0 where it's empty, only paid orders over a hundred or shipped ones, call the DAG ${id('dates')}, with the cron 0 3 * * *`,
    korean: `shop.db의 주문 테이블에서 status가 paid이고 amount가 100 이상인 row만 DuckDB ff2_korean.duckdb의 ff2_korean_orders 테이블에 append 해줘, status는 paid, shipped 중 하나여야 해, dag id ${id('korean')}`,
    multi: `Copy orders from shop.db into DuckDB ff2_multi.duckdb as table ff2_multi_orders every day at 6, only paid ones over a hundred, with amount renamed to total, retry twice 5 minutes apart, and make sure id is unique, dag id ${id('multi')}`,
    typo: `copy custmers from SQLite shop.db into DuckDB ff2_typo.duckdb, dag id ${id('typo')}`,
  };
  type Request = keyof typeof requests;

  /** Every corpus family, and where a request of it runs end to end (this file, or faithful-requests.test.ts). */
  const families: Record<string, string> = {
    plain_copy: 'typo',
    typos: 'typo',
    politeness: 'steps',
    filter_in_list: 'steps',
    filter_between: 'steps',
    computed_round_coalesce: 'steps, dates',
    check_unique: 'steps, multi',
    column_list: 'columns',
    column_list_rename: 'columns',
    computed_string: 'columns',
    filter_null: 'columns',
    quoted_values: 'columns',
    date_parts: 'dates',
    filter_and_or: 'dates',
    numbers_in_words: 'dates',
    dag_name_and_alert: 'dates',
    schedule_cron: 'dates',
    korean_nouns: 'korean',
    mixed_identifiers: 'korean',
    check_values_range: 'korean',
    write_mode: 'korean',
    multi_clause: 'multi',
    retries: 'multi',
    schedule_words: 'multi',
    rename: 'multi',
    refuse_ambiguous: 'refusals',
    refuse_unknown_name: 'refusals',
    long_context: 'refusals',
    filter_equality: 'faithful-requests: korea',
    filter_compare: 'faithful-requests: big',
    filter_negation: 'faithful-requests: open',
    target_table: 'faithful-requests: big, paid',
    computed_arithmetic: 'faithful-requests: net, netko',
    all_but: 'faithful-requests: lite',
    cast: 'faithful-requests: cast',
    multi_table: 'faithful-requests: two',
    check_not_null: 'faithful-requests: checked, bad',
    check_row_count: 'faithful-requests: checked',
    refuse_unsupported: 'faithful-requests: refusals',
    refuse_nonsense_clause: 'faithful-requests: refusals',
    server_connections: 'postgres-pipelines, mysql-pipelines (PostgreSQL/MySQL sources through Airflow connections)',
  };

  let started: ReturnType<typeof startRuns<Request, Answer>> | undefined;
  const ran = (request: Request) => {
    if (!started) throw new Error('the runs start in beforeAll');
    return started.ran(request);
  };

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createShopDatabase(shop);
    // The append request writes into a table that already holds a row: append keeps it, replace would not.
    const seeded = spawnSync(
      airflow.python,
      [
        '-c',
        `import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE ff2_korean_orders (id BIGINT, customer_id BIGINT, status VARCHAR, amount DOUBLE, discount DOUBLE, created_at VARCHAR)")
con.execute("INSERT INTO ff2_korean_orders VALUES (-1, 0, 'paid', 999, NULL, '2025-01-01 00:00:00')")
con.close()`,
        duck('korean'),
      ],
      { encoding: 'utf8' },
    );
    expect(seeded.status, seeded.stderr).toBe(0);
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse });
    client = await app.connect();
    // Two runs at a time on a shared two-core machine, each into its own DuckDB file.
    started = startRuns(Object.keys(requests) as Request[], 2, async (request) => {
      const result = await tool('create_dag', { task_description: requests[request], run: true, wait: true });
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      const out = result.structuredContent as unknown as Answer;
      if (out.deployed) made.add(out.dag_id);
      return out;
    });
  });
  afterAll(async () => {
    await Promise.allSettled(started?.runs.values() ?? []);
    for (const dagId of made) await tool('delete_dag', { dag_id: dagId }).catch(() => undefined);
    await app?.close();
  });

  it('steps (politeness, filter_in_list, filter_between, round, check_unique): extract >> transform >> load >> validate, rows handed through the staging file', async () => {
    const out = await ran('steps');
    const staging = join(warehouse, `${id('steps')}_staging.duckdb`);
    expect(out.understood).toMatchObject({ dag_id: id('steps'), staging: `duckdb:${staging}` });
    expect(out.understood.tables).toEqual([
      expect.objectContaining({
        source_table: 'orders',
        target_table: 'ff2_steps_orders',
        filter: "(status IN ('pending', 'paid') OR status = 'shipped') AND (amount BETWEEN 20 AND 200)",
        checks: expect.arrayContaining([{ kind: 'unique', columns: ['id'] }]),
      }),
    ]);
    expect(out.understood_text).toContain('extract → transform → load → validate');
    const steps = ['extract', 'transform', 'load', 'validate'].map((s) => `${s}_ff2_steps_orders`);
    expect(out.run?.state).toBe('success');
    expect(out.run?.tasks.map((t) => [t.task_id, t.state]).sort()).toEqual(steps.map((s) => [s, 'success']).sort());
    // Airflow holds the chain, one step after the other.
    const { tasks } = (await airflowApi(`/dags/${out.dag_id}/tasks`)) as { tasks: AirflowTask[] };
    const downstream = Object.fromEntries(tasks.map((t) => [t.task_id, t.downstream_task_ids]));
    expect(downstream).toEqual({
      [steps[0] as string]: [steps[1]],
      [steps[1] as string]: [steps[2]],
      [steps[2] as string]: [steps[3]],
      [steps[3] as string]: [],
    });
    // The extract step staged every order as is; the transform step the filtered, rounded ones; the load moved those.
    const expected = sqlite(
      "SELECT id, status, round(amount, 1) FROM orders WHERE status IN ('pending', 'paid', 'shipped') AND amount BETWEEN 20 AND 200 ORDER BY id",
    );
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.length).toBeLessThan(120);
    expect(duckdb(staging, 'SELECT COUNT(*) FROM extract_ff2_steps_orders')).toEqual([[120]]);
    expect(duckdb(staging, 'SELECT id, status, amount FROM transform_ff2_steps_orders ORDER BY id')).toEqual(expected);
    expect(duckdb(duck('steps'), 'SELECT id, status, amount FROM ff2_steps_orders ORDER BY id')).toEqual(expected);
    expect(out.run?.rows).toBe(expected.length);
  });

  it('columns (column_list, column_list_rename, computed_string, filter_null, quoted_values): exactly those columns and rows', async () => {
    const out = await ran('columns');
    expect(out.understood.tables).toEqual([
      expect.objectContaining({
        source_table: 'customers',
        target_table: 'ff2_columns_customers',
        columns: [{ name: 'id' }, { name: 'name', expr: 'upper(name)' }, { name: 'contact', source: 'email' }],
        filter: "(email IS NOT NULL) AND (segment = 'vip')",
      }),
    ]);
    expect(out.run?.state).toBe('success');
    expect(
      duckdb(
        duck('columns'),
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'ff2_columns_customers' ORDER BY ordinal_position",
      ),
    ).toEqual([['id'], ['name'], ['contact']]);
    const expected = sqlite(
      "SELECT id, upper(name), email FROM customers WHERE email IS NOT NULL AND segment = 'vip' ORDER BY id",
    );
    expect(expected.length).toBe(13);
    expect(duckdb(duck('columns'), 'SELECT id, name, contact FROM ff2_columns_customers ORDER BY id')).toEqual(
      expected,
    );
  });

  it('dates (date_parts, coalesce, filter_and_or, numbers_in_words, dag name, schedule_cron): values and the cron in Airflow', async () => {
    const out = await ran('dates');
    expect(out.understood).toMatchObject({ dag_id: id('dates'), schedule: '0 3 * * *' });
    expect(out.understood.tables).toEqual([
      expect.objectContaining({
        filter: "status = 'paid' AND amount > 100 OR status = 'shipped'",
        columns: expect.arrayContaining([
          { name: 'discount', expr: 'coalesce(discount, 0)' },
          { name: 'order_month', expr: 'month(created_at)' },
        ]),
      }),
    ]);
    expect(out.run?.state).toBe('success');
    const expected = sqlite(
      "SELECT id, coalesce(discount, 0), CAST(strftime('%m', created_at) AS INTEGER) FROM orders WHERE (status = 'paid' AND amount > 100) OR status = 'shipped' ORDER BY id",
    );
    expect(expected.length).toBeGreaterThan(30);
    expect(expected.some((row) => row[1] === 0)).toBe(true);
    expect(duckdb(duck('dates'), 'SELECT id, discount, order_month FROM ff2_dates_orders ORDER BY id')).toEqual(
      expected,
    );
    expect((await airflowApi(`/dags/${out.dag_id}/details`)).timetable_summary).toBe('0 3 * * *');
  });

  it('korean (korean_nouns, mixed_identifiers, check_values_range, write_mode append): rows added to what the table held', async () => {
    const out = await ran('korean');
    expect(out.language).toBe('ko');
    expect(out.understood.tables).toEqual([
      expect.objectContaining({
        source_table: 'orders',
        target_table: 'ff2_korean_orders',
        filter: "status = 'paid' AND amount >= 100",
        mode: 'append',
        checks: expect.arrayContaining([{ kind: 'accepted_values', column: 'status', values: ['paid', 'shipped'] }]),
      }),
    ]);
    expect(out.run?.state).toBe('success');
    const expected = sqlite("SELECT id, amount FROM orders WHERE status = 'paid' AND amount >= 100 ORDER BY id");
    expect(expected.length).toBeGreaterThan(5);
    expect(duckdb(duck('korean'), 'SELECT id, amount FROM ff2_korean_orders ORDER BY id')).toEqual([
      [-1, 999],
      ...expected,
    ]);
  });

  it('multi (multi_clause, retries, schedule_words, rename): data, and Airflow holds the schedule and the retries', async () => {
    const out = await ran('multi');
    expect(out.understood).toMatchObject({ schedule: '0 6 * * *', retries: 2, retry_delay_s: 300 });
    expect(out.understood.tables).toEqual([
      expect.objectContaining({
        filter: "status = 'paid' AND amount > 100",
        checks: expect.arrayContaining([{ kind: 'unique', columns: ['id'] }]),
      }),
    ]);
    expect(out.run?.state).toBe('success');
    expect(duckdb(duck('multi'), 'SELECT id, total FROM ff2_multi_orders ORDER BY id')).toEqual(
      sqlite("SELECT id, amount FROM orders WHERE status = 'paid' AND amount > 100 ORDER BY id"),
    );
    expect((await airflowApi(`/dags/${out.dag_id}/details`)).timetable_summary).toBe('0 6 * * *');
    const { tasks } = (await airflowApi(`/dags/${out.dag_id}/tasks`)) as { tasks: AirflowTask[] };
    expect(tasks.length).toBe(2);
    for (const task of tasks) {
      expect(task.retries, task.task_id).toBe(2);
      expect(task.retry_delay, task.task_id).toMatchObject({ days: 0, seconds: 300 });
    }
  });

  it('typo (typos, plain_copy): "custmers" is read as customers and every row moves as is', async () => {
    const out = await ran('typo');
    expect(out.understood.tables).toEqual([
      expect.objectContaining({ source_table: 'customers', target_table: 'customers', columns: 'all' }),
    ]);
    expect(out.notes.join(' ')).toContain('read "custmers" as customers');
    expect(out.run).toMatchObject({ state: 'success', rows: 40 });
    expect(
      duckdb(duck('typo'), 'SELECT id, name, email, country, segment, is_active FROM customers ORDER BY id'),
    ).toEqual(sqlite('SELECT id, name, email, country, segment, is_active FROM customers ORDER BY id'));
  });

  it('refusals (refuse_ambiguous, refuse_unknown_name, long_context today): NEEDS_CLARIFICATION quoting the words, no DAG file', async () => {
    const cases = [
      { name: 'fast', request: `make it fast, dag id ${id('fast')}`, quoted: '"fast"' },
      {
        name: 'invoices',
        request: `copy the invoices table from SQLite shop.db into DuckDB ff2_invoices.duckdb, dag id ${id('invoices')}`,
        quoted: 'no table "invoices"',
      },
      {
        // Background sentences are not read yet: refused, quoted, never dropped.
        name: 'story',
        request: `Our finance people keep asking for cancelled orders. Could you take the orders table from shop.db, keep just the cancelled ones, and put them in DuckDB ff2_story.duckdb? dag id ${id('story')}`,
        quoted: '"finance people keep asking"',
      },
    ];
    for (const { name, request, quoted } of cases) {
      const result = await tool('create_dag', { task_description: request, run: true, wait: true });
      expect(result.isError, name).toBe(true);
      const message = result.content[0]?.text ?? '';
      expect(message).toContain('NEEDS_CLARIFICATION');
      expect(message).toContain(quoted);
      expect(existsSync(join(airflow.dagsDir, `${id(name)}.py`))).toBe(false);
      expect(existsSync(duck(name))).toBe(false);
    }
  });

  it('covers every phrasing family of the corpus', () => {
    const corpus = readFileSync(
      join(import.meta.dirname, '..', '..', 'packages', 'agent', 'eval', 'planning', 'corpus.jsonl'),
      'utf8',
    );
    const inCorpus = new Set(
      corpus
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { family: string }).family),
    );
    expect(inCorpus.size).toBeGreaterThanOrEqual(30);
    expect([...inCorpus].filter((f) => !(f in families))).toEqual([]);
  });
});
