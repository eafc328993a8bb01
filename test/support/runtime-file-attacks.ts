import { homedir } from 'node:os';
import { join } from 'node:path';
import { crossAttacks, plantTask, type Attack, type Via } from './cross-attacks.js';
import { fingerprint, noFile, unchanged, type Landing, type RuntimeCase } from './runtime-case.js';

/** The places the file-engine attacks aim at, laid out by the suite before the runs. */
export interface FileAttackContext {
  suffix: string;
  dagsDir: string;
  /** The attacker tenant's data folder (relative paths resolve here). */
  mine: string;
  /** The other tenant's folder, with victim.duckdb and victim.db. */
  victimDir: string;
  /** A folder outside every allowed folder: canary files, and where written markers would land. */
  outside: string;
  /** Reads a table of a DuckDB file as JSON text ("absent" when the file or table is missing). */
  duckdbRows: (file: string, table: string) => string;
  /** Reads a table of a SQLite file as JSON text. */
  sqliteRows: (file: string, table: string) => string;
}

type FileEngine = 'duckdb' | 'sqlite';

/** Where a payload's written file would land: outside, or in the dags folder as a .py Airflow would import. */
export const markerPath = (ctx: FileAttackContext, name: string) => join(ctx.outside, `mark-${name}`);
export const dagMarkerPath = (ctx: FileAttackContext, name: string) =>
  join(ctx.dagsDir, `rt_mark_${ctx.suffix}_${name.replace(/\W/g, '_')}.py`);

/** A .py file Airflow's dag-processor would import (the words airflow and dag let it past the safe-mode scan). */
const pythonPayload = (touched: string) => `import pathlib; pathlib.Path(''${touched}'').touch()  # airflow dag`;

