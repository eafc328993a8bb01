import type { AirflowService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { RUN_STATUS_APP } from '../ui/mcp-apps.js';
import { defineTool } from '../define-tool.js';
import { dagIdSchema, runSummarySchema } from './schemas/run-summary-schema.js';

export function checkDagStatusTool(deps: { airflow: AirflowService }) {
  return defineTool({
    name: 'check_dag_status',
    title: 'Check a DAG run',
    description:
      'The state of a DAG run: duration, rows moved, each task with state, try and start, ' +
      "failed tasks' last log lines (secrets masked). A run stuck behind an unhealthy scheduler carries `stalled`: " +
      'why and what to do.',
    input: z.object({
      dag_id: dagIdSchema,
      run_id: z.string().min(1).max(250).optional().describe('Defaults to the latest run'),
    }),
    output: runSummarySchema,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    scope: 'read',
    app: RUN_STATUS_APP,
    handler: (input, ctx) => deps.airflow.status(input.dag_id, input.run_id, ctx.principal.tenant),
    summarize: (o) =>
      `Run ${o.run_id} of ${o.dag_id}: ${o.state}` +
      (o.duration_s === null ? '' : `, ${o.duration_s} s`) +
      (typeof o.rows === 'number' ? `, rows moved: ${o.rows.toLocaleString('en-US')}` : '') +
      `; tasks: ${o.tasks.map((t) => `${t.task_id}=${t.state ?? 'none'}`).join(', ') || 'none yet'}` +
      (o.stalled ? `\n${o.stalled}` : ''),
  });
}
