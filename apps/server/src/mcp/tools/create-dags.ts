import type { DagService } from '@airflow-mcp/agent';
import { isAppError } from '@airflow-mcp/core';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';

const request = z.object({
  task_description: z.string().min(3).max(4000),
  source_db: z.string().max(500).optional(),
  target_db: z.string().max(500).optional(),
  schedule: z.string().max(100).optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
  replace: z.boolean().default(false),
});

/** Runs `work` over `items` with at most `limit` at a time, keeping the order of the results. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function createDagsTool(deps: { dags: DagService }) {
  return defineTool({
    name: 'create_dags',
    title: 'Create several DAGs at once',
    description:
      'Like create_dag (replace too) for several requests, at most `concurrency` at a time. One result per request, ' +
      'in order; a failing request does not stop the others.',
    input: z.object({
      requests: z.array(request).min(1).max(20),
      deploy: z.boolean().default(true),
      run: z.boolean().default(false),
      wait: z.boolean().default(false),
      concurrency: z.number().int().min(1).max(4).default(2),
      timeout_s: z.number().int().min(10).max(3600).default(900),
    }),
    output: z.object({
      results: z.array(
        z.object({
          index: z.number(),
          ok: z.boolean(),
          dag_id: z.string().nullable(),
          version: z.number().nullable(),
          run_state: z.string().nullable(),
          rows: z.number().nullable(),
          message: z.string(),
          error_code: z.string().optional(),
        }),
      ),
      succeeded: z.number(),
      failed: z.number(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    scope: 'write',
    async handler(input, ctx) {
      let done = 0;
      const results = await mapBounded(input.requests, input.concurrency, async (r, index) => {
        try {
          const out = await deps.dags.create({
            request: r.task_description,
            ...(r.spec ? { spec: r.spec } : {}),
            sourceDb: r.source_db,
            targetDb: r.target_db,
            schedule: r.schedule,
            replace: r.replace,
            deploy: input.deploy,
            run: input.run && input.deploy,
            wait: input.wait,
            timeoutMs: input.timeout_s * 1000,
            signal: ctx.signal,
            actor: { id: ctx.principal.keyId, tenant: ctx.principal.tenant },
          });
          return {
            index,
            ok: out.run ? out.run.state === 'success' : true,
            dag_id: out.dag_id,
            version: out.version,
            run_state: out.run?.state ?? null,
            rows: out.run?.rows ?? null,
            message: out.message,
          };
        } catch (error) {
          return {
            index,
            ok: false,
            dag_id: null,
            version: null,
            run_state: null,
            rows: null,
            message: error instanceof Error ? error.message : String(error),
            ...(isAppError(error) ? { error_code: error.code } : {}),
          };
        } finally {
          await ctx.progress({
            progress: ++done,
            total: input.requests.length,
            message: `${done}/${input.requests.length} requests done`,
          });
        }
      });
      const succeeded = results.filter((r) => r.ok).length;
      return { results, succeeded, failed: results.length - succeeded };
    },
    summarize: (o) =>
      `${o.succeeded} of ${o.results.length} succeeded.\n` +
      o.results.map((r) => `${r.index + 1}. ${r.ok ? 'ok' : 'failed'}: ${r.message.split('\n').join(' ')}`).join('\n'),
  });
}
