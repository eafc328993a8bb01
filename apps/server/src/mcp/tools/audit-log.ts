import type { DagService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';

export function auditLogTool(deps: { dags: DagService }) {
  return defineTool({
    name: 'audit_log',
    title: 'Audit log of writes',
    description: 'Every write (create, update, rollback): who, when, what, spec hash and outcome. Admin scope.',
    input: z.object({
      dag_id: z.string().max(250).optional(),
      tenant: z.string().max(32).optional(),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.object({
      entries: z.array(
        z.object({
          at: z.string(),
          actor: z.string(),
          tenant: z.string(),
          action: z.string(),
          dag_id: z.string().nullable(),
          spec_hash: z.string().nullable(),
          outcome: z.string(),
          detail: z.string(),
        }),
      ),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    scope: 'admin',
    handler: async (input, ctx) => ({
      entries: await deps.dags.auditLog(
        {
          ...(input.dag_id ? { dagId: input.dag_id } : {}),
          ...(input.tenant ? { tenant: input.tenant } : {}),
          limit: input.limit,
        },
        ctx.principal.tenant,
      ),
    }),
    summarize: (o) =>
      o.entries.map((e) => `${e.at} ${e.actor}@${e.tenant} ${e.action} ${e.dag_id ?? ''}: ${e.outcome}`).join('\n') ||
      'No entries.',
  });
}
