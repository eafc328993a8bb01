import { pipelineSpecJsonSchema } from '@airflow-mcp/pipeline';
import type { ResourceProvider } from '../define-tool.js';

export const SPEC_URI = 'airflow-mcp://schemas/pipeline-spec.json';

/** The PipelineSpec JSON Schema, for clients that fill a spec themselves and pass it to create_dag. */
export function schemaResources(): ResourceProvider {
  return {
    name: 'schemas',
    description: 'JSON Schemas of what the tools accept (the PipelineSpec for create_dag)',
    uriTemplate: 'airflow-mcp://schemas/{name}',
    list: async () => [
      {
        uri: SPEC_URI,
        name: 'pipeline-spec.json',
        title: 'PipelineSpec JSON Schema',
        description: 'The typed pipeline spec create_dag validates and compiles',
        mimeType: 'application/schema+json',
      },
    ],
    read: async (uri) =>
      uri === SPEC_URI
        ? { uri, mimeType: 'application/schema+json', text: JSON.stringify(pipelineSpecJsonSchema(), null, 2) }
        : undefined,
  };
}
