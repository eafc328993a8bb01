import nodeSqlParser from 'node-sql-parser';
import { ALLOWED_FUNCTIONS, isSystemTable, PLAIN_NAME, refuseSql, type SqlPurpose } from './sql-allow-list.js';

const parser = new nodeSqlParser.Parser();

type Fields = Record<string, unknown>;

interface Context {
  where: string;
  purpose: SqlPurpose;
}

const TASK_TYPES = new Set(['select', 'create', 'insert', 'replace', 'update', 'delete']);
/** What tableList() reports a table is used for, per statement kind allowed. */
const TABLE_OPS: Record<SqlPurpose, ReadonlySet<string>> = {
  check: new Set(['select']),
  task: new Set(['select', 'insert', 'update', 'delete', 'create']),
};

function functionName(node: Fields): string[] {
  const name = node['name'];
  if (typeof name === 'string') return [name];
  const parts = ((name as Fields | undefined)?.['name'] ?? []) as { value?: unknown }[];
  const schema = (name as Fields | undefined)?.['schema'] as { value?: unknown } | undefined;
  return [...(schema ? [String(schema.value)] : []), ...parts.map((p) => String(p.value))];
}

function walk(value: unknown, ctx: Context): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, ctx);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const node = value as Fields;
  const type = node['type'];
  if (type === 'function' || type === 'aggr_func') {
    const names = functionName(node);
    const name = names.join('.');
    if (names.length !== 1 || !ALLOWED_FUNCTIONS.has(name.toLowerCase())) {
      refuseSql(ctx.where, ctx.purpose, `the function ${name}() is not on the allow-list of pure functions`);
    }
  }
  if (type === 'var') {
    refuseSql(ctx.where, ctx.purpose, 'variables (@name, @@setting) are not allowed');
  }
  // A sub-select (in FROM, WITH or an expression) carries its own statement: it must be a SELECT too.
  const ast = node['ast'] as Fields | undefined;
  if (ast && typeof ast === 'object' && ast['type'] !== 'select') {
    refuseSql(ctx.where, ctx.purpose, `a ${String(ast['type']).toUpperCase()} inside another statement is not allowed`);
  }
  const into = node['into'] as Fields | undefined;
  if (into && (into['keyword'] || into['expr'])) {
    refuseSql(ctx.where, ctx.purpose, 'SELECT ... INTO (OUTFILE, DUMPFILE, a variable or a table) is not allowed');
  }
  if (ctx.purpose === 'check' && (node['locking_read'] || node['for_update'])) {
    refuseSql(ctx.where, ctx.purpose, 'FOR UPDATE / FOR SHARE is not allowed in a check');
  }
  const from = node['from'];
  if (Array.isArray(from)) {
    for (const item of from as Fields[]) {
      const expr = item?.['expr'] as Fields | undefined;
      if (expr && typeof expr === 'object' && !('ast' in expr)) {
        refuseSql(ctx.where, ctx.purpose, 'a function in FROM (a table function such as json_each) is not allowed');
      }
    }
  }
  for (const key of Object.keys(node)) walk(node[key], ctx);
}

/**
 * MySQL / MariaDB and SQLite through node-sql-parser's grammars for them. The parser is not the engine's own, so
 * what the two could read differently is refused before parsing: comments that MySQL executes (slash-star-bang,
 * optimizer hints: every block comment) and backslashes (escapes in MySQL strings by default, not in SQLite's).
 */
export function checkMysqlFamilySql(
  text: string,
  options: { where: string; purpose: SqlPurpose; dialect: 'mysql' | 'sqlite' },
): void {
  const ctx: Context = { where: options.where, purpose: options.purpose };
  const database = options.dialect === 'mysql' ? 'mysql' : 'sqlite';
  if (text.includes('/*')) {
    refuseSql(
      ctx.where,
      ctx.purpose,
      'block comments are not allowed in MySQL and SQLite statements (MySQL runs /*! ... */)',
    );
  }
  if (text.includes('\\')) {
    refuseSql(
      ctx.where,
      ctx.purpose,
      'backslashes are not allowed in MySQL and SQLite statements (engines read them differently)',
    );
  }
  // MySQL starts a comment only at "-- " (dash dash space); the parser at any "--", so "--0, LOAD_FILE(...)" differs.
  if (/--[^\s]/.test(text)) {
    refuseSql(
      ctx.where,
      ctx.purpose,
      'a "--" comment must be followed by a space (MySQL reads "--x" as minus minus x)',
    );
  }
  let ast: unknown;
  let tables: string[];
  try {
    ast = parser.astify(text, { database });
    tables = parser.tableList(text, { database });
  } catch (error) {
    refuseSql(
      ctx.where,
      ctx.purpose,
      `the SQL does not parse as ${options.dialect === 'mysql' ? 'MySQL' : 'SQLite'}: ${(error as Error).message.slice(0, 200)}`,
    );
  }
  const statements = Array.isArray(ast) ? (ast as Fields[]) : [ast as Fields];
  if (statements.length !== 1) {
    refuseSql(ctx.where, ctx.purpose, `exactly one statement is allowed (found ${statements.length})`);
  }
  const statement = statements[0] as Fields;
  const type = String(statement['type']);
  const label = `${type.toUpperCase()}${statement['keyword'] ? ` ${String(statement['keyword']).toUpperCase()}` : ''}`;
  if (options.purpose === 'check' && type !== 'select')
    refuseSql(ctx.where, ctx.purpose, `${label} is not a read-only SELECT`);
  if (options.purpose === 'task') {
    if (!TASK_TYPES.has(type)) refuseSql(ctx.where, ctx.purpose, `${label} is not allowed`);
    if (type === 'create' && statement['keyword'] !== 'table' && statement['keyword'] !== 'view') {
      refuseSql(ctx.where, ctx.purpose, `${label} is not allowed`);
    }
    if (type === 'create' && statement['table_options']) {
      refuseSql(ctx.where, ctx.purpose, 'table options (ENGINE, DATA DIRECTORY, CONNECTION, ...) are not allowed');
    }
    if (type === 'create' && (statement['definer'] || statement['sql_security'])) {
      refuseSql(ctx.where, ctx.purpose, 'DEFINER and SQL SECURITY are not allowed (a view runs as its caller)');
    }
    if (type === 'delete' && !statement['where']) {
      refuseSql(ctx.where, ctx.purpose, 'DELETE needs a WHERE clause (write WHERE 1 = 1 to empty a table on purpose)');
    }
  }
  for (const entry of tables) {
    const [op = '', db = 'null', table = ''] = entry.split('::');
    const name = db === 'null' ? table : `${db}.${table}`;
    if (!TABLE_OPS[options.purpose].has(op)) {
      refuseSql(ctx.where, ctx.purpose, `the table ${name} is used for ${op.toUpperCase()}, which is not allowed here`);
    }
    if (!PLAIN_NAME.test(table) || (db !== 'null' && !PLAIN_NAME.test(db))) {
      refuseSql(
        ctx.where,
        ctx.purpose,
        `the table "${name}" is not a plain table name (letters, digits, "_"; a file path or quoted name is not a table)`,
      );
    }
    if (isSystemTable(db === 'null' ? undefined : db, table)) {
      refuseSql(ctx.where, ctx.purpose, `the table "${name}" is a system catalog, not a table of the data`);
    }
  }
  walk(statement, ctx);
}
