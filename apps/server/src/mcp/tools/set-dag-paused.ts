import type { AirflowService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { dagIdSchema } from './schemas/run-summary-schema.js';

export function setDagPausedTool(deps: { airflow: AirflowService }) {
  return defineTool({
    name: 'set_dag_paused',
    title: 'Pause or unpause a DAG',
    description: 'Pauses (no new scheduled runs) or unpauses a DAG.',
    input: z.object({ dag_id: dagIdSchema, paused: z.boolean() }),
    output: z.object({ dag_id: z.string(), is_paused: z.boolean() }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    scope: 'write',
    handler: (input, ctx) => deps.airflow.setPaused(input.dag_id, input.paused, ctx.principal.tenant),
    summarize: (o) => `DAG ${o.dag_id} is now ${o.is_paused ? 'paused' : 'active'}.`,
  });
}
