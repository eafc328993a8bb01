import type { DagService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { hasScope } from '../register-tools.js';

export function inspectSourceTool(deps: { dags: DagService; readOnly?: boolean | undefined }) {
  return defineTool({
    name: 'inspect_source',
    title: 'Inspect a source database',
    description:
      'Tables of a source, or with `table` its columns (pipeline types, nullability, primary key) and row count. ' +
      'SQLite/DuckDB files are read directly; `postgres:<conn_id>` / `mysql:<conn_id>` by Airflow through the ' +
      'connection (credentials stay in Airflow; needs the write scope, no READ_ONLY, and a connection id your ' +
      'tenant may use). Use before create_dag to name tables and columns exactly.',
    input: z.object({
      source_db: z
        .string()
        .min(1)
        .max(500)
        .describe('A .db/.sqlite/.duckdb path (relative to the first allowed folder)'),
      table: z.string().min(1).max(200).optional(),
    }),
    output: z.object({
      engine: z.string(),
      source: z.string(),
      tables: z.array(z.object({ name: z.string(), rows: z.number().nullable() })),
      columns: z
        .array(
          z.object({
            name: z.string(),
            type: z.string().nullable(),
            declared_type: z.string().nullable(),
            nullable: z.boolean().nullable(),
            primary_key: z.boolean(),
          }),
        )
        .optional(),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    scope: 'read',
    handler: (input, ctx) =>
      deps.dags.inspect(input.source_db, input.table, ctx.principal.tenant, {
        mayRunAirflow: hasScope(ctx.principal, 'write') && deps.readOnly !== true,
      }),
    summarize: (o) =>
      o.columns
        ? `${o.tables[0]?.name} (${o.tables[0]?.rows ?? '?'} rows): ${o.columns.map((c) => `${c.name} ${c.declared_type ?? c.type ?? ''}`.trim()).join(', ')}`
        : `${o.engine} ${o.source}: ${o.tables.map((t) => `${t.name} (${t.rows ?? '?'} rows)`).join(', ')}`,
  });
}
