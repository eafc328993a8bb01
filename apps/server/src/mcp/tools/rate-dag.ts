import type { DagService } from '@airflow-mcp/agent';
import { AppError, redactSecrets } from '@airflow-mcp/core';
import type { FeedbackStore } from '@airflow-mcp/state';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';

export function rateDagTool(deps: { dags: DagService; feedback: FeedbackStore }) {
  return defineTool({
    name: 'rate_dag',
    title: 'Rate a generated DAG or a search result',
    description:
      'Feedback that changes what comes next: a 1-5 score and an optional correction on a generated DAG (dag_id) — ' +
      'well-rated request/spec pairs become examples for similar requests — or on a search result (query + doc) — ' +
      'documents rated 1-2 for a query are demoted for similar queries.',
    input: z
      .object({
        dag_id: z.string().max(250).optional(),
        query: z.string().max(2000).optional(),
        doc: z.string().max(500).optional(),
        score: z.number().int().min(1).max(5),
        correction: z.string().max(4000).default(''),
      })
      .refine((v) => Boolean(v.dag_id) !== Boolean(v.query && v.doc), 'give either dag_id, or query and doc'),
    output: z.object({
      recorded: z.literal(true),
      kind: z.enum(['dag', 'search']),
      dag_id: z.string().optional(),
      version: z.number().optional(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    scope: 'write',
    async handler(input, ctx) {
      const actor = { id: ctx.principal.keyId, tenant: ctx.principal.tenant };
      if (input.dag_id) {
        const rated = await deps.dags.rateDag({
          dagId: input.dag_id,
          score: input.score,
          correction: input.correction,
          actor,
        });
        return { recorded: true as const, kind: 'dag' as const, dag_id: rated.dag_id, version: rated.version };
      }
      if (!input.query || !input.doc) throw new AppError('INVALID_INPUT', 'Give either dag_id, or query and doc.');
      await deps.feedback.record({
        actor: actor.id,
        tenant: actor.tenant,
        kind: 'search',
        dag_id: null,
        query: redactSecrets(input.query),
        doc: input.doc,
        score: input.score,
        correction: redactSecrets(input.correction),
        request: null,
        spec: null,
      });
      return { recorded: true as const, kind: 'search' as const };
    },
    summarize: (o) =>
      o.kind === 'dag'
        ? `Recorded your rating of ${o.dag_id} (version ${o.version}).`
        : 'Recorded your rating of the search result.',
  });
}
