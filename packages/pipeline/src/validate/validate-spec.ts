import { AppError } from '@airflow-mcp/core';
import { topologicalOrder } from '../compiler/topological-order.js';
import { pipelineSpecSchema, type PipelineSpec } from '../spec/pipeline-spec.js';
import { checkSpecSql } from '../sql/check-spec-sql.js';
import { validateSchedule } from './validate-schedule.js';

/** Step 1 of the ladder: the schema, then rules a schema cannot say. Returns the parsed spec with defaults. */
export function validateSpec(input: unknown): PipelineSpec {
  const parsed = pipelineSpecSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`);
    throw new AppError('VALIDATION_FAILED', `The pipeline spec is invalid:\n- ${problems.slice(0, 20).join('\n- ')}`, {
      details: { step: 'schema', problems },
    });
  }
  const spec = parsed.data;
  const fail = (why: string): never => {
    throw new AppError('VALIDATION_FAILED', why, { details: { step: 'spec-rules' } });
  };
  validateSchedule(spec.schedule);
  topologicalOrder(spec);
  // Every statement the spec carries, through its engine's real parser, before anything else looks at it.
  checkSpecSql(spec);
  for (const task of spec.tasks) {
    const connections = task.type === 'transfer' ? [task.source, task.target] : [task.connection];
    for (const c of connections) {
      // Tables are named unqualified, so the server resolves them through the connection's search_path: a schema
      // the tasks would not use is refused, never quietly read or written somewhere else.
      if (c.kind === 'postgres' && c.schema !== undefined && c.schema !== 'public') {
        fail(
          `Task ${task.id}: PostgreSQL schema "${c.schema}" on connection "${c.conn_id}" is not supported: tasks ` +
            "name tables without a schema, so the server finds them through the connection's search_path (public by " +
            'default). Leave "schema" out (or "public") and give the Airflow connection that search_path instead ' +
            `(its extra "options": "-c search_path=${c.schema}").`,
        );
      }
    }
    if (task.type !== 'transfer') continue;
    const names = task.columns.map((c) => c.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) fail(`Task ${task.id}: the target column "${dup}" appears twice.`);
    if (task.mode === 'upsert' && task.keys.length === 0) {
      fail(`Task ${task.id}: mode "upsert" needs keys (the columns that identify a row).`);
    }
    if (task.mode === 'incremental' && !task.watermark_column) {
      fail(`Task ${task.id}: mode "incremental" needs watermark_column (a column that only grows, like updated_at).`);
    }
    for (const key of [...task.keys, ...(task.watermark_column ? [task.watermark_column] : [])]) {
      if (names.length > 0 && !names.includes(key)) {
        fail(`Task ${task.id}: "${key}" is not one of the target columns (${names.join(', ')}).`);
      }
    }
    const same =
      task.source.kind === task.target.kind &&
      JSON.stringify({ ...task.source }) === JSON.stringify({ ...task.target }) &&
      task.source_table.toLowerCase() === task.target_table.toLowerCase();
    if (same) fail(`Task ${task.id}: the source and the target are the same table.`);
  }
  return spec;
}
