import type { AirflowService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { RUN_STATUS_APP } from '../ui/mcp-apps.js';
import { defineTool } from '../define-tool.js';
import { runLinks } from '../resources/run-resources.js';
import { boundedWaitMs } from './bounded-wait-ms.js';
import { dagIdSchema, runSummarySchema } from './schemas/run-summary-schema.js';

export function runDagTool(deps: { airflow: AirflowService; waitBoundS?: number }) {
  return defineTool({
    name: 'run_dag',
    title: 'Run a DAG',
    description:
      'Triggers a run of any Airflow DAG with an optional conf. With wait=true follows it (progress notifications) ' +
      'until it ends or timeout_s (capped, 60 s by default; then timed_out, with links to follow it), and returns ' +
      'task states and the log tail of failed tasks; `stalled` says why a wait stopped early.',
    input: z.object({
      dag_id: dagIdSchema,
      conf: z.record(z.string(), z.unknown()).optional().describe('dag_run.conf for this run'),
      wait: z.boolean().default(false).describe('Follow the run until it ends'),
      timeout_s: z.number().int().min(5).max(3600).default(600).describe('How long to wait when wait=true'),
    }),
    output: runSummarySchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    scope: 'write',
    app: RUN_STATUS_APP,
    // A run waited for is the long part: on 2026-07-28 a client that takes tasks gets a task to poll instead.
    runsAsTask: (input) => input.wait,
    async handler(input, ctx) {
      return deps.airflow.run({
        dagId: input.dag_id,
        ...(input.conf ? { conf: input.conf } : {}),
        wait: input.wait,
        tenant: ctx.principal.tenant,
        timeoutMs: boundedWaitMs(input.timeout_s, ctx.waitBoundS ?? deps.waitBoundS),
        signal: ctx.signal,
        onProgress: (p) =>
          ctx.progress({
            progress: p.tasksDone,
            total: Math.max(p.tasksTotal, 1),
            message: `run ${p.state}: ${p.tasksDone}/${p.tasksTotal} tasks done after ${Math.round(p.elapsedMs / 1000)} s`,
          }),
      });
    },
    summarize: (o) =>
      `Run ${o.run_id} of ${o.dag_id}: ${o.state}${o.duration_s === null ? '' : ` in ${o.duration_s} s`}` +
      (typeof o.rows === 'number' ? `, rows moved: ${o.rows.toLocaleString('en-US')}` : '') +
      (o.stalled
        ? `. ${o.stalled}`
        : o.timed_out
          ? ' (still going when the wait ended: read the linked run resource or call check_dag_status to follow it)'
          : ''),
    links: (o) =>
      o.state === 'success'
        ? []
        : runLinks(
            o.dag_id,
            o.run_id,
            o.tasks.map((t) => t.task_id),
          ),
  });
}
