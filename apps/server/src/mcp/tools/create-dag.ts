import type { DagService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { DAG_PREVIEW_APP } from '../ui/mcp-apps.js';
import { defineTool } from '../define-tool.js';
import { runLinks } from '../resources/run-resources.js';
import { SPEC_URI } from '../resources/schema-resources.js';
import { boundedWaitMs } from './bounded-wait-ms.js';
import { createDagOutput } from './schemas/create-dag-output.js';

export function createDagTool(deps: { dags: DagService; waitBoundS?: number }) {
  return defineTool({
    name: 'create_dag',
    title: 'Create a data pipeline DAG from a request',
    description:
      'Turns a request in English or Korean ("move the events table from SQLite sample.db into DuckDB ' +
      'analytics.duckdb, columns a, b, every day") into a pipeline spec, validates it (schema, source, graph, Python, ' +
      'AST allow-list, Airflow import), deploys the DAG, optionally runs it and waits (run.stalled says why a wait ' +
      `stopped early). Or pass a spec following the JSON Schema at ${SPEC_URI}. No credentials: PostgreSQL/MySQL ` +
      'go through Airflow connection ids. Answers in the request language.',
    input: z.object({
      task_description: z
        .string()
        .min(3)
        .max(4000)
        .describe('The request in plain English or Korean (also what the answer language follows)'),
      spec: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(`A PipelineSpec you filled yourself (JSON Schema: ${SPEC_URI}); skips planning, never validation`),
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
    app: DAG_PREVIEW_APP,
    // A run waited for is the long part: on 2026-07-28 a client that takes tasks gets a task to poll instead.
    runsAsTask: (input) => input.deploy && input.run && input.wait,
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
        timeoutMs: boundedWaitMs(input.timeout_s, ctx.waitBoundS ?? deps.waitBoundS),
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
    summarize: (o) =>
      `${o.understood_text}\n${o.message}${o.run && !ENDED.has(o.run.state) && !o.run.stalled ? stillGoing(o.language) : ''}`,
    links: (o) =>
      o.run && o.run.state !== 'success'
        ? runLinks(
            o.dag_id,
            o.run.run_id,
            o.run.tasks.map((t) => t.task_id),
          )
        : [],
    clarifiedField: 'task_description',
  });
}

const ENDED = new Set(['success', 'failed']);

function stillGoing(language: 'en' | 'ko'): string {
  return language === 'ko'
    ? '\n실행이 기다리는 시간 안에 끝나지 않았습니다(실행은 계속됩니다): 링크된 실행 리소스를 읽거나 check_dag_status로 확인하세요.'
    : '\nThe run was still going when the wait ended (it goes on): read the linked run resource or call check_dag_status to follow it.';
}
