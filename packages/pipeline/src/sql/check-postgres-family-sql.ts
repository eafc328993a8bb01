import { loadModule, parseSync } from 'libpg-query';
import {
  ALLOWED_FUNCTIONS,
  ALLOWED_TYPES,
  isSystemTable,
  PLAIN_NAME,
  refuseSql,
  type SqlPurpose,
} from './sql-allow-list.js';

// The real PostgreSQL parser (libpg_query, compiled to WebAssembly): loaded once, then parsed synchronously.
await loadModule();

interface Context {
  where: string;
  purpose: SqlPurpose;
}

type Fields = Record<string, unknown>;

/** Node types that may appear anywhere inside an allowed statement: values, expressions, joins, sub-selects. */
const NODES = new Set([
  'A_ArrayExpr',
  'A_Const',
  'A_Expr',
  'A_Indices',
  'A_Indirection',
  'A_Star',
  'Alias',
  'BitString',
  'BoolExpr',
  'Boolean',
  'BooleanTest',
  'CaseExpr',
  'CaseWhen',
  'CoalesceExpr',
  'CollateClause',
  'ColumnDef',
  'ColumnRef',
  'CommonTableExpr',
  'Constraint',
  'Float',
  'FuncCall',
  'GroupingSet',
  'IndexElem',
  'Integer',
  'JoinExpr',
  'List',
  'MinMaxExpr',
  'MultiAssignRef',
  'NamedArgExpr',
  'NullTest',
  'RangeSubselect',
  'RangeVar',
  'ResTarget',
  'RowExpr',
  'SelectStmt',
  'SetToDefault',
  'SortBy',
  'SQLValueFunction',
  'String',
  'SubLink',
  'TypeCast',
  'WindowDef',
  'WithClause',
]);

/** How a refused node reads in an error. */
const NODE_NAMES: Record<string, string> = {
  CopyStmt: 'COPY',
  VariableSetStmt: 'SET / RESET',
  VariableShowStmt: 'SHOW',
  TransactionStmt: 'transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT)',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  CreateFunctionStmt: 'CREATE FUNCTION / PROCEDURE',
  CreateExtensionStmt: 'CREATE EXTENSION',
  GrantStmt: 'GRANT / REVOKE',
  GrantRoleStmt: 'GRANT / REVOKE of a role',
  LoadStmt: 'LOAD',
  DropStmt: 'DROP',
  TruncateStmt: 'TRUNCATE',
  AlterTableStmt: 'ALTER TABLE',
  RangeFunction: 'a function in FROM (table functions such as read_csv, read_json, glob, generate_series)',
  RangeTableFunc: 'XMLTABLE / JSON_TABLE in FROM',
  RangeTableSample: 'TABLESAMPLE',
  ParamRef: 'a parameter ($1)',
  IntoClause: 'SELECT ... INTO',
  LockingClause: 'FOR UPDATE / FOR SHARE',
  DefElem: 'WITH (...) options',
  InsertStmt: 'an INSERT inside another statement',
  UpdateStmt: 'an UPDATE inside another statement',
  DeleteStmt: 'a DELETE inside another statement',
  MergeStmt: 'MERGE',
  ExplainStmt: 'EXPLAIN',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  CheckPointStmt: 'CHECKPOINT',
  VacuumStmt: 'VACUUM / ANALYZE',
  NotifyStmt: 'NOTIFY',
  ListenStmt: 'LISTEN',
  CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE',
  CreateSchemaStmt: 'CREATE SCHEMA',
  IndexStmt: 'CREATE INDEX',
  CreateTrigStmt: 'CREATE TRIGGER',
  RuleStmt: 'CREATE RULE',
  CreateSeqStmt: 'CREATE SEQUENCE',
  TableLikeClause: 'CREATE TABLE ... (LIKE ...)',
};

/** The transformation statements, named as written, when they stand where a check should. */
const STATEMENT_NAMES: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE ... AS',
  ViewStmt: 'CREATE VIEW',
};

const describeNode = (type: string) => NODE_NAMES[type] ?? `${type} (not one of the statement parts allowed here)`;

const strings = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.map((item) => {
        const s = (item as { String?: { sval?: string } }).String?.sval;
        return typeof s === 'string' ? s : '?';
      })
    : [];

/** A qualified name without PostgreSQL's own catalog prefix: pg_catalog.int4 -> int4. */
function unqualified(names: string[]): string[] {
  return names.length > 1 && names[0] === 'pg_catalog' ? names.slice(1) : names;
}

