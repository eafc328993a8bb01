import { spawnSync } from 'node:child_process';
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

  it('reads the few values of word-holding text columns only (not char(n), numbers or dates), and parses', () => {
    const source = introspectionDagSource(3);
    const holdsWords = /def _holds_words[\s\S]*?\n\n\n/.exec(source)?.[0];
    expect(holdsWords).toBeDefined();
    const declared = [
      'text',
      'character varying',
      'citext',
      'varchar(16)',
      'longtext',
      "enum('paid','pending')",
      'character',
      'char(3)',
      'integer',
      'timestamp without time zone',
      'json',
    ];
    const script = `${holdsWords}\nimport json, sys\nprint(json.dumps([_holds_words(d) for d in json.loads(sys.argv[1])]))`;
    const run = spawnSync('python3', ['-c', script, JSON.stringify(declared)], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([true, true, true, true, true, true, false, false, false, false, false]);
    const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], {
      input: source,
      encoding: 'utf8',
    });
    expect(parsed.status, parsed.stderr).toBe(0);
    expect(source).toContain('" LIMIT 10000) AS s WHERE " + col + " IS NOT NULL LIMIT 51"');
  });
});
