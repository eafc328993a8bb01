import { z } from 'zod';

/**
 * The typed pipeline spec: the only thing a planner (rules or a model) ever produces. The compiler turns it into
 * DAG code from an allow-list; nothing in it is ever pasted into Python or SQL except as an escaped literal, a quoted
 * identifier, or an expression that passed the expression allow-list.
 */
const identifier = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier: letters, digits and "_", not starting with a digit');

export const dagIdSchema = z
  .string()
  .min(3)
  .max(120)
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and "_", starting with a letter');

const relativeOrAbsolutePath = z
  .string()
  .min(1)
  .max(500)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((p) => !/[\\\u0000-\u001f\u007f]/.test(p), 'no backslashes or control characters')
  .refine((p) => /\.(db|sqlite|sqlite3|duckdb|ddb)$/i.test(p), 'a .db, .sqlite, .sqlite3, .duckdb or .ddb file');

export const connectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), path: relativeOrAbsolutePath }),
  z.object({ kind: z.literal('duckdb'), path: relativeOrAbsolutePath }),
  z.object({
    kind: z.literal('postgres'),
    conn_id: identifier,
    schema: identifier
      .optional()
      .describe('Only "public": tables resolve through the connection\'s search_path (set it in the connection)'),
  }),
  z.object({ kind: z.literal('mysql'), conn_id: identifier }),
]);
export type Connection = z.infer<typeof connectionSchema>;
export type Engine = Connection['kind'];

export const SQL_TYPES = ['integer', 'bigint', 'double', 'decimal', 'text', 'boolean', 'date', 'timestamp'] as const;
export type SqlType = (typeof SQL_TYPES)[number];

export const columnSchema = z
  .object({
    name: identifier.describe('Column name in the target'),
    source: identifier.optional().describe('Source column (defaults to name); omit when expr is given'),
    expr: z.string().min(1).max(500).optional().describe('Computed expression over source columns'),
    cast: z.enum(SQL_TYPES).optional(),
  })
  .refine((c) => !(c.source && c.expr), 'give either source or expr, not both');
export type ColumnSpec = z.infer<typeof columnSchema>;

const taskId = identifier.describe('Task id, unique in the DAG');

export const transferTaskSchema = z.object({
  type: z.literal('transfer'),
  id: taskId,
  source: connectionSchema,
  source_table: identifier,
  columns: z.array(columnSchema).max(200).default([]).describe('Empty means every column as is'),
  filter: z.string().min(1).max(1000).optional().describe('Row filter expression over source columns'),
  target: connectionSchema,
  target_table: identifier,
  mode: z.enum(['replace', 'append', 'upsert', 'incremental']).default('replace'),
  keys: z.array(identifier).max(10).default([]).describe('Key columns for upsert'),
  watermark_column: identifier.optional().describe('Target column that only grows, for incremental'),
  batch_size: z.number().int().min(100).max(1_000_000).default(10_000),
});

export const sqlTaskSchema = z.object({
  type: z.literal('sql'),
  id: taskId,
  connection: connectionSchema,
  sql: z.string().min(1).max(20_000),
});

export const checkSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('row_count'),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
  z.object({ kind: z.literal('not_null'), column: identifier }),
  z.object({ kind: z.literal('unique'), columns: z.array(identifier).min(1).max(10) }),
  z.object({
    kind: z.literal('accepted_values'),
    column: identifier,
    values: z
      .array(z.union([z.string().max(200), z.number()]))
      .min(1)
      .max(200),
  }),
  z.object({ kind: z.literal('range'), column: identifier, min: z.number().optional(), max: z.number().optional() }),
  z.object({ kind: z.literal('custom_sql'), name: identifier, sql: z.string().min(1).max(5000) }),
]);
export type CheckSpec = z.infer<typeof checkSchema>;

export const qualityTaskSchema = z.object({
  type: z.literal('quality_check'),
  id: taskId,
  connection: connectionSchema,
  table: identifier,
  checks: z.array(checkSchema).min(1).max(50),
});

export const taskSchema = z.discriminatedUnion('type', [transferTaskSchema, sqlTaskSchema, qualityTaskSchema]);
export type TaskSpec = z.infer<typeof taskSchema>;
export type TransferTask = z.infer<typeof transferTaskSchema>;
export type SqlTask = z.infer<typeof sqlTaskSchema>;
export type QualityTask = z.infer<typeof qualityTaskSchema>;

/**
 * The step shape ("extract, transform, then load and validate"): every transfer runs as extract_x >> transform_x >>
 * load_x, the rows handed between the steps through tables of this DuckDB file (never through XCom), and the checks
 * on its target are the validate step after the load. Absent: each transfer is one task.
 */
export const stagingSchema = z
  .object({
    kind: z.literal('duckdb'),
    path: relativeOrAbsolutePath.refine((p) => /\.(duckdb|ddb)$/i.test(p), 'a .duckdb or .ddb file'),
  })
  .describe(
    'Set for extract >> transform >> load >> validate steps: the DuckDB file (inside the data folders) the steps hand rows through',
  );
export type StagingSpec = z.infer<typeof stagingSchema>;

export const SCHEDULE_PRESETS = ['@once', '@hourly', '@daily', '@weekly', '@monthly', '@yearly'] as const;

export const pipelineSpecSchema = z.object({
  dag_id: dagIdSchema,
  description: z.string().max(2000).default(''),
  owner: z.string().min(1).max(100).default('airflow-mcp'),
  tags: z
    .array(
      z
        .string()
        .min(1)
        .max(50)
        .regex(/^[A-Za-z0-9_.:-]+$/),
    )
    .max(20)
    .default([]),
  schedule: z.string().max(100).nullable().default(null).describe('null (manual), a preset like @daily, or cron'),
  start_date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, 'YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)')
    .optional()
    .describe('UTC; unset = the moment of deployment, so a scheduled DAG does not run at once for a past interval'),
  catchup: z.boolean().default(false),
  retries: z.number().int().min(0).max(10).default(1),
  retry_delay_s: z.number().int().min(0).max(86_400).default(60),
  execution_timeout_s: z.number().int().min(10).max(86_400).default(3600),
  failure_webhook_conn_id: identifier.optional().describe('Airflow HTTP connection to POST failure alerts to'),
  staging: stagingSchema.optional(),
  tasks: z.array(taskSchema).min(1).max(50),
  dependencies: z
    .array(z.tuple([taskId, taskId]))
    .max(500)
    .default([])
    .describe('[upstream, downstream] pairs; tasks without any run in parallel'),
});
export type PipelineSpec = z.infer<typeof pipelineSpecSchema>;
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;

/** The spec's JSON Schema, for model planners (structured output) and for clients. */
export function pipelineSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineSpecSchema, { io: 'input' }) as Record<string, unknown>;
}
