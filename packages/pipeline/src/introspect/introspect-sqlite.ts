import type { SqlType } from '../spec/pipeline-spec.js';
import type { SourceColumn } from '../compiler/render-transfer.js';
import { checkRegularFile } from './check-regular-file.js';
import { readSqliteInChild } from './sqlite-reader-pool.js';

/** SQLite declared types -> our types, following SQLite's affinity rules plus the usual date names. */
export function sqliteTypeOf(declared: string): SqlType | undefined {
  const t = declared.toUpperCase();
  if (t === '') return undefined;
  if (t.includes('INT')) return t.includes('BIG') ? 'bigint' : 'bigint';
  if (/CHAR|CLOB|TEXT/.test(t)) return 'text';
  if (/REAL|FLOA|DOUB/.test(t)) return 'double';
  if (/BOOL/.test(t)) return 'boolean';
  if (/TIMESTAMP|DATETIME/.test(t)) return 'timestamp';
  if (/DATE/.test(t)) return 'date';
  if (/DEC|NUM/.test(t)) return 'decimal';
  return undefined;
}

export interface SqliteTableInfo {
  tables: string[];
  columns: SourceColumn[] | undefined;
  rowCount: number | undefined;
  /** For a table: the distinct values of text columns holding at most 50 (in the first 10,000 rows). */
  values?: Record<string, string[]>;
}

export interface IntrospectLimits {
  /** Wall-clock limit of one read (default 20 s): the reader is killed after it and the call fails with TIMEOUT. */
  timeoutMs?: number;
}

export const INTROSPECT_TIMEOUT_MS = 20_000;

/**
 * Tables of a SQLite file and, for `table`, its columns and row count. Read-only (never creates the file), in a
 * child process under a time limit (sqlite-reader-pool.ts), so a slow view or a huge table never holds up the service; FIFOs, devices,
 * folders and symbolic links are refused before anything opens the path.
 */
export async function introspectSqlite(
  path: string,
  table?: string,
  limits: IntrospectLimits = {},
): Promise<SqliteTableInfo> {
  await checkRegularFile(path, 'SQLite file');
  const parsed = await readSqliteInChild(path, table, {
    timeoutMs: limits.timeoutMs ?? INTROSPECT_TIMEOUT_MS,
    what: `Reading the SQLite file ${path}`,
  });
  const columns = parsed.columns?.map((c) => ({
    name: c.name,
    type: sqliteTypeOf(c.type),
    declared: c.type,
    nullable: c.notnull === 0 && c.pk === 0,
    primaryKey: c.pk > 0,
  }));
  return {
    tables: parsed.tables,
    columns,
    rowCount: parsed.rowCount,
    ...(parsed.values ? { values: parsed.values } : {}),
  };
}
