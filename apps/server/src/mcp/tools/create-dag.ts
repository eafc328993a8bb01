import type { DagService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { createDagOutput } from './schemas/create-dag-output.js';

export function createDagTool(deps: { dags: DagService }) {
  return defineTool({
    name: 'create_dag',
    title: 'Create a data pipeline DAG from a request',
    description:
      'Turns a plain-language request (English or Korean), e.g. "move the events table from SQLite sample.db into ' +
      'DuckDB analytics.duckdb, columns a, b, c, every day", into a typed pipeline spec, validates it (schema, ' +
      'source schema, task graph, Python compile, AST allow-list, import by Airflow), deploys the DAG, and optionally ' +
      'runs it and waits for the result (waiting stops early, with run.stalled saying why, when Airflow reports its ' +
      'scheduler unhealthy). Credentials are never taken: PostgreSQL/MySQL go through Airflow connection ' +
      'ids. Answers in the language of the request.',
    input: z.object({
      task_description: z
        .string()
        .min(3)
        .max(4000)
        .describe('The request in plain English or Korean (also what the answer language follows)'),
      spec: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(
          'A PipelineSpec you filled yourself (see the pipeline-spec JSON Schema resource); skips planning, never validation',
        ),
      source_db: z
        .string()
        .max(500)
        .optional()
        .describe(
          'Source: a SQLite/DuckDB file path inside the allowed data folders, or postgres:<conn_id> / mysql:<conn_id>',
        ),
      target_db: z.string().max(500).optional().describe('Target, same forms as source_db'),
      schedule: z.string().max(100).optional().describe('Overrides the schedule: @daily, @hourly, a cron expression'),
      deploy: z.boolean().default(true).describe('Write the DAG into the dags folder (false = preview only)'),
      run: z.boolean().default(false).describe('Trigger a run after deploying'),
      wait: z.boolean().default(false).describe('Wait for the run to finish and report rows moved'),
      timeout_s: z.number().int().min(10).max(3600).default(900),
      replace: z
        .boolean()
        .default(false)
        .describe(
          'Deploy over an existing different pipeline with the same explicitly given dag_id (otherwise CONFLICT; update_dag changes a pipeline)',
        ),
    }),
    output: createDagOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    scope: 'write',
    async handler(input, ctx) {
      let step = 0;
      const result = await deps.dags.create({
        request: input.task_description,
        ...(input.spec ? { spec: input.spec } : {}),
        sourceDb: input.source_db,
        targetDb: input.target_db,
        schedule: input.schedule,
        deploy: input.deploy,
        run: input.run && input.deploy,
        wait: input.wait,
        timeoutMs: input.timeout_s * 1000,
        replace: input.replace,
        signal: ctx.signal,
        actor: { id: ctx.principal.keyId, tenant: ctx.principal.tenant },
        sampling: ctx.sampling
          ? (request) => (ctx.sampling as NonNullable<typeof ctx.sampling>).createMessage(request)
          : undefined,
        onProgress: (message) => ctx.progress({ progress: ++step, message }),
      });
      return {
        ...result,
        understood: result.understood as unknown as Record<string, unknown>,
        spec: result.spec as unknown as Record<string, unknown>,
      };
    },
    summarize: (o) => `${o.understood_text}\n${o.message}`,
  });
}
