import { z } from 'zod';

/** What create_dag, update_dag and rollback_dag return. */
export const createDagOutput = z.object({
  dag_id: z.string(),
  file: z.string().nullable(),
  understood: z
    .record(z.string(), z.unknown())
    .describe(
      'What the pipeline does, to confirm before deploying: source, target, tables (columns with renames/casts/computed, filter, mode, checks), schedule, retries, retry_delay_s',
    ),
  understood_text: z.string().describe("The same in one sentence, in the request's language"),
  spec: z.record(z.string(), z.unknown()),
  code: z.string(),
  checks: z.array(z.object({ step: z.string(), ok: z.boolean(), detail: z.string().optional() })),
  deployed: z.boolean(),
  version: z.number().nullable().describe('The deployed version (null for a preview)'),
  planner: z.string(),
  sources: z
    .array(z.object({ doc: z.string(), section: z.string(), score: z.number() }))
    .optional()
    .describe('Knowledge the planner was given, best first, with retrieval scores'),
  notes: z.array(z.string()),
  language: z.enum(['en', 'ko']),
  run: z
    .object({
      run_id: z.string(),
      state: z.string(),
      duration_s: z.number().nullable(),
      rows: z.number().nullable(),
      target: z.string(),
      tasks: z.array(z.object({ task_id: z.string(), state: z.string().nullable() })),
      failed_logs: z.array(z.object({ task_id: z.string(), lines: z.array(z.string()) })).optional(),
      stalled: z
        .string()
        .optional()
        .describe(
          "Set when waiting stopped early because Airflow reports its scheduler unhealthy (in the request's " +
            'language): the run is kept and goes on once the scheduler is back; restart it, then check_dag_status',
        ),
    })
    .optional(),
  message: z.string(),
  timings: z
    .record(z.string(), z.number())
    .optional()
    .describe('Where the time went, in ms: total, then each phase in order; a.b is part of a'),
});
