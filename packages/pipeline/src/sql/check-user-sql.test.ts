import { describe, expect, it } from 'vitest';
import { isAppError } from '@airflow-mcp/core';
import type { Engine } from '../spec/pipeline-spec.js';
import { checkUserSql } from './check-user-sql.js';
import type { SqlPurpose } from './sql-allow-list.js';

type Case = [dialect: Engine, purpose: SqlPurpose, sql: string, refused: RegExp];

/** Hostile statements, each with the part its error must name. */
const REFUSED: Case[] = [
  // PostgreSQL: more than one statement, hidden in quotes and comments the parser understands.
  ['postgres', 'check', 'SELECT 1; DROP TABLE events', /exactly one statement is allowed \(found 2\)/],
  ['postgres', 'check', 'SELECT $$a;b$$ AS x; DROP TABLE events; COMMIT', /found 3/],
  ['postgres', 'check', 'SELECT $q$ ; DROP TABLE t; $q$ FROM t; COMMIT', /found 2/],
  ['postgres', 'check', 'SELECT $a$ $b$ ; $b$ $a$; DROP TABLE t', /found 2/],
  ['postgres', 'check', 'SELECT 1 /* ; DROP TABLE t */; DROP TABLE t', /found 2/],
  ['postgres', 'check', "SELECT 'a'; DROP TABLE t; --'", /found 2/],
  ['postgres', 'check', "SELECT E'\\''; DROP TABLE t; --'", /found 2/],
  ['postgres', 'check', 'BEGIN; DROP TABLE t; COMMIT', /found 3/],
  ['postgres', 'check', "SELECT 'unterminated", /does not parse/],
  ['postgres', 'check', 'SELECT 1 /* /* nested */', /does not parse/],
  // PostgreSQL: files, programs, side effects.
  ['postgres', 'check', "COPY events TO PROGRAM 'curl http://x'", /COPY is not a read-only SELECT/],
  ['postgres', 'task', "COPY (SELECT 1) TO '/tmp/x'", /COPY is not allowed/],
  ['postgres', 'check', "SELECT pg_read_file('/etc/passwd')", /pg_read_file\(\)/],
  ['postgres', 'check', "SELECT * FROM events WHERE id IN (SELECT lo_import('/etc/passwd'))", /lo_import\(\)/],
  ['postgres', 'check', "SELECT lo_export(1, '/tmp/x')", /lo_export\(\)/],
  ['postgres', 'check', "SELECT * FROM dblink('host=x', 'select 1') AS t(a int)", /function in FROM/],
  ['postgres', 'check', 'SELECT pg_sleep(10)', /pg_sleep\(\)/],
  ['postgres', 'check', 'SELECT PG_SLEEP(10)', /PG_SLEEP|pg_sleep/],
  ['postgres', 'check', 'SELECT "pg_sleep"(10)', /pg_sleep\(\)/],
  ['postgres', 'check', "SELECT set_config('transaction_read_only', 'off', true)", /set_config\(\)/],
  ['postgres', 'check', "SELECT current_setting('data_directory')", /current_setting\(\)/],
  ['postgres', 'check', "SELECT lower(pg_ls_dir('/')::text)", /pg_ls_dir\(\)/],
  ['postgres', 'check', "SELECT CAST(pg_catalog.pg_read_file('/x') AS text)", /pg_read_file\(\)/],
  ['postgres', 'check', "SELECT U&'\\0041', pg_sleep(1)", /pg_sleep\(\)/],
  ['postgres', 'check', "SELECT id FROM events UNION SELECT pg_read_file('x')", /pg_read_file\(\)/],
  ['postgres', 'check', "SELECT query_to_xml('select 1', true, true, '')", /query_to_xml\(\)/],
  ['postgres', 'check', "SELECT nextval('s')", /nextval\(\)/],
  ['postgres', 'check', 'SELECT pg_terminate_backend(1)', /pg_terminate_backend\(\)/],
  ['postgres', 'check', 'SELECT * FROM events WHERE a = (SELECT txid_current())', /txid_current\(\)/],
  ['postgres', 'check', 'SELECT * FROM generate_series(1, 10)', /function in FROM/],
  ['postgres', 'check', "SELECT * FROM pg_catalog.pg_read_binary_file('/x')", /function in FROM/],
  ['postgres', 'check', "SELECT xmlparse(document '<a/>')", /XmlExpr/],
  ['postgres', 'check', 'SELECT 1 OPERATOR(public.===) 2', /operator public\.===/],
  // PostgreSQL: statements that are not a read.
  ['postgres', 'check', 'WITH d AS (DELETE FROM events RETURNING *) SELECT * FROM d', /WITH part "d" must be a SELECT/],
  ['postgres', 'check', 'SELECT * FROM events FOR UPDATE', /FOR UPDATE/],
  ['postgres', 'check', 'SELECT * INTO stolen FROM events', /SELECT \.\.\. INTO/],
  ['postgres', 'check', 'SET statement_timeout = 0', /SET \/ RESET/],
  ['postgres', 'check', 'DO $$ BEGIN PERFORM pg_sleep(1); END $$', /DO is not/],
  ['postgres', 'check', 'UPDATE events SET amount = 0', /UPDATE is not a read-only SELECT/],
  ['postgres', 'check', 'EXPLAIN ANALYZE DELETE FROM events', /EXPLAIN/],
  ['postgres', 'check', 'SELECT $1', /parameter/],
  ['postgres', 'check', 'SELECT * FROM other_db.public.events', /another database/],
  ['postgres', 'check', 'SELECT * FROM "../../etc/passwd"', /not a plain table name/],
  ['postgres', 'check', 'SELECT * FROM events TABLESAMPLE SYSTEM (10)', /TABLESAMPLE/],
  ['postgres', 'task', 'CALL refresh_all()', /CALL/],
  ['postgres', 'task', 'GRANT ALL ON events TO PUBLIC', /GRANT/],
  ['postgres', 'task', 'CREATE EXTENSION dblink', /CREATE EXTENSION/],
  ['postgres', 'task', 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql', /CREATE FUNCTION/],
  ['postgres', 'task', 'DROP TABLE events', /DROP/],
  ['postgres', 'task', 'TRUNCATE events', /TRUNCATE/],
  ['postgres', 'task', 'ALTER TABLE events ADD COLUMN x int', /ALTER TABLE/],
  ['postgres', 'task', 'DELETE FROM events', /DELETE needs a WHERE/],
  ['postgres', 'task', "UPDATE t SET a = (SELECT pg_read_file('/x'))", /pg_read_file\(\)/],
  ['postgres', 'task', 'INSERT INTO t VALUES (pg_sleep(1))', /pg_sleep\(\)/],
  ['postgres', 'task', "CREATE TABLE t (a int DEFAULT nextval('s'))", /nextval\(\)/],
  ['postgres', 'task', 'WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM x', /must be a SELECT/],
  ['postgres', 'task', 'CREATE MATERIALIZED VIEW m AS SELECT 1', /materialized view/],
  ['postgres', 'task', 'CREATE TABLE t (a int) WITH (fillfactor = 10)', /table options/],
  ['postgres', 'task', 'BEGIN', /transaction control/],
  ['postgres', 'task', "LOAD '/tmp/evil.so'", /LOAD/],
  ['postgres', 'check', 'SELECT CAST(query AS int) FROM pg_stat_activity', /system catalog/],
  ['postgres', 'check', 'SELECT * FROM pg_catalog.pg_settings', /system catalog/],
  ['postgres', 'check', 'SELECT * FROM information_schema.tables', /system catalog/],
  ['postgres', 'check', 'SELECT * FROM events WHERE CURRENT OF c', /CurrentOfExpr|does not parse/],
  ['duckdb', 'check', 'SELECT * FROM duckdb_settings', /system catalog/],
  ['duckdb', 'check', 'SELECT name.read_text() FROM t', /read_text|does not parse|name\.read_text/],
  // DuckDB: what the attack used, and the rest of its file and settings statements.
  ['duckdb', 'task', "COPY (SELECT 'import os') TO '/opt/airflow/dags/x.py' (FORMAT csv)", /COPY/],
  ['duckdb', 'task', "COPY events TO 'events.csv' (HEADER)", /COPY/],
  ['duckdb', 'task', "ATTACH '/tmp/other.duckdb' AS other", /does not parse/],
  ['duckdb', 'task', 'DETACH other', /does not parse/],
  ['duckdb', 'task', "EXPORT DATABASE '/tmp/x'", /does not parse/],
  ['duckdb', 'task', "IMPORT DATABASE '/tmp/x'", /does not parse/],
  ['duckdb', 'task', 'INSTALL httpfs', /does not parse/],
  ['duckdb', 'task', 'LOAD httpfs', /does not parse|LOAD/],
  ['duckdb', 'task', 'SET enable_external_access = true', /SET \/ RESET/],
  ['duckdb', 'task', 'RESET lock_configuration', /SET \/ RESET/],
  ['duckdb', 'task', 'PRAGMA database_list', /does not parse/],
  ['duckdb', 'task', 'CALL pragma_version()', /CALL/],
  ['duckdb', 'task', 'CREATE MACRO m(a) AS a', /does not parse/],
  ['duckdb', 'task', "CREATE SECRET s (TYPE s3, KEY_ID 'x')", /does not parse/],
  ['duckdb', 'task', "CREATE TABLE x AS SELECT * FROM read_csv('/etc/passwd')", /function in FROM/],
  ['duckdb', 'task', "INSERT INTO t SELECT * FROM read_parquet('s3://bucket/x.parquet')", /function in FROM/],
  ['duckdb', 'task', "CREATE OR REPLACE TABLE t AS SELECT * FROM 'x.csv'", /does not parse/],
  ['duckdb', 'task', 'CREATE OR REPLACE TABLE t AS SELECT * FROM "x.csv"', /not a plain table name/],
  ['duckdb', 'task', "CREATE VIEW v AS SELECT * FROM read_json('x.json')", /function in FROM/],
  ['duckdb', 'check', "SELECT * FROM read_csv('/etc/passwd')", /function in FROM/],
  ['duckdb', 'check', "SELECT * FROM read_csv_auto('x.csv')", /function in FROM/],
  ['duckdb', 'check', "SELECT * FROM read_text('/etc/hostname')", /function in FROM/],
  ['duckdb', 'check', "SELECT * FROM glob('/*')", /function in FROM/],
  ['duckdb', 'check', "SELECT * FROM sqlite_scan('x.db', 't')", /function in FROM/],
  ['duckdb', 'check', "SELECT * FROM 'data.csv'", /does not parse/],
  ['duckdb', 'check', "FROM 'data.csv'", /does not parse/],
  ['duckdb', 'check', 'SELECT * FROM "/etc/passwd"', /not a plain table name/],
  ['duckdb', 'check', "SELECT * FROM e WHERE x IN (SELECT content FROM read_text('/etc/passwd'))", /function in FROM/],
  ['duckdb', 'check', "WITH c AS (SELECT * FROM read_csv('x')) SELECT * FROM c", /function in FROM/],
  ['duckdb', 'check', "SELECT reverse(content) FROM read_blob('/etc/shadow')", /function in FROM/],
  ['duckdb', 'check', "SELECT getenv('HOME')", /getenv\(\)/],
  ['duckdb', 'check', "SELECT * FROM events; COPY events TO 'x.csv'", /found 2/],
  ['duckdb', 'check', "SELECT * FROM events -- x\n; COPY events TO 'x.csv'", /found 2/],
  ['duckdb', 'check', "select * from EVENTS where 1 = (select count(*) from Read_Csv('x'))", /function in FROM/],
  ['duckdb', 'check', 'SELECT CAST(x AS my_type) FROM t', /type my_type/],
  // MySQL / MariaDB.
  ['mysql', 'check', "SELECT * FROM events INTO OUTFILE '/tmp/x'", /INTO/],
  ['mysql', 'check', "SELECT LOAD_FILE('/etc/passwd')", /LOAD_FILE\(\)/],
  ['mysql', 'check', "SELECT 1 /*!50000 , LOAD_FILE('/etc/passwd') */", /block comments/],
  ['mysql', 'check', "SELECT 1 /*M! , LOAD_FILE('/etc/passwd') */", /block comments/],
  ['mysql', 'check', 'SELECT sleep(5)', /sleep\(\)/],
  ['mysql', 'check', "SELECT benchmark(1000000, md5('x'))", /benchmark\(\)/],
  ['mysql', 'check', "SELECT 'a\\' , LOAD_FILE('x') -- '", /backslashes/],
  ['mysql', 'check', 'SELECT 1; DROP TABLE t', /exactly one statement/],
  ['mysql', 'check', 'SELECT * FROM t FOR UPDATE', /FOR UPDATE/],
  ['mysql', 'check', "SELECT sys_exec('id')", /sys_exec\(\)/],
  ['mysql', 'check', "SELECT GET_LOCK('x', 10)", /GET_LOCK\(\)/],
  ['mysql', 'check', 'DELETE FROM events', /DELETE is not a read-only SELECT/],
  ['mysql', 'task', "LOAD DATA INFILE '/etc/passwd' INTO TABLE t", /does not parse|not allowed/],
  ['mysql', 'task', 'SET GLOBAL general_log = 1', /not allowed|does not parse/],
  ['mysql', 'task', 'DELETE FROM t', /DELETE needs a WHERE/],
  ['mysql', 'task', 'DROP TABLE events', /DROP TABLE is not allowed/],
  ['mysql', 'task', "CREATE FUNCTION f RETURNS STRING SONAME 'x.so'", /not allowed|does not parse/],
  ['mysql', 'task', 'INSERT INTO t SELECT sleep(1)', /sleep\(\)/],
  ['mysql', 'check', "SELECT 1 --0, LOAD_FILE('/etc/passwd') AS x FROM t", /followed by a space/],
  ['mysql', 'check', 'SELECT @@datadir', /variables/],
  ['mysql', 'check', "SELECT CONVERT(LOAD_FILE('x') USING utf8)", /convert\(\)|LOAD_FILE\(\)/],
  ['mysql', 'check', "SELECT a FROM t UNION SELECT LOAD_FILE('x')", /LOAD_FILE\(\)/],
  ['mysql', 'check', 'SELECT a FROM t ORDER BY sleep(1)', /sleep\(\)/],
  ['mysql', 'check', 'SELECT a FROM t GROUP BY a HAVING sleep(1) > 0', /sleep\(\)/],
  ['mysql', 'check', 'SELECT CASE WHEN 1 THEN sleep(1) END', /sleep\(\)/],
  ['mysql', 'check', "SELECT * FROM t WHERE a IN (SELECT b FROM u INTO OUTFILE 'x')", /INTO/],
  ['mysql', 'check', 'SELECT * FROM mysql.user', /system catalog/],
  ['mysql', 'check', 'SELECT * FROM information_schema.processlist', /system catalog/],
  ['mysql', 'task', "CREATE TABLE t (a INT) DATA DIRECTORY='/tmp'", /table options/],
  [
    'mysql',
    'task',
    "CREATE TABLE t (a INT) ENGINE=CONNECT TABLE_TYPE=CSV FILE_NAME='/etc/passwd'",
    /does not parse|table options/,
  ],
  // SQLite.
  ['sqlite', 'task', "ATTACH DATABASE '/tmp/x.db' AS x", /ATTACH is not allowed/],
  ['sqlite', 'check', "ATTACH DATABASE '/tmp/x.db' AS x", /ATTACH is not a read-only SELECT/],
  ['sqlite', 'task', 'PRAGMA writable_schema = 1', /not allowed|does not parse/],
  ['sqlite', 'check', "SELECT load_extension('/tmp/evil.so')", /load_extension\(\)/],
  ['sqlite', 'check', 'SELECT "main".load_extension(\'/tmp/evil.so\')', /load_extension\(\)/],
  ['sqlite', 'task', "VACUUM INTO '/tmp/copy.db'", /does not parse|not allowed/],
  ['sqlite', 'check', "SELECT writefile('/tmp/x', 'y')", /writefile\(\)/],
  ['sqlite', 'check', "SELECT readfile('/etc/passwd')", /readfile\(\)/],
  ['sqlite', 'check', "SELECT * FROM json_each('[1]')", /function in FROM/],
  ['sqlite', 'check', "SELECT fts3_tokenizer('simple')", /fts3_tokenizer\(\)/],
  ['sqlite', 'check', 'SELECT * FROM events; DELETE FROM events', /exactly one statement/],
  ['sqlite', 'check', "SELECT * FROM 'file.csv'", /not a plain table name/],
  ['sqlite', 'check', "SELECT 'x\\', load_extension('y') --'", /backslashes/],
  ['sqlite', 'check', 'SELECT * FROM events /* x */', /block comments/],
  ['sqlite', 'task', 'DETACH x', /not allowed|does not parse/],
  ['sqlite', 'task', 'DELETE FROM events', /DELETE needs a WHERE/],
  ['sqlite', 'check', 'WITH x AS (SELECT 1) DELETE FROM events', /not a read-only SELECT|does not parse/],
  ['sqlite', 'check', 'SELECT * FROM pragma_database_list', /system catalog/],
  ['sqlite', 'check', 'SELECT sql FROM sqlite_master', /system catalog/],
  ['sqlite', 'task', 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u; END', /not allowed|does not parse/],
  ['sqlite', 'task', 'CREATE VIRTUAL TABLE x USING fts5(a)', /not allowed|does not parse/],
  ['sqlite', 'check', "SELECT a FROM t UNION SELECT load_extension('x')", /load_extension\(\)/],
  ['sqlite', 'check', '', /empty/],
  ['sqlite', 'check', 'SELECT 1\u0000', /control characters/],
];

const ACCEPTED: [dialect: Engine, purpose: SqlPurpose, sql: string][] = [
  ['postgres', 'check', 'SELECT * FROM events WHERE "timestamp" > now()'],
  [
    'postgres',
    'check',
    "WITH recent AS (SELECT id, amount FROM public.orders WHERE created_at > current_date - interval '7 days') SELECT id FROM recent WHERE amount < 0",
  ],
  ['postgres', 'check', 'SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL'],
  ['postgres', 'check', 'SELECT id FROM orders GROUP BY id HAVING count(*) > 1'],
  ['postgres', 'check', "SELECT id FROM t WHERE note = $$it's fine; really$$"],
  ['postgres', 'check', "SELECT id FROM t WHERE note = E'a\\'b; DROP TABLE t' AND lower(trim(name)) LIKE 'x%'"],
  ['postgres', 'check', 'SELECT id, row_number() OVER (PARTITION BY a ORDER BY b) FROM t'],
  [
    'postgres',
    'check',
    'SELECT * FROM t WHERE CAST(amount AS numeric(10,2)) < 0 AND extract(year FROM created_at) > 2000',
  ],
  ['postgres', 'check', 'SELECT 1 FROM t -- trailing comment'],
  ['postgres', 'check', 'SELECT * FROM t;'],
  ['postgres', 'check', 'SELECT * FROM t WHERE status NOT IN (SELECT code FROM statuses) AND coalesce(x, 0) > 1'],
  [
    'postgres',
    'task',
    "INSERT INTO daily (day, total) SELECT date_trunc('day', ts), sum(amount) FROM orders GROUP BY 1",
  ],
  ['postgres', 'task', 'CREATE TABLE summary AS SELECT country, count(*) AS n FROM events GROUP BY country'],
  ['postgres', 'task', 'CREATE OR REPLACE VIEW v_active AS SELECT * FROM users WHERE active'],
  ['postgres', 'task', "UPDATE orders SET status = 'late' WHERE due < now()"],
  ['postgres', 'task', "DELETE FROM staging WHERE loaded_at < now() - interval '30 days'"],
  ['postgres', 'task', 'CREATE TABLE IF NOT EXISTS audit_log (id bigint PRIMARY KEY, note text)'],
  ['postgres', 'task', "INSERT INTO t (a, b) VALUES (1, 'x') ON CONFLICT (a) DO UPDATE SET b = excluded.b"],
  [
    'duckdb',
    'task',
    'CREATE OR REPLACE TABLE daily AS SELECT CAST(ts AS DATE) AS day, sum(amount) AS total FROM events GROUP BY 1',
  ],
  ['duckdb', 'check', 'SELECT * FROM events WHERE amount::DOUBLE < 0'],
  ['duckdb', 'check', "SELECT user_id FROM events WHERE event_type = 'refund' AND amount > 0"],
  ['mysql', 'task', 'CREATE TABLE IF NOT EXISTS audit_log (id INT)'],
  ['mysql', 'check', 'SELECT id FROM orders WHERE amount < 0'],
  ['mysql', 'task', 'INSERT INTO summary (country, n) SELECT country, COUNT(*) FROM events GROUP BY country'],
  ['mysql', 'task', "UPDATE orders SET status = 'late' WHERE due < NOW()"],
  ['mysql', 'task', 'DELETE FROM staging WHERE id < 100'],
  ['mysql', 'check', "SELECT * FROM t WHERE name LIKE '%x%' -- why"],
  [
    'mysql',
    'check',
    'SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)',
  ],
  ['mysql', 'task', 'CREATE TABLE IF NOT EXISTS audit_log (id INT PRIMARY KEY, note VARCHAR(200))'],
  ['sqlite', 'check', 'SELECT * FROM events WHERE amount < 0'],
  [
    'sqlite',
    'check',
    'WITH c AS (SELECT user_id, COUNT(*) AS n FROM events GROUP BY user_id) SELECT * FROM c WHERE n > 100',
  ],
  ['sqlite', 'task', 'CREATE TABLE summary AS SELECT country, COUNT(*) AS n FROM events GROUP BY country'],
  ['sqlite', 'task', 'DELETE FROM events WHERE amount < 0'],
];

describe('checkUserSql refuses hostile statements', () => {
  it('has a large corpus', () => expect(REFUSED.length).toBeGreaterThanOrEqual(60));
  it.each(REFUSED)('%s %s: %j', (dialect, purpose, sql, why) => {
    let error: unknown;
    try {
      checkUserSql(sql, { where: 'Task t', purpose, dialect });
    } catch (e) {
      error = e;
    }
    expect(isAppError(error)).toBe(true);
    const appError = error as { code: string; message: string; details?: Record<string, unknown> };
    expect(appError.code).toBe('VALIDATION_FAILED');
    expect(appError.details?.['step']).toBe('sql');
    expect(appError.message).toMatch(/^Task t: /);
    expect(appError.message).toMatch(why);
    expect(appError.message).toMatch(/Allowed: /);
  });
});

describe('checkUserSql accepts what a transformation or a check needs', () => {
  it.each(ACCEPTED)('%s %s: %j', (dialect, purpose, sql) => {
    expect(checkUserSql(sql, { where: 'Task t', purpose, dialect })).toBe(sql.trim().replace(/[\s;]+$/, ''));
  });
});
