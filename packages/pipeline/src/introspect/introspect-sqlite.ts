import { AppError } from '@airflow-mcp/core';
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { SqlType } from '../spec/pipeline-spec.js';
import type { SourceColumn } from '../compiler/render-transfer.js';

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
}

/** Tables of a SQLite file and, for `table`, its columns and row count. Read-only; never creates the file. */
export function introspectSqlite(path: string, table?: string): SqliteTableInfo {
  if (!existsSync(path)) {
    throw new AppError('NOT_FOUND', `SQLite file ${path} does not exist.`, { details: { step: 'source-schema' } });
  }
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    if (table === undefined) return { tables, columns: undefined, rowCount: undefined };
    const actual = tables.find((t) => t.toLowerCase() === table.toLowerCase());
    if (!actual) return { tables, columns: undefined, rowCount: undefined };
    const quoted = `"${actual.replace(/"/g, '""')}"`;
    const columns = (
      db.prepare(`PRAGMA table_info(${quoted})`).all() as { name: string; type: string; notnull: number; pk: number }[]
    ).map((c) => ({
      name: c.name,
      type: sqliteTypeOf(c.type),
      declared: c.type,
      nullable: c.notnull === 0 && c.pk === 0,
      primaryKey: c.pk > 0,
    }));
    const rowCount = (db.prepare(`SELECT COUNT(*) AS n FROM ${quoted}`).get() as { n: number }).n;
    return { tables, columns, rowCount };
  } finally {
    db.close();
  }
}
