import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, sha256Hex } from './config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env, '/srv/app');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('gives the documented defaults, resolved against the working directory, frozen', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('/srv/app/.data');
    expect(config.dagsDir).toBe('/srv/app/.data/airflow/dags');
    expect(config.allowedDataDirs).toEqual(['/srv/app/.data/warehouse']);
    expect(config.airflow.url).toBe('http://localhost:8080');
    expect(config.embedder).toBe('auto');
    expect(config.planner).toBe('auto');
    expect(config.readOnly).toBe(false);
    expect(Object.isFrozen(config.mcp)).toBe(true);
  });

  it('gives one clear message per wrong value, all at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      AIRFLOW_URL: 'ftp://airflow',
      EMBEDDER: 'magic',
      READ_ONLY: 'maybe',
    });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('PORT'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('AIRFLOW_URL'))).toMatch(/http\(s\) URL/);
    expect(problems.find((p) => p.startsWith('EMBEDDER'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('READ_ONLY'))).toBeDefined();
  });

  it('refuses a non-loopback bind without keys, and says how to fix it', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([
      expect.stringMatching(/MCP_API_KEYS.*127\.0\.0\.1.*ALLOW_UNAUTHENTICATED/),
    ]);
    expect(problemsOf({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' })).toEqual([]);
  });

  it('reports settings that need each other', () => {
    const problems = problemsOf({ AIRFLOW_USERNAME: 'svc', PLANNER: 'gemini', EMBEDDER: 'openai' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/AIRFLOW_PASSWORD/);
    expect(problems.join('\n')).toMatch(/GEMINI_API_KEY/);
    expect(problems.join('\n')).toMatch(/OPENAI_BASE_URL/);
  });

  it('parses API keys with scopes and tenants, keeping only their hashes', () => {
    const config = loadConfig({ MCP_API_KEYS: 'k'.repeat(20) + ',' + 'r'.repeat(20) + ':read:acme' }, '/srv');
    expect(config.mcp.apiKeys).toEqual([
      { sha256: sha256Hex('k'.repeat(20)), scopes: ['read', 'write', 'admin'], tenant: 'default' },
      { sha256: sha256Hex('r'.repeat(20)), scopes: ['read'], tenant: 'acme' },
    ]);
    expect(JSON.stringify(config.mcp)).not.toContain('k'.repeat(20));
  });

  it('rejects short keys, unknown scopes and bad tenants', () => {
    const problems = problemsOf({
      MCP_API_KEYS: `short,${'a'.repeat(20)}:read+root,${'b'.repeat(20)}:read:Bad Tenant`,
    });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/at least 16/);
    expect(problems[1]).toMatch(/unknown scope "root"/);
    expect(problems[2]).toMatch(/tenant/);
  });

  it('refuses tenant names that could alias another tenant, with the rule in the message', () => {
    const key = (c: string) => c.repeat(20);
    const problems = problemsOf({
      MCP_API_KEYS: ['team-a', 'team_a', 't1_', 'T1', '1t', 'x'.repeat(32), '..']
        .map((t, i) => `${key(String(i))}:read:${t}`)
        .join(','),
    });
    expect(problems).toHaveLength(7);
    for (const problem of problems)
      expect(problem).toMatch(/tenant ".*" is not allowed: tenant names are a lowercase letter/);
    expect(problems[0]).toMatch(/entry 1: tenant "team-a".*no "-" or "_"/);
  });

  it('binds a bare key to the default tenant and takes "*" as the explicit cross-tenant administrator', () => {
    const config = loadConfig({ MCP_API_KEYS: `${'k'.repeat(20)},${'s'.repeat(20)}:admin:*,${'t'.repeat(20)}::t1` });
    expect(config.mcp.apiKeys.map((k) => [k.tenant, k.scopes.join('+')])).toEqual([
      ['default', 'read+write+admin'],
      ['*', 'admin'],
      ['t1', 'read+write+admin'],
    ]);
  });

  it('reads the OAuth default tenant and scope prefix, tenant connections, metrics and session settings', () => {
    const config = loadConfig({
      MCP_OAUTH_ISSUER: 'https://id.example.test',
      MCP_OAUTH_AUDIENCE: 'https://mcp.example.test',
      MCP_OAUTH_DEFAULT_TENANT: 'guests',
      MCP_OAUTH_SCOPE_PREFIX: 'airflow-mcp',
      MCP_TENANT_CONNECTIONS: 'acme:warehouse_pg+billing,globex:*',
      METRICS_TOKEN: 'm'.repeat(24),
      MCP_MAX_SESSIONS_PER_KEY: '3',
    });
    expect(config.mcp.oauth).toMatchObject({ defaultTenant: 'guests', scopePrefix: 'airflow-mcp' });
    expect(config.tenantConnections).toEqual({ acme: ['warehouse_pg', 'billing'], globex: 'all' });
    expect(config.tenants).toEqual(['acme', 'globex', 'guests']);
    expect(
      loadConfig({
        MCP_API_KEYS: `${'a'.repeat(20)}::t1,${'b'.repeat(20)},${'c'.repeat(20)}:admin:*`,
        MCP_TENANT_CONNECTIONS: 'oidc:',
      }).tenants,
    ).toEqual(['t1', 'oidc']);
    expect(config.metrics).toEqual({ token: 'm'.repeat(24), dagLabels: false });
    expect(config.mcp.maxSessionsPerKey).toBe(3);
    expect(config.secrets).toContain('m'.repeat(24));
    const defaults = loadConfig({});
    expect(defaults.tenantConnections).toEqual({});
    expect(defaults.mcp.maxSessionsPerKey).toBe(32);
    expect(defaults.metrics).toEqual({ token: undefined, dagLabels: false });
  });

  it('refuses a bad OAuth default tenant, bad tenant connections and a short metrics token', () => {
    const problems = problemsOf({
      MCP_OAUTH_DEFAULT_TENANT: 'team_a',
      MCP_TENANT_CONNECTIONS: 'team-a:pg,acme,globex:bad-id,acme:pg,acme:other',
      METRICS_TOKEN: 'short',
    });
    expect(problems.join('\n')).toMatch(/METRICS_TOKEN: must be at least 16/);
    const rest = problemsOf({
      MCP_OAUTH_DEFAULT_TENANT: 'team_a',
      MCP_TENANT_CONNECTIONS: 'team-a:pg,acme,globex:bad-id,acme:pg,acme:other',
    });
    expect(rest).toEqual([
      expect.stringMatching(/entry 1 \("team-a:pg"\): tenant names are/),
      expect.stringMatching(
        /entry 2 \("acme"\): write it as tenant:conn_id\+conn_id \(or tenant:\* for all, tenant: for none\)/,
      ),
      expect.stringMatching(/entry 3 .*"bad-id" is not an Airflow connection id/),
      expect.stringMatching(/entry 5 .*"acme" is listed twice/),
      expect.stringMatching(/MCP_OAUTH_DEFAULT_TENANT "team_a" is not allowed/),
    ]);
  });

  it('collects secrets to mask and refuses test fixtures in production', () => {
    const config = loadConfig(
      { AIRFLOW_USERNAME: 'svc', AIRFLOW_PASSWORD: 'pw-123456', GEMINI_API_KEY: 'gk-abcdef' },
      '/srv',
    );
    expect(config.secrets).toEqual(expect.arrayContaining(['pw-123456', 'gk-abcdef']));
    expect(problemsOf({ MCP_TEST_FIXTURES: 'true', NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/MCP_TEST_FIXTURES/),
    ]);
  });
});
