import type { DagService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { DAG_PREVIEW_APP } from '../ui/mcp-apps.js';
import { defineTool } from '../define-tool.js';
import { boundedWaitMs } from './bounded-wait-ms.js';
import { createDagOutput } from './schemas/create-dag-output.js';
import { dagIdSchema } from './schemas/run-summary-schema.js';

export function updateDagTool(deps: { dags: DagService; waitBoundS?: number }) {
  return defineTool({
    name: 'update_dag',
    title: 'Change a generated DAG by asking',
    description:
      'Applies a change request in English or Korean ("run it hourly", "add a not-null check on user_id", "retry 3 ' +
      'times", "only where amount > 10", "upsert on id") to the latest version of a DAG made by create_dag, validates ' +
      'it through the full ladder and deploys it as a new version. If anything fails, the previous version stays.',
    input: z.object({
      dag_id: dagIdSchema,
      change_request: z.string().min(3).max(4000),
      run: z.boolean().default(false),
      wait: z.boolean().default(false),
      timeout_s: z.number().int().min(10).max(3600).default(900),
    }),
    output: createDagOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    scope: 'write',
    app: DAG_PREVIEW_APP,
    async handler(input, ctx) {
      let step = 0;
      const result = await deps.dags.update({
        dagId: input.dag_id,
        request: input.change_request,
        deploy: true,
        run: input.run,
        wait: input.wait,
        timeoutMs: boundedWaitMs(input.timeout_s, deps.waitBoundS),
        signal: ctx.signal,
        actor: { id: ctx.principal.keyId, tenant: ctx.principal.tenant },
        onProgress: (message) => ctx.progress({ progress: ++step, message }),
      });
      return {
        ...result,
        understood: result.understood as unknown as Record<string, unknown>,
        spec: result.spec as unknown as Record<string, unknown>,
      };
    },
    summarize: (o) => `${o.understood_text}\n${o.message}\n${o.notes.map((n) => `- ${n}`).join('\n')}`,
    clarifiedField: 'change_request',
  });
}
