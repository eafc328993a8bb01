import type { AirflowService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';

export function listImportErrorsTool(deps: { airflow: AirflowService }) {
  return defineTool({
    name: 'list_import_errors',
    title: 'List DAG import errors',
    description: 'Files in the dags folder that Airflow could not import, with the error text (secrets masked).',
    input: z.object({ filename: z.string().max(500).optional().describe('Only this file, e.g. my_dag.py') }),
    output: z.object({
      errors: z.array(z.object({ filename: z.string(), timestamp: z.string(), stack_trace: z.string() })),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    scope: 'read',
    handler: async (input, ctx) => ({ errors: await deps.airflow.importErrors(input.filename, ctx.principal.tenant) }),
    summarize: (o) =>
      o.errors.length === 0
        ? 'No import errors.'
        : o.errors.map((e) => `${e.filename} (${e.timestamp}):\n${e.stack_trace}`).join('\n\n'),
  });
}