function checkRelation(rel: unknown, ctx: Context, role: string): void {
  const r = (rel ?? {}) as Fields;
  const parts = [r['catalogname'], r['schemaname'], r['relname']].filter((p) => p !== undefined);
  const name = parts.join('.');
  if (r['catalogname'] !== undefined) {
    refuseSql(ctx.where, ctx.purpose, `${role} "${name}" names another database; use a table of this connection`);
  }
  for (const part of parts) {
    if (typeof part !== 'string' || !PLAIN_NAME.test(part)) {
      refuseSql(
        ctx.where,
        ctx.purpose,
        `${role} "${name}" is not a plain table name (letters, digits, "_"; a file path or quoted name is not a table)`,
      );
    }
  }
  if (isSystemTable(r['schemaname'] as string | undefined, String(r['relname']))) {
    refuseSql(ctx.where, ctx.purpose, `${role} "${name}" is a system catalog, not a table of the data`);
  }
}

function checkFunction(call: Fields, ctx: Context): void {
  const names = unqualified(strings(call['funcname']));
  const name = names.join('.');
  if (names.length !== 1 || !ALLOWED_FUNCTIONS.has(name.toLowerCase())) {
    refuseSql(ctx.where, ctx.purpose, `the function ${name}() is not on the allow-list of pure functions`);
  }
}

function checkType(typeName: unknown, ctx: Context): void {
  const names = unqualified(strings((typeName as Fields | undefined)?.['names']));
  const name = names.join('.');
  if (names.length !== 1 || !ALLOWED_TYPES.has(name.toLowerCase())) {
    refuseSql(ctx.where, ctx.purpose, `the type ${name} is not one of the plain types allowed here`);
  }
}

function walk(value: unknown, ctx: Context): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, ctx);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? (keys[0] as string) : undefined;
  // A node is wrapped in an object whose one key is its type (capitalised); plain structs have snake_case fields.
  if (only !== undefined && /^[A-Z]/.test(only)) {
    visit(only, (value as Fields)[only] as Fields, ctx);
    return;
  }
  // The branches of a UNION are SelectStmt structs without the wrapper: INTO there is refused all the same.
  if ((value as Fields)['intoClause']) refuseSql(ctx.where, ctx.purpose, 'SELECT ... INTO is not allowed');
  for (const key of keys) walk((value as Fields)[key], ctx);
}

function visit(type: string, node: Fields, ctx: Context): void {
  if (!NODES.has(type)) refuseSql(ctx.where, ctx.purpose, `${describeNode(type)} is not allowed`);
  switch (type) {
    case 'SelectStmt':
      if (node['intoClause']) refuseSql(ctx.where, ctx.purpose, 'SELECT ... INTO is not allowed');
      if (node['lockingClause']) refuseSql(ctx.where, ctx.purpose, 'FOR UPDATE / FOR SHARE is not allowed');
      break;
    case 'FuncCall':
      checkFunction(node, ctx);
      break;
    case 'RangeVar':
      checkRelation(node, ctx, 'the table');
      break;
    case 'TypeCast':
    case 'ColumnDef':
      checkType(node['typeName'], ctx);
      break;
    case 'CommonTableExpr': {
      const query = node['ctequery'] as Fields | undefined;
      if (!query || !('SelectStmt' in query)) {
        refuseSql(ctx.where, ctx.purpose, `the WITH part "${String(node['ctename'])}" must be a SELECT`);
      }
      break;
    }
    case 'A_Expr': {
      const names = strings(node['name']);
      if (names.length > 1 && names[0] !== 'pg_catalog') {
        refuseSql(ctx.where, ctx.purpose, `the operator ${names.join('.')} is not a built-in operator`);
      }
      break;
    }
    case 'Constraint':
      if (node['contype'] === 'CONSTR_FOREIGN') checkRelation(node['pktable'], ctx, 'the referenced table');
      break;
  }
  for (const key of Object.keys(node)) walk(node[key], ctx);
}

