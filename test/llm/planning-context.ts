import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describeSourceSchema, type ModelPlanningContext } from '@airflow-mcp/llm';
import { createSampleDatabase, sqliteTypeOf } from '@airflow-mcp/pipeline';

/** The sample's tables, columns and row counts, read here in the test (the service reads them in a child process). */
function readSample(path: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    return names.map(({ name }) => {
      const quoted = `"${String(name)}"`;
      const info = db.prepare(`PRAGMA table_info(${quoted})`).all() as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[];
      const columns = info.map((c) => ({
        name: c.name,
        type: sqliteTypeOf(c.type),
        declared: c.type,
        nullable: c.notnull === 0 && c.pk === 0,
        primaryKey: c.pk > 0,
      }));
      const rowCount = Number((db.prepare(`SELECT COUNT(*) AS n FROM ${quoted}`).get() as { n: number }).n);
      return { name: String(name), columns, rowCount };
    });
  } finally {
    db.close();
  }
}

/** A real SQLite sample (events, users) in a temporary data folder, and the planning context a request gets. */
export function createPlanningFixture() {
  const dataDir = mkdtempSync(join(tmpdir(), 'llm-planner-'));
  const database = createSampleDatabase(join(dataDir, 'sample.db'));
  const tables = readSample(database.path);
  const context: ModelPlanningContext = {
    request: 'Copy purchase events from sample.db into analytics.duckdb every day and check that user_id is never null',
    language: 'en',
    hints: { sourceDb: 'sample.db', targetDb: 'analytics.duckdb', schedule: undefined },
    sourceSchema: describeSourceSchema({ connection: 'sqlite sample.db', tables }),
    knowledge: [
      {
        title: 'Pipeline spec',
        section: 'Quality checks',
        text: 'A quality_check task runs checks such as row_count, not_null and unique against a table after a transfer.',
        score: 0.83,
      },
      {
        title: 'Expressions',
        section: 'Filters',
        text: "Filters are expressions over source columns, e.g. event_type = 'purchase'.",
        score: 0.71,
      },
    ],
  };
  return { dataDir, context, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}
