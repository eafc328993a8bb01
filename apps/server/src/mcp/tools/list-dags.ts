import type { AirflowService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';

export function listDagsTool(deps: { airflow: AirflowService }) {
  return defineTool({
    name: 'list_dags',
    title: 'List DAGs',
    description:
      'The DAGs Airflow knows, with paused state, schedule, tags, import-error flag and whether this service ' +
      'generated them. Filter by a dag_id substring or to generated DAGs only.',
    input: z.object({
      pattern: z.string().max(200).optional().describe('Substring of the dag_id (SQL LIKE % and _ allowed)'),
      only_generated: z.boolean().default(false),
      limit: z.number().int().min(1).max(500).default(100),
      offset: z.number().int().min(0).default(0),
      runs: z
        .number()
        .int()
        .min(0)
        .max(20)
        .default(0)
        .describe('Include up to this many latest runs per DAG, with rows moved'),
    }),
    output: z.object({
      dags: z.array(
        z.object({
          dag_id: z.string(),
          is_paused: z.boolean(),
          generated: z.boolean(),
          schedule: z.string().nullable(),
          tags: z.array(z.string()),
          has_import_errors: z.boolean(),
          file: z.string().nullable(),
          last_parsed_time: z.string().nullable(),
          recent_runs: z
            .array(
              z.object({
                run_id: z.string(),
                state: z.string(),
                start_date: z.string().nullable(),
                end_date: z.string().nullable(),
                duration_s: z.number().nullable(),
                rows: z.number().nullable().describe('Rows the run moved (successful runs of generated DAGs)'),
              }),
            )
            .optional(),
        }),
      ),
      total: z.number(),
      caller: z
        .object({ tenant: z.string(), scopes: z.array(z.string()) })
        .describe("The calling key's tenant and scopes (what the web console shows and offers)"),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    scope: 'read',
    handler: async (input, ctx) => ({
      ...(await deps.airflow.listDags({
        tenant: ctx.principal.tenant,
        ...(input.pattern ? { pattern: input.pattern } : {}),
        onlyGenerated: input.only_generated,
        limit: input.limit,
        offset: input.offset,
        runs: input.runs,
      })),
      caller: { tenant: ctx.principal.tenant, scopes: [...ctx.principal.scopes] },
    }),
    summarize: (o) =>
      `${o.total} DAG(s)` +
      (o.dags.length
        ? `:\n${o.dags.map((d) => `- ${d.dag_id}${d.is_paused ? ' (paused)' : ''}${d.generated ? ' [generated]' : ''}`).join('\n')}`
        : ''),
  });
}