export function fileAttackCases(ctx: FileAttackContext): RuntimeCase[] {
  const m = (name: string) => markerPath(ctx, name);
  const victimDuckdb = join(ctx.victimDir, 'victim.duckdb');
  const victimSqlite = join(ctx.victimDir, 'victim.db');
  const victimIntact = [
    unchanged("the other tenant's victim.duckdb", async () => fingerprint(victimDuckdb)),
    unchanged("the other tenant's victim.db", async () => fingerprint(victimSqlite)),
  ];
  const sampleIntact = unchanged('sample.db', async () => ctx.sqliteRows(join(ctx.mine, 'sample.db'), 'events'));
  const keepIntact = (file: string) =>
    unchanged(`table keep in ${file}`, async () => ctx.duckdbRows(join(ctx.mine, file), 'keep'));
  const canary = (name: string) => join(ctx.outside, name);

  const statements: Attack<FileEngine>[] = [
    {
      kind: 'copy-python-into-dags-folder',
      payload: {
        duckdb: `COPY (SELECT '${pythonPayload(m('imported-by-airflow'))}' AS line) TO '${dagMarkerPath(ctx, 'copy')}' (HEADER false)`,
      },
      via: ['sql-task', 'check'],
      landings: () => [noFile(dagMarkerPath(ctx, 'copy')), noFile(m('imported-by-airflow'))],
    },
    {
      kind: 'copy-to-outside',
      payload: { duckdb: `COPY (SELECT 42 AS answer) TO '${m('copy.csv')}'` },
      via: ['sql-task', 'check'],
      landings: () => [noFile(m('copy.csv'))],
    },
    {
      kind: 'copy-parquet-to-outside',
      payload: { duckdb: `COPY (SELECT 42 AS answer) TO '${m('copy.parquet')}' (FORMAT parquet)` },
      via: ['sql-task'],
      landings: () => [noFile(m('copy.parquet'))],
    },
    {
      kind: 'copy-over-other-tenant-file',
      payload: { duckdb: `COPY (SELECT 'overwritten' AS x) TO '${victimDuckdb}'` },
      via: ['sql-task', 'check'],
      landings: () => victimIntact,
    },
    {
      kind: 'attach-new-file-outside',
      payload: {
        duckdb: `ATTACH '${m('attached.duckdb')}' AS rt_attached`,
        sqlite: `ATTACH DATABASE '${m('attached.db')}' AS rt_attached`,
      },
      via: ['sql-task'],
      landings: (e) => [noFile(m(e === 'duckdb' ? 'attached.duckdb' : 'attached.db'))],
    },
    {
      kind: 'attach-into-dags-folder',
      payload: { sqlite: `ATTACH DATABASE '${dagMarkerPath(ctx, 'attach')}' AS rt_dags` },
      via: ['sql-task'],
      landings: () => [noFile(dagMarkerPath(ctx, 'attach'))],
    },
    {
      kind: 'attach-other-tenant-file',
      payload: {
        duckdb: `ATTACH '${victimDuckdb}' AS rt_victim`,
        sqlite: `ATTACH DATABASE '${victimSqlite}' AS rt_victim`,
      },
      via: ['sql-task'],
      mustRefuse: "an ATTACH of another tenant's file gives the next statement its data",
      landings: () => victimIntact,
    },
    {
      kind: 'export-database-outside',
      payload: { duckdb: `EXPORT DATABASE '${m('export')}'` },
      via: ['sql-task'],
      landings: () => [noFile(m('export'))],
    },
    {
      kind: 'vacuum-into-outside',
      payload: { sqlite: `VACUUM INTO '${m('vacuum.db')}'`, duckdb: `VACUUM` },
      via: ['sql-task'],
      landings: () => [noFile(m('vacuum.db'))],
    },
    {
      kind: 'set-external-access',
      payload: { duckdb: 'SET enable_external_access = true', sqlite: 'PRAGMA writable_schema = 1' },
      via: ['sql-task'],
      mustRefuse: 'a setting changes what later statements may do; nothing on disk shows it',
    },
    {
      kind: 'set-lock-configuration-off',
      payload: { duckdb: 'RESET lock_configuration' },
      via: ['sql-task'],
      mustRefuse: 'unlocking the configuration is the first step of every escape',
    },
    {
      kind: 'install-extension',
      payload: { duckdb: 'INSTALL httpfs' },
      via: ['sql-task'],
      mustRefuse: 'an extension install downloads and runs native code',
    },
    {
      kind: 'load-extension',
      payload: {
        duckdb: `LOAD '${m('evil.duckdb_extension')}'`,
        sqlite: `SELECT load_extension('${m('evil.so')}')`,
      },
      via: ['sql-task', 'check'],
      mustRefuse: 'loading a native library runs arbitrary code',
    },
    {
      kind: 'persistent-secret-in-home',
      payload: {
        duckdb: `CREATE PERSISTENT SECRET rt_${ctx.suffix} (TYPE S3, KEY_ID 'rt', SECRET 'rt')`,
      },
      via: ['sql-task'],
      landings: () => [noFile(join(homedir(), '.duckdb', 'stored_secrets', `rt_${ctx.suffix}.duckdb_secret`))],
    },
    {
      kind: 'writefile-outside',
      payload: { sqlite: `SELECT writefile('${m('writefile.txt')}', 'x')` },
      via: ['sql-task', 'check'],
      landings: () => [noFile(m('writefile.txt'))],
    },
    {
      kind: 'read-host-csv-into-own-table',
      payload: { duckdb: `CREATE TABLE rt_stolen AS SELECT * FROM read_csv('${canary('canary.csv')}')` },
      via: ['sql-task'],
      landings: (e) => [
        {
          what: "the canary copied into a table of the tenant's own file",
          check: async () => {
            const rows = ctx.duckdbRows(join(ctx.mine, `${e}-sql-task.duckdb`), 'rt_stolen');
            return rows === 'absent' ? undefined : `rt_stolen holds ${rows.slice(0, 80)}`;
          },
        },
      ],
    },
    // Reads of host files whose content comes back through an error message: as is, reversed, base64, hex.
    {
      kind: 'read-csv-in-cast-error',
      payload: {
        duckdb: `SELECT 1 FROM read_csv('${canary('canary.csv')}', header = false, columns = {'v': 'VARCHAR'}) WHERE CAST(v AS INTEGER) > 0`,
      },
      via: ['check', 'sql-task'],
    },
    {
      kind: 'read-csv-reversed',
      payload: {
        duckdb: `SELECT 1 FROM read_csv('${canary('canary.csv')}', header = false, columns = {'v': 'VARCHAR'}) WHERE CAST(reverse(v) AS INTEGER) > 0`,
      },
      via: ['check'],
    },
    {
      kind: 'read-json-in-cast-error',
      payload: { duckdb: `SELECT 1 FROM read_json('${canary('canary.json')}') WHERE CAST(secret AS INTEGER) > 0` },
      via: ['check'],
    },
    {
      kind: 'read-text-base64',
      payload: {
        duckdb: `SELECT 1 FROM read_text('${canary('canary.txt')}') WHERE CAST(to_base64(encode(content)) AS INTEGER) > 0`,
      },
      via: ['check'],
    },
    {
      kind: 'read-text-hex',
      payload: { duckdb: `SELECT 1 FROM read_text('${canary('canary.txt')}') WHERE CAST(hex(content) AS INTEGER) > 0` },
      via: ['check'],
    },
    {
      kind: 'glob-host-folder',
      payload: { duckdb: `SELECT 1 FROM glob('${ctx.outside}/*') WHERE CAST(file AS INTEGER) > 0` },
      via: ['check'],
    },
    {
      kind: 'environment-reversed',
      payload: {
        duckdb: `SELECT 1 FROM read_text('/proc/self/environ') WHERE CAST(reverse(content) AS INTEGER) > 0`,
      },
      via: ['check'],
    },
    {
      kind: 'getenv-connection-uri',
      payload: { duckdb: `SELECT 1 WHERE CAST(reverse(getenv('AIRFLOW_CONN_WAREHOUSE_PG')) AS INTEGER) > 0` },
      via: ['check'],
    },
    {
      kind: 'readfile-host',
      payload: { sqlite: `SELECT 1 WHERE CAST(readfile('${canary('canary.txt')}') AS INTEGER) = 1` },
      via: ['check'],
    },
    // A "read-only" check that is really three statements: a quote the scanner sees, a quote the engine does not.
    {
      kind: 'dollar-quote-hides-drop',
      payload: {
        duckdb: `SELECT $$'$$ AS q) AS v; DROP TABLE keep; SELECT COUNT(*) FROM (SELECT $$'$$ AS q`,
      },
      via: ['check'],
      landings: () => [keepIntact('duckdb-check.duckdb')],
    },
    {
      kind: 'dollar-quote-hides-cross-tenant-write',
      payload: {
        duckdb: `SELECT $$'$$ AS q) AS v; ATTACH '${victimDuckdb}' AS rt_v; DROP TABLE rt_v.private; SELECT COUNT(*) FROM (SELECT $$'$$ AS q`,
      },
      via: ['check'],
      landings: () => victimIntact,
    },
    {
      kind: 'bracket-identifier-hides-drop',
      payload: { sqlite: `SELECT 1 AS [x']; DROP TABLE events; SELECT [']` },
      via: ['check'],
      landings: () => [sampleIntact],
    },
  ];

  // Expressions that try to leave the expression language (filters, computed columns, requests, updates).
  const expressions: Attack<'sqlite' | 'duckdb'>[] = [
    ['statement-after-filter', 'amount > 0; DROP TABLE events'],
    ['close-paren-union', `amount > 0) UNION SELECT * FROM read_csv('${canary('canary.csv')}') --`],
    ['subquery-read-text', `event_type IN (SELECT content FROM read_text('${canary('canary.txt')}'))`],
    ['function-read-csv', `CAST(read_csv('${canary('canary.csv')}') AS VARCHAR) IS NOT NULL`],
    ['quoted-identifier-break', 'event_type" IS NOT NULL OR "event_type'],
    ['doubled-quote-break', `event_type = 'x'' OR 1=1 --'`],
    ['dollar-quote', 'event_type = $$x$$ OR amount > 0'],
    ['python-in-filter', `__import__('os').system('touch ${m('python-filter')}') = 0`],
    ['getenv-in-filter', `CAST(getenv('AIRFLOW_CONN_WAREHOUSE_PG') AS INTEGER) > 0`],
    ['cast-syntax-escape', `amount::VARCHAR || (SELECT 'x') = 'x'`],
  ].map(([kind, expr]) => ({
    kind: kind as string,
    payload: { sqlite: expr as string, duckdb: expr as string },
    via: ['filter', 'expr'] as Via[],
    landings: () => [sampleIntact, keepIntact('src.duckdb'), noFile(m('python-filter'))],
  }));

  const build = (via: Via, engine: FileEngine, payload: string) => {
    const file = `${engine}-${via}.${engine === 'duckdb' ? 'duckdb' : 'db'}`;
    return plantTask(via, engine, payload, {
      connection: { kind: engine, path: via === 'check' && engine === 'sqlite' ? 'sample.db' : file },
      table: engine === 'sqlite' ? 'events' : 'keep',
      source: engine === 'sqlite' ? { kind: 'sqlite', path: 'sample.db' } : { kind: 'duckdb', path: 'src.duckdb' },
      sourceTable: 'events',
    });
  };
  return crossAttacks([...statements, ...expressions], build);
}

