import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../apps/server/src/app.js';
import { loadConfig } from '../../apps/server/src/config.js';
import { SPEC_URI } from '../../apps/server/src/mcp/resources/schema-resources.js';
import { createTools, type ToolDependencies } from '../../apps/server/src/mcp/tools/create-tools.js';

/**
 * The contract clients see in tools/list: names, descriptions, schemas and annotations of the production tools.
 * A change to it fails this test until the snapshot is updated on purpose (`vitest -u`), and the whole list must
 * stay within a token budget, since every connection reads it into a model's context.
 * Measured with o200k_base: 7,381 tokens (30.1 KB) before trimming, 5,862 (23.4 KB) after; 6,000 exactly before
 * create_dag/update_dag/rollback_dag answered `timings` (issue 16: +15 tokens each), 6,045 with it; 6,123 with the
 * MCP Apps links (`_meta.ui.resourceUri` on create_dag, update_dag, run_dag, check_dag_status: +78); 6,294 with
 * list_dags' `runs` input and `recent_runs`/`caller` output for the web console (+171); `rows` on run_dag's and
 * check_dag_status's output paid for by two descriptions that repeated their inputs' defaults or Airflow's paging.
 */
const TOKEN_BUDGET = 6_300;

async function toolsList(url: string) {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/list',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  });
  return ((await response.json()) as { result: { tools: Record<string, unknown>[] } }).result.tools;
}

describe('tools/list contract', () => {
  let app: App;
  let url: string;
  beforeAll(async () => {
    // Only the definitions are listed here; no handler runs, so the tools need no services.
    const tools = createTools({} as ToolDependencies);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'airflow-mcp-contract-')),
    });
    app = await buildApp({ config, catalog: { tools, resources: [] }, logger: false });
    url = await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => app?.shutdown(100));

  it('matches the snapshot, in the same order every time', async () => {
    const tools = await toolsList(url);
    await expect(JSON.stringify(tools, null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/tools-list.json');
    expect((await toolsList(url)).map((t) => t.name)).toEqual(tools.map((t) => t.name));
  });

  it(`stays within ${TOKEN_BUDGET} tokens, without duplicated schema text`, async () => {
    const tools = await toolsList(url);
    const text = JSON.stringify(tools);
    expect(encode(text).length).toBeLessThanOrEqual(TOKEN_BUDGET);
    expect(text).not.toContain('$schema');
    for (const tool of tools) {
      expect(JSON.stringify(tool.outputSchema)).not.toContain('"description"');
      expect(tool.annotations).not.toHaveProperty('title');
    }
  });

  it('names the PipelineSpec JSON Schema in create_dag', async () => {
    const createDag = (await toolsList(url)).find((t) => t.name === 'create_dag');
    expect(createDag?.description).toContain(SPEC_URI);
    const spec = (createDag?.inputSchema as { properties: { spec: { description: string } } }).properties.spec;
    expect(spec.description).toContain(SPEC_URI);
  });
});
