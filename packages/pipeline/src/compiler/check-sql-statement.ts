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
  return text;
}
