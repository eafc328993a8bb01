import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };

describe('feedback loop: ratings reach planning and retrieval', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const warehouse = join(airflow.dataDir, `feedback-${suffix}`);
  const dataDir = join(warehouse, '.state');
  let app: ServiceApp;

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    app = await startServiceApp(airflow, { DATA_DIR: dataDir, ALLOWED_DATA_DIRS: warehouse });
    await app.services.knowledge.corpusReady;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a well-rated DAG becomes an example for a similar request; a search result rated unhelpful is demoted', async () => {
    const rules = await app.connect();
    const call = async (name: string, args: Record<string, unknown>) =>
      (await rules.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;
    const dagId = `fb_users_${suffix}`;
    const created = await call('create_dag', {
      task_description: `copy the users table from SQLite sample.db into DuckDB fb.duckdb, dag id ${dagId}`,
    });
    expect(created.isError, created.content[0]?.text).toBeFalsy();
    const rated = await call('rate_dag', { dag_id: dagId, score: 5, correction: 'exactly what I wanted' });
    expect(rated.structuredContent).toEqual({ recorded: true, kind: 'dag', dag_id: dagId, version: 1 });

    // A client that offers sampling: its model sees the rated pair as an example for a similar request.
    const sampling = await app.connect({ capabilities: { sampling: {} } });
    let prompt = '';
    sampling.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      prompt = request.params.messages
        .flatMap((m) => (Array.isArray(m.content) ? m.content : [m.content]))
        .map((c) => (c.type === 'text' ? c.text : ''))
        .join('\n');
      const spec = (created.structuredContent as { spec: Record<string, unknown> }).spec;
      return {
        role: 'assistant',
        model: 'client-model',
        // The model adapts the rated example to this request's target (the faithfulness check holds it to it).
        content: {
          type: 'text',
          text: JSON.stringify({ ...spec, dag_id: `fb_users2_${suffix}` }).replace(/fb\.duckdb/g, 'fb2.duckdb'),
        },
      };
    });
    const second = (await sampling.callTool(
      {
        name: 'create_dag',
        arguments: {
          task_description: 'copy the users table from SQLite sample.db into DuckDB fb2.duckdb',
          deploy: false,
        },
      },
      undefined,
      { timeout: 120_000 },
    )) as ToolResult;
    expect(second.isError, second.content[0]?.text).toBeFalsy();
    expect(prompt).toContain('A similar request its user rated well');
    expect(prompt).toContain(dagId);
    expect(prompt).toContain('exactly what I wanted');

    const query = 'how do retries and retry delay work';
    const before = (
      (await call('search_docs', { query, k: 5 })).structuredContent as { results: { doc: string; score: number }[] }
    ).results;
    const top = before[0] as { doc: string; score: number };
    expect(
      (await call('rate_dag', { query, doc: top.doc, score: 1, correction: 'not about retries' })).isError,
    ).toBeFalsy();
    const after = (
      (await call('search_docs', { query, k: 5 })).structuredContent as { results: { doc: string; score: number }[] }
    ).results;
    expect(after[0]?.doc).not.toBe(top.doc);
    expect(after.find((r) => r.doc === top.doc)?.score ?? 0).toBeLessThan(top.score);
    // A similar wording is demoted too; an unrelated query is not.
    const similar = (
      (await call('search_docs', { query: 'how do retries and the retry delay work', k: 5 })).structuredContent as {
        results: { doc: string }[];
      }
    ).results;
    expect(similar[0]?.doc).not.toBe(top.doc);

    const bad = await call('rate_dag', { dag_id: dagId, query, doc: top.doc, score: 3 });
    expect(bad.isError).toBe(true);
  });

  it('airflow-mcp feedback report summarises it', async () => {
    await app.close();
    const cli = join(import.meta.dirname, '..', '..', 'apps', 'server', 'bin', 'airflow-mcp.js');
    const out = spawnSync(process.execPath, [cli, 'feedback', 'report', '--json'], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(out.status, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout) as {
      total: number;
      dags: { ratings: number; average: number };
      demoted_docs: { doc: string }[];
    };
    expect(report).toMatchObject({ total: 2, dags: { ratings: 1, average: 5 } });
    expect(report.demoted_docs).toHaveLength(1);
  });
});
