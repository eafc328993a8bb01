import { join } from 'node:path';
import { crossAttacks, plantTask, type Attack, type Via } from './cross-attacks.js';
import { noFile, unchanged, type Landing, type RuntimeCase } from './runtime-case.js';

/** The places the PostgreSQL and MySQL attacks aim at, laid out by the suite before the runs. */
export interface ServerAttackContext {
  suffix: string;
  dagsDir: string;
  /** A folder outside every allowed folder, on the same host as both servers: canary files and markers. */
  outside: string;
  /** Table names (the same in both servers): a victim with a token row, a source with rows, a sequence (pg). */
  victim: string;
  source: string;
  /** A PostgreSQL table whose column names no spec may write (quotes, a newline, SQL). */
  weird: string;
  sequence: string;
  /** Reads a query's rows as JSON text (or the error's first words), on each server. */
  pg: (sql: string) => Promise<string>;
  mysql: (sql: string) => Promise<string>;
  /** The rows of table `out` in a DuckDB file of the tenant's folder, as JSON text ("absent" when missing). */
  outRows: (file: string) => string;
}

type ServerEngine = 'postgres' | 'mysql';

export const PG_CONN = 'warehouse_pg';
export const MYSQL_CONN = 'warehouse_mysql';

export function serverAttackCases(ctx: ServerAttackContext): RuntimeCase[] {
  const m = (name: string) => join(ctx.outside, `mark-${name}`);
  const dagMarker = (name: string) => join(ctx.dagsDir, `rt_mark_${ctx.suffix}_${name}.py`);
  const canary = join(ctx.outside, 'canary.txt');
  const read = (e: ServerEngine) => (e === 'postgres' ? ctx.pg : ctx.mysql);
  const intact = (e: ServerEngine, table: string) =>
    unchanged(`${e} table ${table}`, () => read(e)(`SELECT * FROM ${table} ORDER BY 1`));
  const victimIntact = (e: ServerEngine) => [intact(e, ctx.victim), intact(e, ctx.source)];
  const sequenceIntact = unchanged(`postgres sequence ${ctx.sequence}`, () =>
    ctx.pg(`SELECT last_value, is_called FROM ${ctx.sequence}`),
  );
  const largeObjects = unchanged('postgres large objects', () =>
    ctx.pg('SELECT count(*) FROM pg_largeobject_metadata'),
  );
  const extensions = unchanged('postgres extensions', () => ctx.pg('SELECT extname FROM pg_extension ORDER BY 1'));
  const roleSettings = unchanged('postgres role settings', () =>
    ctx.pg('SELECT setconfig FROM pg_db_role_setting ORDER BY 1'),
  );

  const attacks: Attack<ServerEngine>[] = [
    {
      kind: 'dollar-quote-hides-drop-and-commit',
      payload: {
        postgres: `SELECT $$'$$ AS q) AS v; DROP TABLE ${ctx.victim}; COMMIT; SELECT COUNT(*) FROM (SELECT $$'$$ AS q`,
      },
      via: ['check'],
      landings: (e) => victimIntact(e),
    },
    {
      kind: 'tagged-dollar-quote-hides-delete',
      payload: {
        postgres: `SELECT $rt$'$rt$ AS q) AS v; DELETE FROM ${ctx.victim}; COMMIT; SELECT COUNT(*) FROM (SELECT $rt$'$rt$ AS q`,
      },
      via: ['check'],
      landings: (e) => victimIntact(e),
    },
    {
      kind: 'backslash-quote-hides-drop',
      payload: {
        mysql: `SELECT '\\'' AS q) AS v; DROP TABLE ${ctx.victim}; SELECT COUNT(*) FROM (SELECT '\\'' AS q`,
      },
      via: ['check'],
      landings: (e) => victimIntact(e),
    },
    {
      kind: 'delete-in-cte',
      payload: { postgres: `WITH d AS (DELETE FROM ${ctx.victim} RETURNING 1) SELECT * FROM d` },
      via: ['check'],
      landings: (e) => victimIntact(e),
    },
    {
      kind: 'copy-to-program',
      payload: { postgres: `COPY (SELECT 1) TO PROGRAM 'touch ${m('program')}'` },
      via: ['sql-task'],
      landings: () => [noFile(m('program'))],
    },
    {
      kind: 'server-file-into-dags-folder',
      payload: {
        postgres: `COPY (SELECT 'import os  # airflow dag') TO '${dagMarker('pgcopy')}'`,
        mysql: `SELECT 'import os  # airflow dag' INTO DUMPFILE '${dagMarker('dumpfile')}'`,
      },
      via: ['sql-task', 'check'],
      landings: (e) => [noFile(dagMarker(e === 'postgres' ? 'pgcopy' : 'dumpfile'))],
    },
    {
      kind: 'server-file-outside',
      payload: {
        postgres: `COPY (SELECT 42) TO '${m('pg-out.csv')}'`,
        mysql: `SELECT 42 INTO OUTFILE '${m('my-out.csv')}'`,
      },
      via: ['sql-task', 'check'],
      landings: (e) => [noFile(m(e === 'postgres' ? 'pg-out.csv' : 'my-out.csv'))],
    },
    {
      kind: 'host-file-into-table',
      payload: {
        postgres: `COPY ${ctx.source} (note) FROM '${canary}'`,
        mysql: `LOAD DATA INFILE '${canary}' INTO TABLE ${ctx.source} (note)`,
      },
      via: ['sql-task'],
      landings: (e) => victimIntact(e),
    },
    {
      kind: 'read-file-in-error',
      payload: {
        postgres: `SELECT 1 WHERE CAST(pg_read_file('${canary}') AS INTEGER) > 0`,
        mysql: `SELECT 1 FROM dual WHERE extractvalue(1, concat(0x7e, load_file('${canary}'))) IS NULL`,
      },
      via: ['check'],
    },
    {
      kind: 'read-file-reversed',
      payload: {
        postgres: `SELECT 1 WHERE CAST(reverse(pg_read_file('${canary}')) AS INTEGER) > 0`,
        mysql: `SELECT 1 FROM dual WHERE extractvalue(1, concat(0x7e, reverse(load_file('${canary}')))) IS NULL`,
      },
      via: ['check'],
    },
    {
      kind: 'read-file-unicode-escaped-name',
      payload: { postgres: `SELECT 1 WHERE CAST(U&"pg\\005fread\\005ffile"('${canary}') AS INTEGER) > 0` },
      via: ['check'],
    },
    {
      kind: 'list-host-folder',
      payload: { postgres: `SELECT 1 FROM pg_ls_dir('${ctx.outside}') AS f WHERE CAST(f AS INTEGER) > 0` },
      via: ['check'],
    },
    {
      kind: 'large-object-import',
      payload: { postgres: `SELECT 1 WHERE lo_import('${canary}') IS NULL` },
      via: ['check', 'sql-task'],
      landings: () => [largeObjects],
    },
    {
      kind: 'set-config-read-write',
      payload: {
        postgres: "SELECT 1 WHERE set_config('default_transaction_read_only', 'off', false) IS NULL",
        mysql: 'SET @rt_marker = 1',
      },
      via: ['check', 'sql-task'],
      mustRefuse: 'a setting changes what later statements may do; nothing in the tables shows it',
    },
    {
      kind: 'persisted-role-setting',
      payload: { postgres: `ALTER ROLE CURRENT_USER SET rt.mark_${ctx.suffix} = 'x'` },
      via: ['sql-task'],
      landings: () => [roleSettings],
    },
    {
      kind: 'sequence-side-effect',
      payload: { postgres: `SELECT 1 WHERE setval('${ctx.sequence}', 999) IS NULL` },
      via: ['check'],
      landings: () => [sequenceIntact],
    },
    {
      kind: 'nextval-in-check',
      payload: { postgres: `SELECT nextval('${ctx.sequence}') AS n` },
      via: ['check'],
      landings: () => [sequenceIntact],
    },
    {
      kind: 'sleep',
      payload: { postgres: 'SELECT 1 WHERE pg_sleep(30) IS NULL', mysql: 'SELECT 1 FROM dual WHERE SLEEP(30) = 1' },
      via: ['check', 'sql-task'],
      maxTaskSeconds: 20,
    },
    {
      kind: 'sleep-unicode-escaped-name',
      payload: { postgres: 'SELECT 1 WHERE U&"pg\\005fsleep"(30) IS NULL' },
      via: ['check'],
      maxTaskSeconds: 20,
    },
    {
      kind: 'sleep-qualified-quoted',
      payload: { postgres: 'SELECT 1 WHERE "pg_catalog"."pg_sleep_for"(\'30 seconds\') IS NULL' },
      via: ['check'],
      maxTaskSeconds: 20,
    },
    {
      kind: 'benchmark',
      payload: { mysql: "SELECT 1 FROM dual WHERE BENCHMARK(50000000, MD5('x')) = 1" },
      via: ['check'],
      maxTaskSeconds: 20,
    },
    {
      kind: 'dblink',
      payload: {
        postgres: `SELECT 1 FROM dblink('dbname=warehouse', 'DROP TABLE ${ctx.victim}') AS t(x text)`,
      },
      via: ['check'],
      landings: (e) => victimIntact(e),
    },
    {
      kind: 'create-extension',
      payload: { postgres: 'CREATE EXTENSION IF NOT EXISTS dblink' },
      via: ['sql-task'],
      landings: () => [extensions],
    },
    {
      kind: 'procedural-block',
      payload: { postgres: `DO $$ BEGIN EXECUTE 'DROP TABLE ${ctx.victim}'; END $$` },
      via: ['sql-task'],
      mustRefuse: 'procedural code is no statement shape a pipeline needs',
      landings: (e) => victimIntact(e),
    },
  ];

  // Expressions over a PostgreSQL / MySQL source that try to leave the expression language.
  const expressions: Attack<ServerEngine>[] = [
    ['statement-after-filter', `amount > 0; DROP TABLE ${ctx.victim}`],
    ['close-paren-union', `amount > 0) UNION SELECT token FROM ${ctx.victim} --`],
    ['subquery-other-table', `note IN (SELECT token FROM ${ctx.victim})`],
    ['read-file-function', `CAST(pg_read_file('${canary}') AS INTEGER) > 0`],
    ['load-file-function', `load_file('${canary}') IS NOT NULL`],
    ['sleep-function', 'pg_sleep(30) IS NULL OR sleep(30) = 0'],
    // Means "no row" in standard SQL; naive MySQL quoting (backslash as escape) would turn it into "every row".
    ['backslash-quote', "note = 'a\\' AND note = ' OR 1=1 OR note = '"],
  ].map(([kind, expr]) => ({
    kind: kind as string,
    payload: { postgres: expr as string, mysql: expr as string },
    via: ['filter', 'expr'] as Via[],
    landings: (e: ServerEngine, via: Via) => [
      ...victimIntact(e),
      ...(kind === 'backslash-quote' && via === 'filter'
        ? [noRowsLanded('rows through the backslash filter', () => ctx.outRows(`out-${e}-filter.duckdb`))]
        : []),
    ],
  }));

  const build = (via: Via, engine: ServerEngine, payload: string) => {
    const connection =
      engine === 'postgres' ? { kind: 'postgres', conn_id: PG_CONN } : { kind: 'mysql', conn_id: MYSQL_CONN };
    return plantTask(via, engine, payload, {
      connection,
      table: ctx.source,
      source: connection,
      sourceTable: ctx.source,
    });
  };
  // The same expressions in transfers into PostgreSQL, whose native path is one COPY stream (PostgreSQL -> PostgreSQL:
  // COPY (SELECT ...) TO STDOUT on the source): nothing may turn it into a COPY to a file or program, or a statement
  // of its own.
  const copyTable = (kind: string, via: Via) => `rt_copy_${ctx.suffix}_${kind.replace(/-/g, '_')}_${via}`;
  const intoPostgres: RuntimeCase[] = expressions.flatMap((attack) =>
    crossAttacks(
      [
        {
          ...attack,
          kind: `${attack.kind}-into-postgres`,
          payload: { postgres: attack.payload.postgres as string },
          landings: (e: ServerEngine, via: Via) => [
            ...victimIntact(e),
            ...(attack.kind === 'backslash-quote' && via === 'filter'
              ? [
                  noRowsLanded('rows through the backslash filter into PostgreSQL', () =>
                    pgRows(copyTable(attack.kind, via)),
                  ),
                ]
              : []),
          ],
        },
      ],
      (via, engine, payload) => {
        const planted = build(via, engine, payload);
        const target = { kind: 'postgres', conn_id: PG_CONN };
        return (
          planted && { tasks: planted.tasks.map((t) => ({ ...t, target, target_table: copyTable(attack.kind, via) })) }
        );
      },
    ),
  );
  // Column names no spec may write (quotes, a newline, SQL) in a PostgreSQL source copied whole into PostgreSQL:
  // every name quoted in the COPY statements and in the table made for them.
  const weird: RuntimeCase = {
    id: 'postgres.spec.weird-columns-into-postgres',
    attack: 'weird-columns-into-postgres',
    engine: 'postgres',
    entry: 'spec',
    tasks: [
      {
        type: 'transfer',
        id: 'attack',
        source: { kind: 'postgres', conn_id: PG_CONN },
        source_table: ctx.weird,
        target: { kind: 'postgres', conn_id: PG_CONN },
        target_table: `rt_copy_${ctx.suffix}_weird`,
      },
    ],
    landings: [...victimIntact('postgres'), intact('postgres', ctx.weird)],
  };
  const pgRows = (table: string) => ctx.pg(`SELECT COUNT(*)::int AS n FROM ${table}`);
  return [...crossAttacks([...attacks, ...expressions], build), ...intoPostgres, weird];
}

