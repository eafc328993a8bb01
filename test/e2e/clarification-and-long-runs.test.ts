import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deploySleepingDag } from '../support/one-task-dag.js';
import { queryDuckdb } from '../support/query-duckdb.js';
import { seedOrders } from '../support/seed-orders.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

interface CreateDagOutput {
  dag_id: string;
  understood_text: string;
  run?: { run_id: string; state: string; rows: number | null };
}
interface RunOutput {
  dag_id: string;
  run_id: string;
  state: string;
  timed_out?: boolean;
}
type Content = { type: string; text?: string; uri?: string; name?: string };
type ToolResult = { structuredContent?: unknown; isError?: boolean; content: Content[]; _meta?: { code?: string } };

const MODERN = '2026-07-28';
const BOUND_S = 5;

/** Reads a run's resource until the run ends (the suite's wait bound is 5 s, shorter than most runs). */
async function runEnds(
  read: (uri: string) => Promise<{ contents: unknown[] }>,
  dagId: string,
  run: { run_id: string; state: string } | undefined,
): Promise<string> {
  let state = run?.state ?? 'missing';
  const deadline = Date.now() + 240_000;
  while (run && !['success', 'failed'].includes(state) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const first = (await read(`airflow-mcp://runs/${dagId}/${run.run_id}`)).contents[0] as { text?: string };
    state = (JSON.parse(first.text ?? '{}') as { state: string }).state;
  }
  return state;
}

/**
 * Clarification through the protocol and bounded long runs, against the test Airflow: a request without a target is
 * answered with a question (input_required on 2026-07-28, elicitation/create on a 2025-11-25 session that declared
 * it), the answer completes the call and the DAG moves the rows; a client that cannot answer gets the error; a run
 * longer than the service's wait bound (MCP_WAIT_BOUND_S=5) is answered, not failed, with links to follow it.
 */
