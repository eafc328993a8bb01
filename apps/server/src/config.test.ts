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
