import type { DagService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { createDagOutput } from './schemas/create-dag-output.js';
import { dagIdSchema } from './schemas/run-summary-schema.js';

export function rollbackDagTool(deps: { dags: DagService }) {
  return defineTool({
    name: 'rollback_dag',
    title: 'Roll a generated DAG back to an earlier version',
    description:
      'Compiles the spec of an earlier version (see list_dag_versions) and deploys it again as a new version, through ' +
      'the same validation; the current version stays if anything fails.',
    input: z.object({
      dag_id: dagIdSchema,
      version: z.number().int().min(1),
      run: z.boolean().default(false),
      wait: z.boolean().default(false),
      timeout_s: z.number().int().min(10).max(3600).default(900),
    }),
    output: createDagOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    scope: 'write',
    async handler(input, ctx) {
      const result = await deps.dags.rollback({
        dagId: input.dag_id,
        version: input.version,
        deploy: true,
        run: input.run,
        wait: input.wait,
        timeoutMs: input.timeout_s * 1000,
        signal: ctx.signal,
        actor: { id: ctx.principal.keyId, tenant: ctx.principal.tenant },
      });
      return {
        ...result,
        understood: result.understood as unknown as Record<string, unknown>,
        spec: result.spec as unknown as Record<string, unknown>,
      };
    },
    summarize: (o) => `Rolled ${o.dag_id} back: now version ${o.version}.\n${o.message}`,
  });
}
