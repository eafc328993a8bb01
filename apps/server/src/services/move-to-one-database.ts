import type { Logger } from '@airflow-mcp/core';
import { createDagVersionStore, createFeedbackStore, createPgliteClient } from '@airflow-mcp/state';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const STATE_TABLES = ['dag_versions', 'audit_log', 'feedback'] as const;

/**
 * Before 0.2 the embedded data lived in two PGlite folders, DATA_DIR/knowledge and DATA_DIR/state. Now one
 * database, DATA_DIR/db, holds both. The knowledge folder becomes DATA_DIR/db (a rename: its embeddings are kept);
 * the state rows are copied in one transaction (ids kept, so a copy cut short is simply done again), then the old
 * state folder is renamed to state.moved-into-db. Safe to run on every start: it does nothing once moved.
 */
export async function moveToOneDatabase(dataDir: string, log: Logger): Promise<void> {
  const db = join(dataDir, 'db');
  const oldKnowledge = join(dataDir, 'knowledge');
  const oldState = join(dataDir, 'state');
  if (!existsSync(db) && existsSync(oldKnowledge)) {
    renameSync(oldKnowledge, db);
    log.info({ from: oldKnowledge, to: db }, 'knowledge database moved into the one database folder');
  }
  if (!existsSync(oldState)) return;
  const target = await createPgliteClient({ dataDir: db });
  const source = await createPgliteClient({ dataDir: oldState });
  try {
    // The stores create their tables in the target. Only when they are missing: opening the version store also
    // settles pending rows against the DAG files, which is the service's job (with the real files), not this one's.
    const exists = async (table: string) =>
      (await target.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`public.${table}`])).rows[0]?.t;
    if (!(await exists('dag_versions'))) await createDagVersionStore(target, { deployedFile: async () => undefined });
    if (!(await exists('feedback'))) await createFeedbackStore(target);
    const copied: Record<string, number> = {};
    await target.transaction(async (tx) => {
      for (const table of STATE_TABLES) {
        const columnsOf = async (client: Pick<typeof source, 'query'>) =>
          (
            await client.query<{ column_name: string }>(
              "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
              [table],
            )
          ).rows.map((r) => r.column_name);
        const sourceColumns = await columnsOf(source);
        if (sourceColumns.length === 0) continue;
        const targetColumns = new Set(await columnsOf(tx));
        const columns = sourceColumns.filter((c) => targetColumns.has(c)).map((c) => `"${c}"`);
        const rows = await source.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
        for (const { row } of rows.rows) {
          await tx.query(
            `INSERT INTO ${table} (${columns.join(', ')})
             SELECT ${columns.join(', ')} FROM json_populate_record(NULL::${table}, $1::json)
             ON CONFLICT (id) DO NOTHING`,
            [row],
          );
        }
        await tx.query(
          `SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1))`,
        );
        copied[table] = rows.rows.length;
      }
    });
    await source.close();
    renameSync(oldState, `${oldState}.moved-into-db`);
    log.info({ copied, from: oldState, to: db }, 'state database moved into the one database folder');
  } finally {
    await source.close().catch(() => undefined);
    await target.close();
  }
}
