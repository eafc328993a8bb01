import { AppError } from '@airflow-mcp/core';

/**
 * User SQL (custom checks, SQL tasks) is run as given on the user's own connection, so it cannot be rewritten, but
 * it must be exactly one statement with no comments, and custom checks must be a read-only query.
 */
export function checkSqlStatement(sql: string, options: { where: string; readOnly: boolean }): string {
  const text = sql.trim().replace(/;\s*$/, '');
  const fail = (why: string): never => {
    throw new AppError('VALIDATION_FAILED', `${options.where}: ${why}.`, {
      details: { step: 'sql', where: options.where },
    });
  };
  if (text.length === 0) fail('the SQL is empty');
  // Scan outside string literals and quoted identifiers.
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = text[i + 1] === quote ? (i++, quote) : undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === ';') fail('only one statement is allowed (found ";")');
    else if (text.startsWith('--', i) || text.startsWith('/*', i) || c === '#') fail('comments are not allowed');
  }
  if (quote) fail('a quote is not closed');
  if (options.readOnly) {
    if (!/^(select|with)\b/i.test(text)) fail('a check must be a SELECT (or WITH ... SELECT) query');
    if (
      /\b(insert|update|delete|drop|alter|create|truncate|grant|revoke|attach|detach|copy|pragma|call|merge|replace|vacuum|load|install|export|import|set)\b/i.test(
        text.replace(/'(?:[^']|'')*'/g, "''"),
      )
    ) {
      fail('a check query may only read (no INSERT, UPDATE, DELETE, DDL, ATTACH, COPY, PRAGMA, ...)');
    }
  }
  // Functions that reach outside the database (files, extensions, sleeps) are refused in every user statement.
  const dangerous =
    /\b(load_extension|read_csv\w*|read_text|read_blob|read_json\w*|read_parquet|glob|pg_read_file|pg_read_binary_file|pg_ls_dir|pg_sleep\w*|lo_import|lo_export|dblink\w*|sleep|benchmark|sys_exec|sys_eval|outfile|dumpfile|load_file|httpfs|http_get)\b/i.exec(
      text.replace(/'(?:[^']|'')*'/g, "''"),
    );
  if (dangerous) {
    fail(`the function or clause ${dangerous[1]} reaches outside the database and is not allowed`);
  }
  return text;
}