/** Checks the one statement of a task (a transformation) and returns nothing; refuses anything else. */
function checkTaskStatement(type: string, node: Fields, ctx: Context): void {
  const select = (query: unknown, what: string) => {
    if (!query || typeof query !== 'object' || !('SelectStmt' in query)) {
      refuseSql(ctx.where, ctx.purpose, `${what} must take its rows from a SELECT`);
    }
    walk(query, ctx);
  };
  const rest = (skip: string[]) => {
    for (const key of Object.keys(node)) if (!skip.includes(key)) walk(node[key], ctx);
  };
  switch (type) {
    case 'SelectStmt':
      visit(type, node, ctx);
      return;
    case 'CreateTableAsStmt': {
      if (node['objtype'] !== 'OBJECT_TABLE') {
        refuseSql(ctx.where, ctx.purpose, 'only CREATE TABLE ... AS SELECT is allowed (not a materialized view)');
      }
      const into = (node['into'] ?? {}) as Fields;
      checkRelation(into['rel'], ctx, 'the new table');
      if (into['options'] || into['tableSpaceName'] || into['accessMethod']) {
        refuseSql(ctx.where, ctx.purpose, 'table options, tablespaces and access methods are not allowed');
      }
      select(node['query'], 'CREATE TABLE ... AS');
      return;
    }
    case 'ViewStmt':
      checkRelation(node['view'], ctx, 'the view');
      if (node['options']) refuseSql(ctx.where, ctx.purpose, 'view options are not allowed');
      select(node['query'], 'CREATE VIEW ... AS');
      return;
    case 'CreateStmt':
      checkRelation(node['relation'], ctx, 'the new table');
      if (node['inhRelations'] || node['partspec'] || node['partbound'] || node['options']) {
        refuseSql(ctx.where, ctx.purpose, 'INHERITS, PARTITION and table options are not allowed');
      }
      if (node['tablespacename'] || node['accessMethod'] || node['ofTypename']) {
        refuseSql(ctx.where, ctx.purpose, 'tablespaces, access methods and typed tables are not allowed');
      }
      rest(['relation']);
      return;
    case 'InsertStmt':
      checkRelation(node['relation'], ctx, 'the table written');
      if (node['selectStmt'] !== undefined) select(node['selectStmt'], 'INSERT');
      rest(['relation', 'selectStmt']);
      return;
    case 'UpdateStmt':
      checkRelation(node['relation'], ctx, 'the table written');
      rest(['relation']);
      return;
    case 'DeleteStmt':
      checkRelation(node['relation'], ctx, 'the table written');
      if (!node['whereClause']) {
        refuseSql(ctx.where, ctx.purpose, 'DELETE needs a WHERE clause (write WHERE true to empty a table on purpose)');
      }
      rest(['relation']);
      return;
    default:
      refuseSql(ctx.where, ctx.purpose, `${describeNode(type)} is not allowed`);
  }
}

/**
 * PostgreSQL and DuckDB (whose grammar is PostgreSQL's): parse with the real parser, refuse anything but one
 * statement of the allowed shapes whose every node, function, type and table is on the allow-lists. DuckDB-only
 * syntax the PostgreSQL grammar lacks is refused as unparseable, except a leading CREATE OR REPLACE TABLE, which is
 * checked as the CREATE TABLE it starts with.
 */
export function checkPostgresFamilySql(
  text: string,
  options: { where: string; purpose: SqlPurpose; dialect: 'postgres' | 'duckdb' },
): void {
  const ctx: Context = { where: options.where, purpose: options.purpose };
  const parsed =
    options.dialect === 'duckdb' && options.purpose === 'task'
      ? text.replace(/^create\s+or\s+replace\s+table\s/i, 'CREATE TABLE ')
      : text;
  let result: { stmts?: { stmt?: Fields }[] };
  try {
    result = parseSync(parsed) as typeof result;
  } catch (error) {
    refuseSql(
      options.where,
      options.purpose,
      `the SQL does not parse as ${options.dialect === 'duckdb' ? 'DuckDB (PostgreSQL grammar)' : 'PostgreSQL'}: ${(error as Error).message}`,
    );
  }
  const statements = result.stmts ?? [];
  if (statements.length !== 1) {
    refuseSql(options.where, options.purpose, `exactly one statement is allowed (found ${statements.length})`);
  }
  const statement = (statements[0]?.stmt ?? {}) as Fields;
  const type = Object.keys(statement)[0] ?? '';
  const node = statement[type] as Fields;
  if (options.purpose === 'check') {
    if (type !== 'SelectStmt') {
      refuseSql(ctx.where, ctx.purpose, `${STATEMENT_NAMES[type] ?? describeNode(type)} is not a read-only SELECT`);
    }
    visit(type, node, ctx);
    return;
  }
  checkTaskStatement(type, node, ctx);
}