describe('clarification through input_required/elicitation, and runs longer than the wait bound', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-clarify-${suffix}`);
  const source = join(warehouse, 'shop.db');
  const modernTable = `orders_ask26_${suffix}`;
  const legacyTable = `orders_ask25_${suffix}`;
  let app: ServiceApp;

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    seedOrders(source, modernTable, 64);
    seedOrders(source, legacyTable, 48);
    app = await startServiceApp(airflow, {
      ALLOWED_DATA_DIRS: warehouse,
      KNOWLEDGE_DIR: 'none',
      MCP_WAIT_BOUND_S: String(BOUND_S),
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('2026-07-28: the SDK v2 client answers the question through input_required and the call completes', async () => {
    const questions: string[] = [];
    const modern = new ModernClient(
      { name: 'clarify-2026-client', version: '1.0.0' },
      { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: MODERN } } },
    );
    modern.setRequestHandler('elicitation/create', async (request) => {
      questions.push(request.params.message);
      return { action: 'accept', content: { answer: 'Into DuckDB file asked26.duckdb' } };
    });
    await modern.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    try {
      const result = (await modern.callTool(
        {
          name: 'create_dag',
          arguments: { task_description: `Copy the ${modernTable} table`, source_db: source, run: true, wait: true },
        },
        { timeout: 300_000 },
      )) as ToolResult;
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      expect(questions).toHaveLength(1);
      const out = result.structuredContent as CreateDagOutput;
      expect(out.dag_id).toContain(modernTable);
      expect(await runEnds((uri) => modern.readResource({ uri }), out.dag_id, out.run)).toBe('success');
      expect(
        queryDuckdb(airflow.python, join(warehouse, 'asked26.duckdb'), `SELECT COUNT(*) FROM ${modernTable}`),
      ).toEqual([[64]]);
      expect(app.app.sessions.size).toBe(0);
    } finally {
      await modern.close().catch(() => {});
    }
  });

  it('2025-11-25: a session that declared elicitation gets elicitation/create, and the answer completes the call', async () => {
    const legacy = await app.connect({ capabilities: { elicitation: {} } });
    const questions: string[] = [];
    const { ElicitRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    legacy.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      return { action: 'accept', content: { answer: 'Into DuckDB file asked25.duckdb' } };
    });
    const result = (await legacy.callTool(
      {
        name: 'create_dag',
        arguments: { task_description: `Copy the ${legacyTable} table`, source_db: source, run: true, wait: true },
      },
      undefined,
      { timeout: 300_000 },
    )) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    expect(questions).toHaveLength(1);
    const out = result.structuredContent as CreateDagOutput;
    expect(await runEnds((uri) => legacy.readResource({ uri }), out.dag_id, out.run)).toBe('success');
    expect(
      queryDuckdb(airflow.python, join(warehouse, 'asked25.duckdb'), `SELECT COUNT(*) FROM ${legacyTable}`),
    ).toEqual([[48]]);
  });

  it('asks again on an unclear answer, at most three times, then answers with the error', async () => {
    const legacy = await app.connect({ capabilities: { elicitation: {} } });
    let asked = 0;
    const { ElicitRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    legacy.setRequestHandler(ElicitRequestSchema, async () => {
      asked += 1;
      return { action: 'accept', content: { answer: 'somewhere nice' } };
    });
    const result = (await legacy.callTool(
      { name: 'create_dag', arguments: { task_description: `Copy the ${legacyTable} table`, source_db: source } },
      undefined,
      { timeout: 300_000 },
    )) as ToolResult;
    expect(asked).toBe(3);
    expect(result.isError).toBe(true);
    expect(result._meta?.code).toBe('NEEDS_CLARIFICATION');
  });

  it('a client without elicitation (either revision) gets the NEEDS_CLARIFICATION error as before', async () => {
    const plain = await app.connect();
    const legacyResult = (await plain.callTool(
      { name: 'create_dag', arguments: { task_description: `Copy the ${legacyTable} table`, source_db: source } },
      undefined,
      { timeout: 120_000 },
    )) as ToolResult;
    expect(legacyResult.isError).toBe(true);
    expect(legacyResult._meta?.code).toBe('NEEDS_CLARIFICATION');

    const modern = new ModernClient(
      { name: 'plain-2026-client', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: { pin: MODERN } } },
    );
    await modern.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    try {
      const modernResult = (await modern.callTool(
        { name: 'create_dag', arguments: { task_description: `Copy the ${modernTable} table`, source_db: source } },
        { timeout: 120_000 },
      )) as ToolResult;
      expect(modernResult.isError).toBe(true);
      expect(modernResult._meta?.code).toBe('NEEDS_CLARIFICATION');
    } finally {
      await modern.close().catch(() => {});
    }
  });

  it('a run longer than the wait bound is answered with timed_out and links, then followed to success', async () => {
    const dagId = `sleepy_${suffix}`;
    await deploySleepingDag(airflow, dagId, 20);
    const modern = new ModernClient(
      { name: 'long-run-2026-client', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: { pin: MODERN } } },
    );
    await modern.connect(new StreamableHTTPClientTransport(app.mcpUrl));
    try {
      const progress: string[] = [];
      const started = Date.now();
      const result = (await modern.callTool(
        { name: 'run_dag', arguments: { dag_id: dagId, wait: true, timeout_s: 600 } },
        { timeout: 120_000, onprogress: (p) => progress.push(p.message ?? '') },
      )) as ToolResult;
      const waited = Date.now() - started;
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      const out = result.structuredContent as RunOutput;
      expect(out.timed_out).toBe(true);
      expect(['queued', 'running']).toContain(out.state);
      // The wait was the bound (5 s), not the 600 s asked for.
      expect(waited).toBeLessThan(BOUND_S * 1000 + 15_000);
      expect(progress.length).toBeGreaterThan(0);
      expect(result.content[0]?.text).toContain('still going');
      const links = result.content.filter((c) => c.type === 'resource_link');
      const runLink = links.find((l) => l.uri?.endsWith(`/${out.run_id}`));
      expect(runLink?.uri).toBe(`airflow-mcp://runs/${dagId}/${out.run_id}`);
      expect(links.map((l) => l.uri)).toContain(`airflow-mcp://runs/${dagId}/${out.run_id}/logs/slow`);

      // Following the run through its resource until it ends.
      let state = out.state;
      const deadline = Date.now() + 180_000;
      while (!['success', 'failed'].includes(state) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const read = await modern.readResource({ uri: runLink?.uri ?? '' });
        const first = read.contents[0] as { text?: string } | undefined;
        state = (JSON.parse(first?.text ?? '{}') as { state: string }).state;
      }
      expect(state).toBe('success');
      const log = await modern.readResource({ uri: `airflow-mcp://runs/${dagId}/${out.run_id}/logs/slow` });
      expect((log.contents[0] as { text?: string }).text ?? '').not.toBe('');
      // Another DAG's run that does not exist is the protocol's not-found error.
      await expect(modern.readResource({ uri: `airflow-mcp://runs/${dagId}/no_such_run` })).rejects.toThrow();
    } finally {
      await modern.close().catch(() => {});
    }
  });
});
