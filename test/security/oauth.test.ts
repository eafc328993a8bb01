import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { testCatalog } from '../mcp/fixtures/test-tools.js';

/**
 * OAuth 2.1 resource-server mode. The authorization server cannot exist here, so its JWKS endpoint is played by a
 * local HTTP server with keys made for the test; everything on our side (jose verification, scopes, tenant, 401s with
 * WWW-Authenticate, RFC 9728 metadata) is the real code over real HTTP.
 */
describe('OAuth 2.1 resource-server mode', () => {
  let issuer: Server;
  let issuerUrl: string;
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;
  let t: TestApp;
  const audience = 'https://mcp.example.test';

  const token = async (
    claims: Record<string, unknown>,
    options: { key?: CryptoKey; aud?: string; exp?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuerUrl)
      .setAudience(options.aud ?? audience)
      .setSubject('user-42')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    issuer = createServer((req, res) => {
      if (req.url === '/.well-known/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r));
    issuerUrl = `http://127.0.0.1:${(issuer.address() as { port: number }).port}`;
    t = await startTestApp({
      catalog: testCatalog,
      env: {
        MCP_OAUTH_ISSUER: issuerUrl,
        MCP_OAUTH_AUDIENCE: audience,
        MCP_PUBLIC_URL: 'https://mcp.example.test',
        MCP_OAUTH_SCOPE_PREFIX: 'airflow-mcp',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await guests?.close();
    await new Promise((r) => issuer.close(r));
  });

  /** An initialize over plain HTTP: the status and JSON-RPC error an outsider sees. */
  const initialize = async (app: TestApp, bearer: string) => {
    const response = await fetch(app.mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${bearer}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    const text = ((await response.json()) as { error?: { message?: string } }).error?.message ?? '';
    return { status: response.status, text, authenticate: response.headers.get('www-authenticate') ?? '' };
  };
  /** The principal a token becomes, read back through the echo tool; and whether it may call a write tool. */
  const principalOf = async (app: TestApp, claims: Record<string, unknown>) => {
    const client = await app.connect({ headers: { authorization: `Bearer ${await token(claims)}` } });
    const echo = (await client.callTool({ name: 'echo', arguments: { text: 'x' } })) as {
      structuredContent?: { tenant: string; principal: string };
    };
    const write = (await client.callTool({ name: 'write_thing', arguments: {} })) as {
      isError?: boolean;
      content: { text?: string }[];
    };
    await client.close();
    return {
      tenant: echo.structuredContent?.tenant,
      write: write.isError ? (write.content[0]?.text ?? '') : 'allowed',
    };
  };
  let guests: TestApp | undefined;

  it('publishes protected-resource metadata', async () => {
    const body = await (await fetch(`${t.url}/.well-known/oauth-protected-resource`)).json();
    expect(body).toEqual({
      resource: 'https://mcp.example.test/mcp',
      authorization_servers: [issuerUrl],
      scopes_supported: ['read', 'write', 'admin'],
      bearer_methods_supported: ['header'],
      resource_name: 'airflow-mcp-rag',
    });
  });

  it('accepts a valid token, with scopes and tenant from its claims', async () => {
    const client = await t.connect({
      headers: { authorization: `Bearer ${await token({ scope: 'airflow-mcp:read', tenant: 'acme' })}` },
    });
    const echo = (await client.callTool({ name: 'echo', arguments: { text: 'hi' } })) as {
      structuredContent?: { principal?: unknown };
    };
    expect(JSON.stringify(echo.structuredContent)).toContain('acme');
    const write = (await client.callTool({ name: 'write_thing', arguments: {} })) as {
      isError?: boolean;
      content: { text?: string }[];
    };
    expect(write.isError).toBe(true);
    expect(write.content[0]?.text).toMatch(/needs the "write" scope/);
  });

  it.each([
    ['no token', undefined, /needs an OAuth access token/],
    ['another audience', { aud: 'https://elsewhere.test' }, /not for this server/],
    ['expired', { exp: '-10m' }, /expired/],
    ['signed by another key', { key: 'other' }, /not valid/],
  ] as const)('refuses %s with 401 and WWW-Authenticate pointing at the metadata', async (_name, options, why) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (options !== undefined) {
      headers.authorization = `Bearer ${await token(
        { scope: 'read' },
        {
          ...('aud' in options ? { aud: options.aud } : {}),
          ...('exp' in options ? { exp: options.exp } : {}),
          ...('key' in options ? { key: otherKey } : {}),
        },
      )}`;
    }
    const response = await fetch(t.mcpUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(
      'resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource"',
    );
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(why);
  });

  it('refuses a token without a tenant claim (403, saying what to ask for) when no default tenant is configured', async () => {
    const answer = await initialize(t, await token({ scope: 'admin' }));
    expect(answer.status).toBe(403);
    expect(answer.text).toMatch(/no "tenant" claim.*MCP_OAUTH_DEFAULT_TENANT/);
    expect(answer.authenticate).toContain('error="insufficient_scope"');
  });

  it.each([['team-a'], ['team_a'], ['t1_'], ['Acme'], ['*'], ['default__x'], [''.padEnd(32, 'a')], [42], [['acme']]])(
    'refuses the tenant claim %j instead of falling back to a tenant that sees more',
    async (tenant) => {
      const answer = await initialize(t, await token({ scope: 'admin', tenant }));
      expect(answer.status).toBe(403);
      expect(answer.text).toMatch(/"tenant" claim is not a valid tenant name/);
    },
  );

  it.each([
    ['billing:admin'],
    ['mcp.admin'],
    ['superadmin'],
    ['airflow-mcp-x:admin'],
    ['airflow-mcp:root'],
    ['ADMIN'],
    ['admin:airflow-mcp'],
  ])('grants nothing for the scope %s (403)', async (scope) => {
    const answer = await initialize(t, await token({ scope, tenant: 'acme' }));
    expect(answer.status).toBe(403);
    expect(answer.text).toMatch(/grants none of the scopes read, write, admin \(or airflow-mcp:read/);
  });

  it('matches scopes exactly: billing:admin next to read grants read only; the configured prefix grants', async () => {
    expect(await principalOf(t, { scope: 'read billing:admin', tenant: 'acme' })).toEqual({
      tenant: 'acme',
      write: expect.stringMatching(/needs the "write" scope; this API key has read\./),
    });
    expect(await principalOf(t, { scp: ['read', 'mcp.write', 'billing:write'], tenant: 'acme' })).toMatchObject({
      write: expect.stringMatching(/has read\./),
    });
    expect(await principalOf(t, { scope: 'airflow-mcp:admin', tenant: 'globex' })).toEqual({
      tenant: 'globex',
      write: 'allowed',
    });
  });

  it('gives tokens without a tenant claim the tenant MCP_OAUTH_DEFAULT_TENANT names, and still refuses bad claims', async () => {
    guests = await startTestApp({
      catalog: testCatalog,
      env: { MCP_OAUTH_ISSUER: issuerUrl, MCP_OAUTH_AUDIENCE: audience, MCP_OAUTH_DEFAULT_TENANT: 'guests' },
    });
    expect(await principalOf(guests, { scope: 'read' })).toMatchObject({ tenant: 'guests' });
    expect(await principalOf(guests, { scope: 'read', tenant: 'acme' })).toMatchObject({ tenant: 'acme' });
    expect((await initialize(guests, await token({ scope: 'read', tenant: 'team-a' }))).status).toBe(403);
    // Without a prefix configured, even the prefixed form grants nothing.
    expect((await initialize(guests, await token({ scope: 'airflow-mcp:admin', tenant: 'acme' }))).status).toBe(403);
  });
});