/** Path tricks in file connections: each a transfer whose source or target tries to leave the tenant's folder. */
export function pathAttackCases(ctx: FileAttackContext): RuntimeCase[] {
  const victimDuckdb = join(ctx.victimDir, 'victim.duckdb');
  const victimIntact = unchanged("the other tenant's folder", async () => fingerprint(ctx.victimDir));
  const outsideIntact = unchanged('the folder outside', async () => fingerprint(ctx.outside));
  const dagsMarker = join(ctx.dagsDir, `rt_${ctx.suffix}_target.duckdb`);
  const stolen = (file: string): Landing => ({
    what: `no outside data copied into ${file}`,
    check: async () => {
      const rows = ctx.duckdbRows(join(ctx.mine, file), 'stolen');
      return rows === 'absent' ? undefined : `${file} holds ${rows.slice(0, 80)}`;
    },
  });
  const transfer = (source: Record<string, unknown>, table: string, target: Record<string, unknown>) => [
    { type: 'transfer', id: 'attack', source, source_table: table, target, target_table: 'stolen' },
  ];
  const sample = { kind: 'sqlite', path: 'sample.db' };
  const rows: [string, Record<string, unknown>[], Landing[]][] = [
    [
      'target-dot-dot-other-tenant',
      transfer(sample, 'events', { kind: 'duckdb', path: '../rtvictim/victim.duckdb' }),
      [victimIntact],
    ],
    [
      'target-absolute-other-tenant',
      transfer(sample, 'events', { kind: 'duckdb', path: victimDuckdb }),
      [victimIntact],
    ],
    [
      'target-absolute-outside',
      transfer(sample, 'events', { kind: 'duckdb', path: join(ctx.outside, 'abs.duckdb') }),
      [outsideIntact],
    ],
    [
      'target-dot-dot-outside',
      transfer(sample, 'events', { kind: 'duckdb', path: `../../${ctx.outside.split('/').pop()}/dd.duckdb` }),
      [outsideIntact],
    ],
    ['target-in-dags-folder', transfer(sample, 'events', { kind: 'duckdb', path: dagsMarker }), [noFile(dagsMarker)]],
    [
      'target-through-symlinked-folder',
      transfer(sample, 'events', { kind: 'duckdb', path: 'linkout/via-link.duckdb' }),
      [outsideIntact],
    ],
    [
      'target-proc-root',
      transfer(sample, 'events', { kind: 'duckdb', path: `/proc/self/root${ctx.outside}/proc.duckdb` }),
      [outsideIntact],
    ],
    [
      'target-symlink-to-other-tenant-sqlite',
      transfer(sample, 'events', { kind: 'sqlite', path: 'victim-link.db' }),
      [victimIntact],
    ],
    [
      'source-symlink-to-outside-db',
      transfer({ kind: 'sqlite', path: 'canary-link.db' }, 'secrets', { kind: 'duckdb', path: 'stolen1.duckdb' }),
      [stolen('stolen1.duckdb')],
    ],
    [
      'source-other-tenant-relative',
      transfer({ kind: 'sqlite', path: '../rtvictim/victim.db' }, 'private', {
        kind: 'duckdb',
        path: 'stolen2.duckdb',
      }),
      [stolen('stolen2.duckdb')],
    ],
    [
      'source-absolute-outside',
      transfer({ kind: 'sqlite', path: join(ctx.outside, 'canary.db') }, 'secrets', {
        kind: 'duckdb',
        path: 'stolen3.duckdb',
      }),
      [stolen('stolen3.duckdb')],
    ],
    [
      'sql-task-connection-in-dags-folder',
      [
        {
          type: 'sql',
          id: 'attack',
          connection: { kind: 'duckdb', path: dagsMarker.replace('target', 'conn') },
          sql: 'CREATE TABLE t AS SELECT 1 AS x',
        },
      ],
      [noFile(dagsMarker.replace('target', 'conn'))],
    ],
  ];
  return rows.map(([kind, tasks, landings]) => ({
    id: `path.spec.${kind}`,
    attack: kind,
    engine: 'file',
    entry: 'spec',
    tasks,
    landings,
  }));
}