/** Rows the backslash-quote filter let through, read from the run's DuckDB target: must be none. */
export function noRowsLanded(what: string, rows: () => string | Promise<string>): Landing {
  return {
    what,
    check: async () => {
      const text = await rows();
      const none = ['absent', '[]', '[[0]]', '[{"n":0}]'].includes(text) || text.startsWith('error: relation');
      return none ? undefined : `${what}: ${text.slice(0, 100)}`;
    },
  };
}

/** Requests naming PostgreSQL and MySQL sources, with SQL in the words (few: each reads a schema through Airflow). */
export function serverRequestCases(ctx: ServerAttackContext): RuntimeCase[] {
  const rows: [string, ServerEngine, string][] = [
    [
      'where-drop',
      'postgres',
      `copy the ${ctx.source} table from PostgreSQL, connection ${PG_CONN}, into DuckDB rq1.duckdb where amount > 0; DROP TABLE ${ctx.victim}, retry 0 times, dag id rt_rq1_${ctx.suffix}`,
    ],
    [
      'where-into-outfile',
      'mysql',
      `copy the ${ctx.source} table from MySQL, connection ${MYSQL_CONN}, into DuckDB rq3.duckdb where amount > 0 INTO OUTFILE '${join(ctx.outside, 'mark-rq3')}', dag id rt_rq3_${ctx.suffix}`,
    ],
  ];
  return rows.map(([kind, engine, text]) => ({
    id: `${engine}.request.${kind}`,
    attack: kind,
    engine,
    entry: 'request',
    text,
    maxTaskSeconds: 60,
    landings: [
      unchanged(`${engine} table ${ctx.victim}`, () =>
        (engine === 'postgres' ? ctx.pg : ctx.mysql)(`SELECT * FROM ${ctx.victim} ORDER BY 1`),
      ),
      noFile(join(ctx.outside, 'mark-rq3')),
    ],
  }));
}
