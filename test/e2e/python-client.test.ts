import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queryDuckdb } from '../support/query-duckdb.js';
import { seedOrders } from '../support/seed-orders.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

interface PythonCall {
  protocolVersion: string;
  questions: string[];
  progress: string[];
  isError: boolean;
  text: string;
  structuredContent: { dag_id?: string; run?: { state: string; rows: number | null }; understood_text?: string } | null;
}

const root = join(import.meta.dirname, '..', '..');
const script = join(root, 'test', 'mcp', 'python-client', 'call_tool.py');

/**
 * The Python MCP SDK (1.x, protocol 2025-11-25: initialize, a session, elicitation as a server request) drives
 * create_dag end to end against the test Airflow, once plainly and once through a clarifying question it answers.
 * Its virtualenv comes from test/mcp/python-client/requirements.lock (`npm run setup` builds it; so does this suite).
 */
describe('the Python MCP SDK as a 2025-11-25 client', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `warehouse-python-${suffix}`);
  const source = join(warehouse, 'shop.db');
  const plainTable = `orders_py_${suffix}`;
  const askedTable = `orders_pyask_${suffix}`;
  let app: ServiceApp;
  let python: string;

  async function callTool(tool: string, args: Record<string, unknown>, answers: string[] = []): Promise<PythonCall> {
    const { stdout } = await promisify(execFile)(
      python,
      [script, app.mcpUrl.href, tool, JSON.stringify(args), ...answers],
      {
        timeout: 400_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as PythonCall;
  }

  beforeAll(async () => {
    const built = execFileSync(process.execPath, [join(root, 'scripts', 'python-mcp-client.mjs'), 'venv', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    python = (JSON.parse(built.trim().split('\n').at(-1) ?? '{}') as { python: string }).python;
    mkdirSync(warehouse, { recursive: true });
    seedOrders(source, plainTable, 36);
    seedOrders(source, askedTable, 52);
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse, KNOWLEDGE_DIR: 'none' });
  }, 300_000);
  afterAll(async () => {
    await app?.close();
  });

  it('creates, deploys and runs a SQLite -> DuckDB DAG over a 2025-11-25 session', async () => {
    const out = await callTool('create_dag', {
      task_description: `Move the ${plainTable} table from SQLite into DuckDB file python.duckdb`,
      source_db: source,
      run: true,
      wait: true,
    });
    expect(out.protocolVersion).toBe('2025-11-25');
    expect(out.isError, out.text).toBe(false);
    expect(out.questions).toEqual([]);
    expect(out.structuredContent?.dag_id).toContain(plainTable);
    expect(out.structuredContent?.run).toMatchObject({ state: 'success', rows: 36 });
    expect(out.progress.length).toBeGreaterThan(2);
    expect(queryDuckdb(airflow.python, join(warehouse, 'python.duckdb'), `SELECT COUNT(*) FROM ${plainTable}`)).toEqual(
      [[36]],
    );
  });

  it('answers the clarifying question through elicitation and the same call completes', async () => {
    const out = await callTool(
      'create_dag',
      { task_description: `Copy the ${askedTable} table`, source_db: source, run: true, wait: true },
      ['Into DuckDB file python-asked.duckdb'],
    );
    expect(out.isError, out.text).toBe(false);
    expect(out.questions).toHaveLength(1);
    expect(out.structuredContent?.run).toMatchObject({ state: 'success', rows: 52 });
    expect(
      queryDuckdb(airflow.python, join(warehouse, 'python-asked.duckdb'), `SELECT COUNT(*) FROM ${askedTable}`),
    ).toEqual([[52]]);
  });

  it('without elicitation it gets the NEEDS_CLARIFICATION error, as before', async () => {
    const out = await callTool('create_dag', { task_description: `Copy the ${askedTable} table`, source_db: source });
    expect(out.isError).toBe(true);
    expect(out.questions).toEqual([]);
    expect(out.text).toMatch(/^NEEDS_CLARIFICATION: /);
  });
});
