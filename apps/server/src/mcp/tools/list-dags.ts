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
        }),
      ),
      total: z.number(),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    scope: 'read',
    handler: (input, ctx) =>
      deps.airflow.listDags({
        tenant: ctx.principal.tenant,
        ...(input.pattern ? { pattern: input.pattern } : {}),
        onlyGenerated: input.only_generated,
        limit: input.limit,
        offset: input.offset,
      }),
    summarize: (o) =>
      `${o.total} DAG(s)` +
      (o.dags.length
        ? `:\n${o.dags.map((d) => `- ${d.dag_id}${d.is_paused ? ' (paused)' : ''}${d.generated ? ' [generated]' : ''}`).join('\n')}`
        : ''),
  });
}
