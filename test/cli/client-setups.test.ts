import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const INSTALL_TIMEOUT_MS = 300_000;

interface ServerEntry {
  type?: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The README's "Connecting MCP clients" section: each fenced block with the bold label in front of it. */
function readmeBlocks(): Map<string, { lang: string; body: string }> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Connecting MCP clients');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const blocks = new Map<string, { lang: string; body: string }>();
  for (const match of section.matchAll(/\n\*\*([^*\n]+)\*\*[^\n]*\n\n```(\w+)\n([\s\S]*?)\n```/g)) {
    blocks.set(match[1] as string, { lang: match[2] as string, body: match[3] as string });
  }
  return blocks;
}

/**
 * The README's client setups, tried as written from a fresh folder: the npm package packed by scripts/pack-npm.mjs
 * (the published name replaced by the tarball, as the README says to until it is on npm), each client's JSON block
 * parsed and its command started over stdio with the block's environment (the values filled in for the test Airflow:
 * the README's placeholders name the same variables), the handshake, tools/list and one search_docs; the Inspector's
 * CLI lines run through a shell; and an old Node gets the sentence naming the version it needs.
 */
describe('README client setups, from a fresh folder with the packed npm package', () => {
  const airflow = inject('airflow');
  const work = mkdtempSync(join(tmpdir(), 'airflow-mcp-clients-'));
  const fresh = join(work, 'project');
  const outDir = join(work, 'npm');
  const warehouse = join(work, 'warehouse');
  // One DATA_DIR for every client, one after another: each server frees it when its client closes.
  const dataDir = join(work, 'data');
  const values: Record<string, string> = {
    AIRFLOW_URL: airflow.url,
    AIRFLOW_USERNAME: airflow.username,
    AIRFLOW_PASSWORD: airflow.password,
    DAGS_DIR: airflow.dagsDir,
    AIRFLOW_PYTHON: airflow.python,
    ALLOWED_DATA_DIRS: warehouse,
    DATA_DIR: dataDir,
  };
  // What a desktop client passes: a PATH (with Node 24 first, as the README asks) and HOME for npm's cache.
  const baseEnv = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? work,
    // How this machine reaches the npm registry (a proxy, an extra CA): npx needs them as a user's shell has them.
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO)_PROXY|(https?|no)_proxy|npm_config_.*)$/.test(
            entry[0],
          ) && entry[1] !== undefined,
      ),
    ),
  };
  const blocks = readmeBlocks();
  let tarball = '';
  const clients: Client[] = [];

  beforeAll(() => {
    mkdirSync(fresh, { recursive: true });
    mkdirSync(warehouse, { recursive: true });
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
      cwd: root,
      stdio: 'inherit',
    });
    expect(built.status).toBe(0);
    const packed = spawnSync(process.execPath, [join(root, 'scripts', 'pack-npm.mjs'), '--out', outDir], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(packed.status, packed.stderr).toBe(0);
    tarball = packed.stdout.trim();
    expect(tarball).toMatch(/airflow-mcp-rag-\d+\.\d+\.\d+\.tgz$/);
    // The first npx installs the package and its registry dependencies; the clients below reuse npx's cache.
    const installed = spawnSync('npx', ['-y', '--package', tarball, 'airflow-mcp', '--help'], {
      cwd: fresh,
      env: baseEnv,
      encoding: 'utf8',
      timeout: INSTALL_TIMEOUT_MS,
    });
    expect(installed.status, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/stdio\s+Serve the same MCP tools over stdio/);
  }, INSTALL_TIMEOUT_MS + 120_000);
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
  });

  /** The block's server entry as a client would run it: the tarball for the package name, the test's values. */
  function resolveEntry(entry: ServerEntry, inputs: Record<string, string> = {}): ServerEntry {
    expect(entry.command).toBe('npx');
    expect(entry.args).toEqual(['-y', 'airflow-mcp-rag', 'stdio']);
    expect(Object.keys(entry.env).sort()).toEqual(Object.keys(values).sort());
    for (const [key, value] of Object.entries(entry.env)) {
      const input = /^\$\{input:([\w-]+)\}$/.exec(value)?.[1];
      if (input !== undefined) expect(inputs[input], `${key} asks for input ${input}`).toBeDefined();
    }
    return {
      command: entry.command,
      args: entry.args.flatMap((arg) => (arg === 'airflow-mcp-rag' ? ['--package', tarball, 'airflow-mcp'] : [arg])),
      env: { ...baseEnv, ...values },
    };
  }

  async function tryEntry(label: string, entry: ServerEntry) {
    const transport = new StdioClientTransport({ ...entry, cwd: fresh, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: `readme-${label}`, version: '1.0.0' });
    clients.push(client);
    await client.connect(transport);
    const info = client.getServerVersion();
    expect(info).toMatchObject({ name: 'airflow-mcp-rag', title: 'Airflow MCP (RAG)' });
    expect(info?.description).toMatch(/Apache Airflow DAGs/);
    expect(info?.icons?.[0]?.src).toMatch(/^data:image\/svg\+xml;base64,/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('search_docs');
    // The first search of a cold start waits for the bundled corpus, or says it is still loading: never "no match".
    let answer = await client.callTool({ name: 'search_docs', arguments: { query: 'retry a failed task' } });
    const deadline = Date.now() + 240_000;
    while (answer.isError && Date.now() < deadline) {
      expect(JSON.stringify(answer.content)).toMatch(/The knowledge base is still loading/);
      answer = await client.callTool({ name: 'search_docs', arguments: { query: 'retry a failed task' } });
    }
    expect(answer.isError, `${JSON.stringify(answer.content)}\n${stderr}`).toBeFalsy();
    expect(JSON.stringify(answer.content)).not.toMatch(/No passage matched/);
    const results = (answer.structuredContent as { results: { doc: string }[] }).results;
    expect(results.length).toBeGreaterThan(0);
    await client.close();
  }

  for (const label of ['Claude Code', 'Claude Desktop', 'Cursor']) {
    it(`${label}: the JSON block starts the server, lists the tools and searches the docs`, async () => {
      const block = blocks.get(label);
      expect(block?.lang).toBe('json');
      const config = JSON.parse(block?.body ?? '') as { mcpServers: Record<string, ServerEntry> };
      await tryEntry(label, resolveEntry(config.mcpServers.airflow as ServerEntry));
    }, 400_000);
  }

  it('VS Code: the JSON block (stdio server, the password from a prompted input) works the same', async () => {
    const block = blocks.get('VS Code');
    expect(block?.lang).toBe('json');
    const config = JSON.parse(block?.body ?? '') as {
      inputs: { id: string; type: string; password?: boolean }[];
      servers: Record<string, ServerEntry>;
    };
    const entry = config.servers.airflow as ServerEntry;
    expect(entry.type).toBe('stdio');
    const passwordInput = config.inputs.find((i) => entry.env.AIRFLOW_PASSWORD === `\${input:${i.id}}`);
    expect(passwordInput).toMatchObject({ type: 'promptString', password: true });
    await tryEntry('vscode', resolveEntry(entry, { [passwordInput?.id ?? '']: airflow.password }));
  }, 400_000);

  it('MCP Inspector: the CLI lines, run through a shell next to the Claude Code .mcp.json, list and call tools', () => {
    const claudeCode = JSON.parse(blocks.get('Claude Code')?.body ?? '') as { mcpServers: Record<string, ServerEntry> };
    const entry = resolveEntry(claudeCode.mcpServers.airflow as ServerEntry);
    writeFileSync(
      join(fresh, '.mcp.json'),
      JSON.stringify({ mcpServers: { airflow: { command: entry.command, args: entry.args, env: values } } }),
    );
    const lines = (blocks.get('MCP Inspector')?.body ?? '').split('\n').filter((l) => l.startsWith('npx '));
    expect(lines).toHaveLength(2);
    const outputs = lines.map((line) => {
      const result = spawnSync('sh', ['-c', line], {
        cwd: fresh,
        env: baseEnv,
        encoding: 'utf8',
        timeout: INSTALL_TIMEOUT_MS,
      });
      expect(result.status, `${line}\n${result.stdout}\n${result.stderr}`).toBe(0);
      return result.stdout;
    });
    const listed = JSON.parse(outputs[0] as string) as { tools: { name: string }[] };
    expect(listed.tools.map((t) => t.name)).toContain('search_docs');
    const called = JSON.parse(outputs[1] as string) as { structuredContent?: { results: unknown[] } };
    expect(called.structuredContent?.results.length).toBeGreaterThan(0);
  }, 700_000);

  it('an older Node gets a sentence naming the Node it needs, not a crash', () => {
    const result = spawnSync('npx', ['-y', '--package', tarball, 'airflow-mcp', 'stdio'], {
      cwd: fresh,
      env: {
        ...baseEnv,
        // Node 20 as the server sees it (npx itself runs on Node 20 too, as it would with an old Node first on PATH).
        NODE_OPTIONS: `--import=data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.19.0'})`,
      },
      input: '',
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/airflow-mcp needs Node 22\.13 or later 22\.x, or Node 24 \(this is Node 20\.19\.0/);
  });
});

describe('server.json and the packed package.json', () => {
  it('describe the same server for the MCP registry: name/mcpName, version, the stdio package and the remote', () => {
    const server = JSON.parse(readFileSync(join(root, 'server.json'), 'utf8')) as {
      $schema: string;
      name: string;
      description: string;
      version: string;
      icons: { src: string }[];
      packages: { registryType: string; identifier: string; version: string; transport: { type: string } }[];
      remotes: { type: string; url: string; headers: { name: string; isSecret?: boolean }[] }[];
    };
    expect(server.$schema).toMatch(
      /^https:\/\/static\.modelcontextprotocol\.io\/schemas\/[\d-]+\/server\.schema\.json$/,
    );
    expect(server.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    expect(server.description.length).toBeLessThanOrEqual(100);
    expect(server.icons[0]?.src).toMatch(/^https:\/\/.*\/apps\/server\/assets\/icon\.svg$/);
    const [npm] = server.packages;
    expect(npm).toMatchObject({ registryType: 'npm', identifier: 'airflow-mcp-rag', transport: { type: 'stdio' } });
    expect(npm?.version).toBe(server.version);
    expect(server.remotes[0]).toMatchObject({ type: 'streamable-http', url: 'https://{host}/mcp' });
    expect(server.remotes[0]?.headers).toEqual([expect.objectContaining({ name: 'Authorization', isSecret: true })]);

    const out = mkdtempSync(join(tmpdir(), 'airflow-mcp-pack-'));
    const packed = spawnSync(process.execPath, [join(root, 'scripts', 'pack-npm.mjs'), '--out', out], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(packed.status, packed.stderr).toBe(0);
    const manifest = JSON.parse(
      spawnSync('tar', ['xzf', packed.stdout.trim(), '-O', 'package/package.json'], { encoding: 'utf8' }).stdout,
    ) as { name: string; version: string; mcpName: string; bin: Record<string, string>; bundleDependencies: string[] };
    expect(manifest).toMatchObject({ name: npm?.identifier, version: npm?.version, mcpName: server.name });
    expect(manifest.bin).toEqual({ 'airflow-mcp': 'apps/server/bin/airflow-mcp.js' });
    expect(manifest.bundleDependencies).toContain('@airflow-mcp/agent');
    // The icon server.json points at is the one the server sends inline.
    const svg = readFileSync(join(root, 'apps', 'server', 'assets', 'icon.svg'), 'utf8').trim();
    const serverInfo = readFileSync(join(root, 'apps', 'server', 'src', 'server-info.ts'), 'utf8');
    expect(serverInfo).toContain(svg);
  });
});
