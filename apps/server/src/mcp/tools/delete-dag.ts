import type { AirflowService } from '@airflow-mcp/agent';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { dagIdSchema } from './schemas/run-summary-schema.js';

export function deleteDagTool(deps: { airflow: AirflowService }) {
  return defineTool({
    name: 'delete_dag',
    title: 'Delete a generated DAG',
    description:
      'Removes a DAG this service generated: its file from the dags folder, then its metadata and run history ' +
      'from Airflow. DAGs not generated here are refused.',
    input: z.object({ dag_id: dagIdSchema }),
    output: z.object({ dag_id: z.string(), file_removed: z.boolean(), version: z.number() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    scope: 'admin',
    handler: (input, ctx) => deps.airflow.deleteDag(input.dag_id, ctx.principal.tenant),
    summarize: (o) => `Deleted DAG ${o.dag_id} (version ${o.version}).`,
  });
}
