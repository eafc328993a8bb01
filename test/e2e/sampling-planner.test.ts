import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';
import { createSampleDatabase } from '@airflow-mcp/pipeline';

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };

/**
 * The no-key path for agent platforms: the service asks the connected client's own model (MCP sampling) for the
 * spec. Here the test is that client: its "model" answers with text, first a spec with an unknown column, then,
 * given the validation failure, a correct one.
 */
describe('MCP sampling planner over a real MCP client', () => {
  const airflow = inject('airflow');
  const warehouse = join(airflow.dataDir, `sampling-${Date.now().toString(36)}`);
  let app: ServiceApp;
  const env = {
    ALLOWED_DATA_DIRS: warehouse,
    PLANNER: 'sampling',
  };
  const spec = (column: string) => ({
    dag_id: 'sampled_events',
    description: 'events to duckdb, chosen by the client model',
    tasks: [
      {
        type: 'transfer',
        id: 'load_events',
        source: { kind: 'sqlite', path: 'sample.db' },
        source_table: 'events',
        columns: [{ name: 'event_id' }, { name: column }],
        target: { kind: 'duckdb', path: 'sampled.duckdb' },
        target_table: 'events',
      },
    ],
  });

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    app = await startServiceApp(airflow, env);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('plans with the client model, repairing its first answer from the validation failure', async () => {
    const client = await app.connect({ capabilities: { sampling: {} } });
    const prompts: string[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const text = request.params.messages
        .flatMap((m) => (Array.isArray(m.content) ? m.content : [m.content]))
        .map((c) => (c.type === 'text' ? c.text : ''))
        .join('\n');
      prompts.push(`${request.params.systemPrompt ?? ''}\n${text}`);
      const answer = prompts.length === 1 ? spec('no_such_column') : spec('event_type');
      return {
        role: 'assistant',
        model: 'client-test-model',
        content: { type: 'text', text: `Here is the spec:\n\`\`\`json\n${JSON.stringify(answer)}\n\`\`\`` },
      };
    });
    const result = (await client.callTool(
      {
        name: 'create_dag',
        arguments: { task_description: 'move events into DuckDB with the event type', deploy: false },
      },
      undefined,
      { timeout: 120_000 },
    )) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as {
      planner: string;
      dag_id: string;
      checks: { step: string; ok: boolean }[];
      notes: string[];
    };
    expect(out.planner).toBe('sampling (client-test-model)');
    expect(out.dag_id).toBe('sampled_events');
    expect(out.notes.join(' ')).toContain('no_such_column');
    expect(prompts).toHaveLength(2);
    expect(prompts[0]).toContain('events');
    expect(prompts[1]).toContain('no_such_column');
  });

  it('refuses clearly when PLANNER=sampling and the client does not offer sampling', async () => {
    const client = await app.connect();
    const result = (await client.callTool({
      name: 'create_dag',
      arguments: { task_description: 'move events into DuckDB', deploy: false },
    })) as ToolResult;
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/does not offer sampling/);
  });
});
