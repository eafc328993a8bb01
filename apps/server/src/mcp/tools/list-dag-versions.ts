import type { DagService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { dagIdSchema } from './schemas/run-summary-schema.js';

export function listDagVersionsTool(deps: { dags: DagService }) {
  return defineTool({
    name: 'list_dag_versions',
    title: 'Version history of a generated DAG',
    description:
      'Every deployed version of a DAG made here: when, by whom, why, which planner, spec hash, and the spec.',
    input: z.object({ dag_id: dagIdSchema, include_code: z.boolean().default(false) }),
    output: z.object({
      dag_id: z.string(),
      versions: z.array(
        z.object({
          version: z.number(),
          created_at: z.string(),
          created_by: z.string(),
          reason: z.string(),
          planner: z.string(),
          spec_hash: z.string(),
          spec: z.unknown(),
          code: z.string().optional(),
        }),
      ),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    scope: 'read',
    async handler(input, ctx) {
      const versions = await deps.dags.versions(input.dag_id, ctx.principal.tenant);
      return {
        dag_id: input.dag_id,
        versions: versions.map((v) => ({
          version: v.version,
          created_at: v.created_at,
          created_by: v.created_by,
          reason: v.reason,
          planner: v.planner,
          spec_hash: v.spec_hash,
          spec: v.spec,
          ...(input.include_code ? { code: v.code } : {}),
        })),
      };
    },
    summarize: (o) =>
      o.versions.length
        ? o.versions
            .map((v) => `v${v.version} ${v.created_at} by ${v.created_by} (${v.planner}): ${v.reason.slice(0, 120)}`)
            .join('\n')
        : `No versions of ${o.dag_id}.`,
  });
}
