import { z } from 'zod';

export const dagIdSchema = z
  .string()
  .min(1)
  .max(250)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "-" and "." only')
  .describe('Airflow DAG id');

export const taskSummarySchema = z.object({
  task_id: z.string(),
  state: z.string().nullable(),
  try_number: z.number(),
  duration_s: z.number().nullable(),
  start_date: z.string().nullable().optional().describe("When the task's latest try started"),
});

export const runSummarySchema = z.object({
  dag_id: z.string(),
  run_id: z.string(),
  state: z.string(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  duration_s: z.number().nullable(),
  tasks: z.array(taskSummarySchema),
  rows: z.number().nullable().optional(),
  failed_logs: z
    .array(z.object({ task_id: z.string(), try_number: z.number(), lines: z.array(z.string()) }))
    .optional()
    .describe('The last log lines of each failed task (secrets masked)'),
  timed_out: z.boolean().optional().describe('True when waiting stopped before the run ended'),
  stalled: z
    .string()
    .optional()
    .describe(
      'Set when Airflow reports its scheduler unhealthy while the run is queued or running: the run cannot move, so ' +
        'waiting stopped early (timed_out is true). Names the last scheduler heartbeat. The run is kept and goes on ' +
        'once the scheduler is back: restart it (airflow scheduler, or restart Airflow), then check_dag_status',
    ),
});
