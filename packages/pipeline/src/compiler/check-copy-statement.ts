import { AppError } from '@airflow-mcp/core';
import { loadModule, parseSync } from 'libpg-query';

await loadModule();

interface CopyFields {
  query?: Record<string, unknown>;
  relation?: { relname?: string; schemaname?: string; catalogname?: string };
  is_from?: boolean;
  is_program?: boolean;
  filename?: string;
  whereClause?: unknown;
  options?: { DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }[];
}

/**
 * A COPY statement the compiler built for a transfer's native path, checked with PostgreSQL's own parser before it
 * is emitted: exactly one COPY, to STDOUT from one SELECT ('out') or from STDIN into one plain table name ('in'),
 * never a file or a PROGRAM, only the FORMAT option. Throws (a compiler bug, not a user error) otherwise.
 */
export function checkCopyStatement(sql: string, direction: 'in' | 'out'): string {
  const refuse = (why: string): never => {
    throw new AppError(
      'INTERNAL',
      `The compiler built a COPY statement it must not run (${why}): ${sql.slice(0, 200)}`,
    );
  };
  let stmts: { stmt?: Record<string, unknown> }[];
  try {
    stmts = (parseSync(sql) as { stmts?: { stmt?: Record<string, unknown> }[] }).stmts ?? [];
  } catch (error) {
    return refuse(`unparseable: ${(error as Error).message}`);
  }
  const copy = stmts.length === 1 ? (stmts[0]?.stmt?.CopyStmt as CopyFields | undefined) : undefined;
  if (!copy) return refuse('not exactly one COPY');
  if (copy.filename !== undefined || copy.is_program) return refuse('a file or program');
  if (copy.whereClause !== undefined) return refuse('a WHERE clause');
  const options = copy.options ?? [];
  const format = options.map((o) => o.DefElem?.arg?.String?.sval);
  if (
    options.length !== 1 ||
    options[0]?.DefElem?.defname !== 'format' ||
    !['csv', 'binary'].includes(format[0] ?? '')
  ) {
    return refuse('an option other than FORMAT csv or binary');
  }
  if (direction === 'out') {
    if (copy.is_from || copy.relation || !copy.query || !('SelectStmt' in copy.query)) return refuse('not TO STDOUT');
  } else {
    const r = copy.relation;
    if (!copy.is_from || copy.query || !r?.relname || r.schemaname || r.catalogname) return refuse('not FROM STDIN');
  }
  return sql;
}
