import type { Engine, SqlType } from '../spec/pipeline-spec.js';

/** What differs between the four engines when we write SQL for them. */
export interface SqlDialect {
  engine: Engine;
  ident(name: string): string;
  string(value: string): string;
  /** CAST(x AS <type>) target for a spec type. */
  castType(type: SqlType): string;
  /** Column type for CREATE TABLE. */
  columnType(type: SqlType): string;
  concat(parts: readonly string[]): string;
  /** One part of a date or timestamp (text in SQLite) as an integer. */
  datePart(part: DatePart, sql: string): string;
}

export type DatePart = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR';

const STRFTIME: Record<DatePart, string> = { YEAR: '%Y', MONTH: '%m', DAY: '%d', HOUR: '%H' };

const doubleQuoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
const singleQuoted = (value: string) => `'${value.replace(/'/g, "''")}'`;

const COLUMN_TYPES: Record<Engine, Record<SqlType, string>> = {
  sqlite: {
    integer: 'INTEGER',
    bigint: 'INTEGER',
    double: 'REAL',
    decimal: 'NUMERIC',
    text: 'TEXT',
    boolean: 'INTEGER',
    date: 'TEXT',
    timestamp: 'TEXT',
  },
  duckdb: {
    integer: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    decimal: 'DECIMAL(18,4)',
    text: 'VARCHAR',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
  },
  postgres: {
    integer: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE PRECISION',
    decimal: 'NUMERIC(18,4)',
    text: 'TEXT',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
  },
  mysql: {
    integer: 'INT',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    decimal: 'DECIMAL(18,4)',
    // TEXT holds 64 KiB; the other engines' text has no such bound.
    text: 'LONGTEXT',
    boolean: 'TINYINT(1)',
    date: 'DATE',
    // Microseconds kept, as in the other engines' TIMESTAMP.
    timestamp: 'DATETIME(6)',
  },
};

const MYSQL_CASTS: Record<SqlType, string> = {
  integer: 'SIGNED',
  bigint: 'SIGNED',
  double: 'DOUBLE',
  decimal: 'DECIMAL(18,4)',
  text: 'CHAR',
  boolean: 'UNSIGNED',
  date: 'DATE',
  timestamp: 'DATETIME(6)',
};

export function sqlDialect(engine: Engine): SqlDialect {
  if (engine === 'mysql') {
    return {
      engine,
      ident: (name) => `\`${name.replace(/`/g, '``')}\``,
      string: (value) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`,
      castType: (type) => MYSQL_CASTS[type],
      columnType: (type) => COLUMN_TYPES.mysql[type],
      concat: (parts) => `CONCAT(${parts.join(', ')})`,
      // YEAR(), MONTH(), DAY(), HOUR() read dates, datetimes and their text forms alike.
      datePart: (part, sql) => `${part}(${sql})`,
    };
  }
  return {
    engine,
    ident: doubleQuoted,
    string: singleQuoted,
    castType: (type) => COLUMN_TYPES[engine][type],
    columnType: (type) => COLUMN_TYPES[engine][type],
    concat: (parts) => parts.join(' || '),
    datePart:
      engine === 'sqlite'
        ? (part, sql) => `CAST(strftime('${STRFTIME[part]}', ${sql}) AS INTEGER)`
        : // A text column holding timestamps reads too; EXTRACT gives a numeric in PostgreSQL, a BIGINT in DuckDB.
          (part, sql) => `CAST(EXTRACT(${part} FROM CAST(${sql} AS TIMESTAMP)) AS INTEGER)`,
  };
}
