import type { AirflowService } from '@airflow-mcp/agent';
import { AppError } from '@airflow-mcp/core';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { dagIdSchema } from './schemas/run-summary-schema.js';

export function getTaskLogsTool(deps: { airflow: AirflowService }) {
  return defineTool({
    name: 'get_task_logs',
    title: 'Read task logs',
    description:
      "A task's log lines for one try, with the exception type, message and raising frame of failures, secrets " +
      'masked. Filter by level and keep the tail.',
    input: z.object({
      dag_id: dagIdSchema,
      run_id: z.string().min(1).max(250),
      task_id: z.string().min(1).max(250),
      try_number: z.number().int().min(1).optional().describe('Defaults to the latest try'),
      tail: z.number().int().min(1).max(5000).default(200),
      min_level: z.enum(['debug', 'info', 'warning', 'error', 'critical']).optional(),
    }),
    output: z.object({
      dag_id: z.string(),
      run_id: z.string(),
      task_id: z.string(),
      try_number: z.number(),
      lines: z.array(z.object({ timestamp: z.string().optional(), level: z.string().optional(), event: z.string() })),
      truncated: z.boolean(),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    scope: 'read',
    async handler(input, ctx) {
      let tryNumber = input.try_number;
      if (tryNumber === undefined) {
        const summary = await deps.airflow.status(input.dag_id, input.run_id, ctx.principal.tenant);
        const task = summary.tasks.find((t) => t.task_id === input.task_id);
        if (!task) {
          throw new AppError(
            'NOT_FOUND',
            `Run ${input.run_id} of ${input.dag_id} has no task "${input.task_id}". Its tasks: ${summary.tasks.map((t) => t.task_id).join(', ') || 'none'}.`,
          );
        }
        tryNumber = Math.max(1, task.try_number);
      }
      const logs = await deps.airflow.logs(
        input.dag_id,
        input.run_id,
        input.task_id,
        tryNumber,
        {
          tail: input.tail,
          ...(input.min_level ? { minLevel: input.min_level } : {}),
        },
        ctx.principal.tenant,
      );
      return {
        dag_id: input.dag_id,
        run_id: input.run_id,
        task_id: input.task_id,
        try_number: tryNumber,
        lines: logs.lines.map((l) => ({
          event: l.event,
          ...(l.timestamp ? { timestamp: l.timestamp } : {}),
          ...(l.level ? { level: l.level } : {}),
        })),
        truncated: logs.truncated,
      };
    },
    summarize: (o) =>
      o.lines.map((l) => `${l.timestamp ?? ''} ${l.level ?? ''} ${l.event}`.trim()).join('\n') +
      (o.truncated ? '\n(older lines omitted)' : ''),
  });
}