/** Hostile words in create_dag requests and update_dag changes (the rule planner, no model). */
export function wordAttackCases(ctx: FileAttackContext): RuntimeCase[] {
  const m = (name: string) => markerPath(ctx, name);
  const sampleIntact = unchanged('sample.db', async () => ctx.sqliteRows(join(ctx.mine, 'sample.db'), 'events'));
  const victimIntact = unchanged("the other tenant's folder", async () => fingerprint(ctx.victimDir));
  const copy = (target: string, tail: string) =>
    `copy the events table from SQLite sample.db into DuckDB ${target} ${tail}, retry 0 times, dag id rt_req_${ctx.suffix}`;
  const requests: [string, string, Landing[]][] = [
    ['where-drop-table', copy('req1.duckdb', 'where amount > 0; DROP TABLE events'), [sampleIntact]],
    [
      'where-union-read-csv',
      copy('req2.duckdb', `where event_type = 'x' UNION SELECT * FROM read_csv('${join(ctx.outside, 'canary.csv')}')`),
      [],
    ],
    [
      'where-python',
      copy('req3.duckdb', `where __import__('os').system('touch ${m('req-python')}') = 0`),
      [noFile(m('req-python'))],
    ],
    [
      'python-statement-in-text',
      `${copy('req4.duckdb', '')}; import os; os.system('touch ${m('req-os')}')`,
      [noFile(m('req-os'))],
    ],
    [
      'target-outside-folder',
      copy(`../../${ctx.outside.split('/').pop()}/req5.duckdb`, ''),
      [noFile(join(ctx.outside, 'req5.duckdb'))],
    ],
    [
      'target-dags-folder',
      copy(`${ctx.dagsDir}/rt_${ctx.suffix}_req6.duckdb`, ''),
      [noFile(join(ctx.dagsDir, `rt_${ctx.suffix}_req6.duckdb`))],
    ],
    [
      'source-other-tenant',
      `copy the private table from SQLite ../rtvictim/victim.db into DuckDB req7.duckdb, retry 0 times, dag id rt_req7_${ctx.suffix}`,
      [victimIntact],
    ],
    [
      'table-name-with-sql',
      `copy the events table from SQLite sample.db into DuckDB req8.duckdb as table evil"; DROP TABLE events; --, dag id rt_req8_${ctx.suffix}`,
      [sampleIntact],
    ],
    [
      'korean-attach',
      `sample.db의 events 테이블을 DuckDB req9.duckdb로 옮겨줘 조건: amount > 0 OR 1 IN (SELECT 1 FROM read_text('${join(ctx.outside, 'canary.txt')}')), dag id rt_req9_${ctx.suffix}`,
      [],
    ],
    [
      'dag-id-python',
      `${copy('req10.duckdb', '')}, named rt_x'''+open('${m('req-dagid')}','w')+'''`,
      [noFile(m('req-dagid'))],
    ],
  ];
  const updates: [string, string, Landing[]][] = [
    ['only-where-drop', 'only where amount > 0; DROP TABLE events', [sampleIntact]],
    [
      'only-where-read-text',
      `only where event_type IN (SELECT content FROM read_text('${join(ctx.outside, 'canary.txt')}'))`,
      [],
    ],
    [
      'only-where-python',
      `only where __import__('os').system('touch ${m('upd-python')}') = 0`,
      [noFile(m('upd-python'))],
    ],
    ['only-where-getenv', "only where CAST(getenv('AIRFLOW_CONN_WAREHOUSE_PG') AS INTEGER) > 0", []],
    ['not-null-check-with-sql', 'add a not-null check on event_id; DROP TABLE events', [sampleIntact]],
    ['schedule-with-python', `run it hourly; import os; os.system('touch ${m('upd-os')}')`, [noFile(m('upd-os'))]],
  ];
  return [
    ...requests.map(([kind, text, landings]) => ({
      id: `file.request.${kind}`,
      attack: kind,
      engine: 'file',
      entry: 'request' as const,
      text,
      landings,
    })),
    ...updates.map(([kind, text, landings]) => ({
      id: `file.update.${kind}`,
      attack: kind,
      engine: 'file',
      entry: 'update' as const,
      text,
      landings,
    })),
  ];
}

