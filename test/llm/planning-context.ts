import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSourceSchema, type ModelPlanningContext } from '@airflow-mcp/llm';
import { createSampleDatabase, introspectSqlite } from '@airflow-mcp/pipeline';

/** A real SQLite sample (events, users) in a temporary data folder, and the planning context a request gets. */
export function createPlanningFixture() {
  const dataDir = mkdtempSync(join(tmpdir(), 'llm-planner-'));
  const database = createSampleDatabase(join(dataDir, 'sample.db'));
  const tables = introspectSqlite(database.path).tables.map((name) => {
    const info = introspectSqlite(database.path, name);
    return { name, columns: info.columns, rowCount: info.rowCount };
  });
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
