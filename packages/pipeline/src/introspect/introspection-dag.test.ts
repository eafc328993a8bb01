import { describe, expect, it } from 'vitest';
import { introspectionDagSource, serverTypeOf } from './introspection-dag.js';

describe('serverTypeOf', () => {
  it.each([
    // PostgreSQL information_schema data_type
    ['integer', 'integer'],
    ['bigint', 'bigint'],
    ['numeric', 'decimal'],
    ['double precision', 'double'],
    ['character varying', 'text'],
    ['timestamp without time zone', 'timestamp'],
    ['boolean', 'boolean'],
    ['uuid', 'text'],
    ['bytea', undefined],
    // MySQL / MariaDB column_type
    ['int(11)', 'integer'],
    ['int(10) unsigned', 'bigint'],
    ['tinyint(1)', 'integer'],
    ['smallint(5) unsigned', 'integer'],
    ['bigint(20)', 'bigint'],
    ['decimal(10,2)', 'decimal'],
    ['float', 'double'],
    ['varchar(16)', 'text'],
    ['longtext', 'text'],
    ["enum('paid','pending')", 'text'],
    ['datetime(6)', 'timestamp'],
    ['timestamp', 'timestamp'],
    ['date', 'date'],
    ['year(4)', 'integer'],
    ['time', undefined],
    ['blob', undefined],
  ])('%s -> %s', (declared, type) => {
    expect(serverTypeOf(declared)).toBe(type);
  });
});

describe('introspectionDagSource', () => {
  it('opens MySQL with PyMySQL from the connection, never through MySqlHook.get_conn()', () => {
    const source = introspectionDagSource(3);
    expect(source).toContain('def _open_mysql(conn_id):');
    expect(source).toContain('pymysql.connect(');
    expect(source).not.toContain('MySqlHook(mysql_conn_id');
    expect(source).toContain("c.column_key = 'PRI'");
    expect(introspectionDagSource(2)).toContain('from airflow.decorators import dag, task');
  });
});