/**
 * Column names no spec may write but a source table may have (quotes, a newline, SQL, unicode, backticks): a
 * transfer of every column as is must quote them all. weird.db's table rt_weird has them; each target file has a
 * table keep that an injected DROP would remove.
 */
export const WEIRD_COLUMNS = [
  'a"b',
  "c'); DROP TABLE keep; --",
  'new\nline',
  'ünï©ødé',
  'x`y',
  '[z]',
  'd"); DROP TABLE keep; --',
];

export function identifierAttackCases(ctx: FileAttackContext): RuntimeCase[] {
  const keepDuckdb = unchanged('keep in weird_out.duckdb', async () =>
    ctx.duckdbRows(join(ctx.mine, 'weird_out.duckdb'), 'keep'),
  );
  const keepSqlite = unchanged('keep in weird_out.db', async () =>
    ctx.sqliteRows(join(ctx.mine, 'weird_out.db'), 'keep'),
  );
  const source = { kind: 'sqlite', path: 'weird.db' };
  const to = (target: Record<string, unknown>) => [
    { type: 'transfer', id: 'attack', source, source_table: 'rt_weird', target, target_table: 'weird' },
  ];
  return [
    {
      id: 'identifiers.spec.to-duckdb',
      attack: 'weird-columns',
      engine: 'duckdb',
      entry: 'spec',
      tasks: to({ kind: 'duckdb', path: 'weird_out.duckdb' }),
      landings: [keepDuckdb],
    },
    {
      id: 'identifiers.spec.to-sqlite',
      attack: 'weird-columns',
      engine: 'sqlite',
      entry: 'spec',
      tasks: to({ kind: 'sqlite', path: 'weird_out.db' }),
      landings: [keepSqlite],
    },
    {
      id: 'identifiers.request.to-duckdb',
      attack: 'weird-columns',
      engine: 'duckdb',
      entry: 'request',
      text: `copy the rt_weird table from SQLite weird.db into DuckDB weird_out.duckdb, retry 0 times, dag id rt_weird_${ctx.suffix}`,
      landings: [keepDuckdb],
    },
  ];
}
