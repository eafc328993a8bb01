import type { Engine } from '../spec/pipeline-spec.js';
import { checkMysqlFamilySql } from './check-mysql-family-sql.js';
import { checkPostgresFamilySql } from './check-postgres-family-sql.js';
import { refuseSql, type SqlPurpose } from './sql-allow-list.js';

export interface UserSqlOptions {
  /** Where the statement sits in the spec, for the error ("Task load, check no_future"). */
  where: string;
  purpose: SqlPurpose;
  dialect: Engine;
}

/**
 * A statement a spec carries (a sql task's, a custom_sql check's), parsed by a real parser for its engine and held
 * against the shapes its purpose allows. Returns the text that was checked (trimmed, without trailing semicolons),
 * which is exactly what the generated DAG runs; throws VALIDATION_FAILED (step "sql") naming the part refused.
 */
export function checkUserSql(sql: string, options: UserSqlOptions): string {
  const text = sql.trim().replace(/[\s;]+$/, '');
  if (text.length === 0) refuseSql(options.where, options.purpose, 'the SQL is empty');
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
    refuseSql(options.where, options.purpose, 'control characters are not allowed in SQL');
  }
  switch (options.dialect) {
    case 'postgres':
    case 'duckdb':
      checkPostgresFamilySql(text, { ...options, dialect: options.dialect });
      break;
    case 'mysql':
    case 'sqlite':
      checkMysqlFamilySql(text, { ...options, dialect: options.dialect });
      break;
  }
  return text;
}
