import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { isTenantName, type TenantConnections } from '@airflow-mcp/agent';
import { ALL_TENANTS, DEFAULT_TENANT } from '@airflow-mcp/core';

/**
 * The only reader of process.env. Every variable is validated at start; every problem is listed at once.
 * Names follow shared/notes/interfaces.md.
 */
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(fallback ? 'true' : 'false')
    .transform((v) => (v === '' ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const url = (fallback?: string) =>
  (fallback === undefined ? z.string() : z.string().default(fallback)).refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL, for example http://localhost:8080');

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(3000, 0, 65535),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    'must be a postgres:// or postgresql:// URL',
  ),
  ALLOWED_DATA_DIRS: list,
  DAGS_DIR: optionalString,
  DAGS_DELIVERY: z.enum(['folder', 'git']).default('folder'),
  DAGS_GIT_REPOSITORY: optionalString,
  DAGS_GIT_BRANCH: z.string().min(1).default('main'),
  AIRFLOW_URL: url('http://localhost:8080'),
  AIRFLOW_USERNAME: optionalString,
  AIRFLOW_PASSWORD: optionalString,
  AIRFLOW_TIMEOUT_MS: int(15000, 100, 600000),
  AIRFLOW_MAX_CONCURRENT_REQUESTS: int(8, 0, 1000),
  AIRFLOW_PYTHON: optionalString,
  KNOWLEDGE_DIR: optionalString,
  GEMINI_API_KEY: optionalString,
  GEMINI_BASE_URL: optionalString,
  GEMINI_MODEL: z.string().min(1).default('gemini-2.5-flash'),
  GEMINI_EMBEDDING_MODEL: z.string().min(1).default('gemini-embedding-001'),
  OPENAI_BASE_URL: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_MODEL: optionalString,
  OPENAI_EMBEDDING_MODEL: optionalString,
  EMBEDDER: z.enum(['auto', 'gemini', 'local', 'minilm', 'openai']).default('auto'),
  PLANNER: z.enum(['auto', 'gemini', 'sampling', 'rules', 'openai']).default('auto'),
  MCP_API_KEYS: list,
  MCP_ALLOWED_ORIGINS: list,
  MCP_ALLOWED_HOSTS: list,
  MCP_STATELESS: bool(false),
  MCP_SESSION_TTL_S: int(1800, 5, 7 * 24 * 3600),
  MCP_BODY_LIMIT_BYTES: int(1024 * 1024, 1024, 64 * 1024 * 1024),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000, 100, 600_000),
  MCP_RATE_LIMIT_PER_MIN: int(300, 0, 1_000_000),
  MCP_MAX_CONCURRENT_WRITES: int(4, 0, 1000),
  MCP_WAIT_BOUND_S: int(60, 5, 600),
  MCP_TASK_TTL_S: int(7200, 60, 7 * 24 * 3600),
  MCP_MAX_TASKS_PER_KEY: int(32, 1, 10_000),
  MCP_HIDE_WRITE_TOOLS: bool(false),
  MCP_OAUTH_ISSUER: optionalString,
  MCP_OAUTH_AUDIENCE: optionalString,
  MCP_OAUTH_JWKS_URL: optionalString,
  MCP_OAUTH_TENANT_CLAIM: z.string().min(1).default('tenant'),
  MCP_OAUTH_DEFAULT_TENANT: optionalString,
  MCP_OAUTH_SCOPE_PREFIX: optionalString.refine(
    (v) => v === undefined || /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/.test(v),
    'letters, digits, ".", "_", "/" or "-" (up to 64): tokens then grant <prefix>:read, <prefix>:write, <prefix>:admin',
  ),
  MCP_TENANT_CONNECTIONS: list,
  MCP_MAX_SESSIONS_PER_KEY: int(32, 0, 100_000),
  METRICS_TOKEN: optionalString.refine(
    (v) => v === undefined || v.length >= 16,
    'must be at least 16 characters (scrapers send it as "Authorization: Bearer <token>")',
  ),
  METRICS_DAG_LABELS: bool(false),
  MCP_PUBLIC_URL: optionalString,
  MCP_TEST_FIXTURES: bool(false),
  ALLOW_UNAUTHENTICATED: bool(false),
  READ_ONLY: bool(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: int(10000, 0, 600000),
  NODE_ENV: z.string().default('development'),
});

export type Scope = 'read' | 'write' | 'admin';
export const ALL_SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

export interface ApiKeyConfig {
  /** sha256 of the key, hex; the key itself is never kept. */
  sha256: string;
  scopes: readonly Scope[];
  tenant: string;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  allowedDataDirs: readonly string[];
  dagsDir: string;
  /** DAGS_DELIVERY=git: each deployed version is a commit to this repository, which Airflow reads as a git DAG bundle. */
  dagsGit: { repository: string; branch: string; workDir: string } | undefined;
  /** The bundled corpus ingested at start; "none" turns it off. */
  knowledgeDir: string | undefined;
  airflow: {
    url: string;
    username: string | undefined;
    password: string | undefined;
    timeoutMs: number;
    /** Requests in flight to Airflow at once; more wait in the service (0 = no bound). */
    maxConcurrentRequests: number;
    /** A Python with the pinned Airflow, for the compile/AST/import checks; unset = the local standalone's venv. */
    python: string | undefined;
    /** python3 on PATH: compile and AST checks still run when no Airflow virtualenv is known. */
    systemPython: string | undefined;
  };
  gemini: { apiKey: string | undefined; baseUrl: string | undefined; model: string; embeddingModel: string };
  openai: {
    baseUrl: string | undefined;
    apiKey: string | undefined;
    model: string | undefined;
    embeddingModel: string | undefined;
  };
  embedder: 'auto' | 'gemini' | 'local' | 'minilm' | 'openai';
  planner: 'auto' | 'gemini' | 'sampling' | 'rules' | 'openai';
  mcp: {
    apiKeys: readonly ApiKeyConfig[];
    allowedOrigins: readonly string[];
    allowedHosts: readonly string[];
    stateless: boolean;
    sessionTtlMs: number;
    bodyLimitBytes: number;
    /**
     * Time for a client to send a whole request (headers and body), in ms; slower clients get 408 and are
     * disconnected. Responses are not bounded by it: a tool call may stream progress for as long as it runs.
     */
    requestTimeoutMs: number;
    /** Requests a minute per API key (per client address when unauthenticated); 0 turns it off. */
    rateLimitPerMin: number;
    /** State-changing tool calls at once (create, run, update, ...); 0 = no bound. */
    maxConcurrentWrites: number;
    /**
     * The longest create_dag/run_dag wait for a run (seconds; a caller's timeout_s is capped by it): a run still
     * going then is answered with links to follow it, not held open.
     */
    waitBoundS: number;
    /**
     * 2026-07-28 Tasks extension: how long a task is kept from its creation (seconds; a run inside a task may be
     * followed for half of it, at most an hour), and how many tasks one key may hold.
     */
    taskTtlS: number;
    maxTasksPerKey: number;
    /** With READ_ONLY, leave write tools out of tools/list. */
    hideWriteTools: boolean;
    /**
     * OAuth 2.1 resource-server mode: JWT access tokens from this issuer, for this audience. A token without a valid
     * tenant claim is refused unless `defaultTenant` is set; scopes are `read`/`write`/`admin`, or
     * `<scopePrefix>:read|write|admin` when a prefix is configured, matched exactly.
     */
    oauth:
      | {
          issuer: string;
          audience: string;
          jwksUrl: string;
          tenantClaim: string;
          defaultTenant: string | undefined;
          scopePrefix: string | undefined;
        }
      | undefined;
    /** Open Streamable HTTP sessions per key (per client address without keys); 0 = no bound. */
    maxSessionsPerKey: number;
    /** How clients reach this service (for the protected-resource metadata). */
    publicUrl: string;
    testFixtures: boolean;
  };
  /** Airflow connection ids each tenant may use; without an entry: all for the default tenant, none for others. */
  tenantConnections: TenantConnections;
  /**
   * The named tenants this configuration knows (API keys, MCP_TENANT_CONNECTIONS, MCP_OAUTH_DEFAULT_TENANT): the
   * default tenant may not use files in their folders `<allowed dir>/<tenant>/`.
   */
  tenants: readonly string[];
  metrics: {
    /** Bearer token /metrics asks for; without it /metrics is open only when the service has no authentication. */
    token: string | undefined;
    /** Label run and row metrics with DAG ids (which name tenants); off by default. */
    dagLabels: boolean;
  };
  allowUnauthenticated: boolean;
  readOnly: boolean;
  logLevel: string;
  shutdownTimeoutMs: number;
  /** Values that must never be printed: masked in logs and tool output. */
  secrets: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'ConfigError';
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export const isLoopbackHost = (host: string): boolean => LOOPBACK_HOSTS.has(host) || host.startsWith('127.');

const TENANT_RULE =
  'tenant names are a lowercase letter then up to 30 lowercase letters or digits, with no "-" or "_" (so no tenant\'s DAG-id prefix can be another\'s)';

/**
 * `MCP_API_KEYS` entries: `KEY`, `KEY:scope+scope`, or `KEY:scope+scope:tenant`. A bare key has every scope
 * and the tenant `default` (only the default tenant's DAGs); the tenant `*` is the cross-tenant administrator
 * (every tenant's DAGs and audit entries), given explicitly. Keys must be at least 16 characters.
 */
function parseApiKey(entry: string, index: number, problems: string[]): ApiKeyConfig | undefined {
  const [key = '', scopeText, tenant = DEFAULT_TENANT] = entry.split(':');
  if (key.length < 16) {
    problems.push(`MCP_API_KEYS entry ${index + 1}: keys must be at least 16 characters long`);
    return undefined;
  }
  const scopes = scopeText === undefined || scopeText === '' ? [...ALL_SCOPES] : scopeText.split('+');
  const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    problems.push(
      `MCP_API_KEYS entry ${index + 1}: unknown scope "${unknown.join('", "')}" (use read, write, admin joined by +)`,
    );
    return undefined;
  }
  if (tenant !== ALL_TENANTS && !isTenantName(tenant)) {
    problems.push(
      `MCP_API_KEYS entry ${index + 1}: tenant "${tenant}" is not allowed: ${TENANT_RULE}; use "*" for a cross-tenant administrator`,
    );
    return undefined;
  }
  return { sha256: sha256Hex(key), scopes: scopes as Scope[], tenant };
}

/**
 * `MCP_TENANT_CONNECTIONS` entries: `tenant:conn1+conn2`, `tenant:*` for every connection id, or `tenant:` for none
 * (which still names the tenant, so the default tenant stays out of its folders).
 */
function parseTenantConnections(entries: readonly string[], problems: string[]): TenantConnections {
  const out: Record<string, readonly string[] | 'all'> = {};
  for (const [i, entry] of entries.entries()) {
    const [tenant = '', ids = '', ...rest] = entry.split(':');
    const where = `MCP_TENANT_CONNECTIONS entry ${i + 1} ("${entry}")`;
    if (rest.length > 0 || !entry.includes(':'))
      problems.push(`${where}: write it as tenant:conn_id+conn_id (or tenant:* for all, tenant: for none)`);
    else if (!isTenantName(tenant)) problems.push(`${where}: ${TENANT_RULE}`);
    else if (tenant in out) problems.push(`${where}: tenant "${tenant}" is listed twice`);
    else if (ids === '*') out[tenant] = 'all';
    else if (ids === '') out[tenant] = [];
    else {
      const list = ids.split('+');
      const bad = list.filter((id) => !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(id));
      if (bad.length > 0) problems.push(`${where}: "${bad.join('", "')}" is not an Airflow connection id`);
      else out[tenant] = list;
    }
  }
  return out;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = abs(e.DATA_DIR);
  const apiKeys = e.MCP_API_KEYS.map((entry, i) => parseApiKey(entry, i, problems)).filter(
    (k): k is ApiKeyConfig => k !== undefined,
  );
  if (e.MCP_OAUTH_ISSUER !== undefined && e.MCP_OAUTH_AUDIENCE === undefined) {
    problems.push(
      'MCP_OAUTH_ISSUER needs MCP_OAUTH_AUDIENCE (the identifier tokens for this server carry, e.g. its URL)',
    );
  }
  const tenantConnections = parseTenantConnections(e.MCP_TENANT_CONNECTIONS, problems);
  if (e.MCP_OAUTH_DEFAULT_TENANT !== undefined && !isTenantName(e.MCP_OAUTH_DEFAULT_TENANT)) {
    problems.push(`MCP_OAUTH_DEFAULT_TENANT "${e.MCP_OAUTH_DEFAULT_TENANT}" is not allowed: ${TENANT_RULE}`);
  }
  if (!isLoopbackHost(e.HOST) && apiKeys.length === 0 && e.MCP_OAUTH_ISSUER === undefined && !e.ALLOW_UNAUTHENTICATED) {
    problems.push(
      `HOST=${e.HOST} is not a loopback address and MCP_API_KEYS is empty: set MCP_API_KEYS, bind to 127.0.0.1, or set ALLOW_UNAUTHENTICATED=true to accept the risk`,
    );
  }
  if (e.MCP_TEST_FIXTURES && e.NODE_ENV === 'production') {
    problems.push('MCP_TEST_FIXTURES registers conformance fixtures and is refused when NODE_ENV=production');
  }
  if (e.DAGS_DELIVERY === 'git' && e.DAGS_GIT_REPOSITORY === undefined) {
    problems.push("DAGS_DELIVERY=git needs DAGS_GIT_REPOSITORY (the repository Airflow's git DAG bundle tracks)");
  }
  if ((e.AIRFLOW_USERNAME === undefined) !== (e.AIRFLOW_PASSWORD === undefined)) {
    problems.push('AIRFLOW_USERNAME and AIRFLOW_PASSWORD must be set together');
  }
  if (e.EMBEDDER === 'gemini' && e.GEMINI_API_KEY === undefined) {
    problems.push('EMBEDDER=gemini needs GEMINI_API_KEY');
  }
  if (e.PLANNER === 'gemini' && e.GEMINI_API_KEY === undefined) {
    problems.push('PLANNER=gemini needs GEMINI_API_KEY');
  }
  if ((e.EMBEDDER === 'openai' || e.PLANNER === 'openai') && e.OPENAI_BASE_URL === undefined) {
    problems.push('EMBEDDER=openai or PLANNER=openai needs OPENAI_BASE_URL (for example http://localhost:11434/v1)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const defaultOrigins = ['http://localhost', 'http://127.0.0.1', 'http://[::1]', 'https://localhost'];
  const config: Config = {
    host: e.HOST,
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    allowedDataDirs: (e.ALLOWED_DATA_DIRS.length > 0 ? e.ALLOWED_DATA_DIRS : [resolve(dataDir, 'warehouse')]).map(abs),
    dagsDir: abs(e.DAGS_DIR ?? resolve(dataDir, 'airflow', 'dags')),
    dagsGit:
      e.DAGS_DELIVERY === 'git' && e.DAGS_GIT_REPOSITORY !== undefined
        ? { repository: e.DAGS_GIT_REPOSITORY, branch: e.DAGS_GIT_BRANCH, workDir: resolve(dataDir, 'dags-git') }
        : undefined,
    knowledgeDir:
      e.KNOWLEDGE_DIR === 'none'
        ? undefined
        : e.KNOWLEDGE_DIR !== undefined
          ? abs(e.KNOWLEDGE_DIR)
          : fileURLToPath(new URL('../../../knowledge', import.meta.url)),
    airflow: {
      url: e.AIRFLOW_URL.replace(/\/+$/, ''),
      username: e.AIRFLOW_USERNAME,
      password: e.AIRFLOW_PASSWORD,
      timeoutMs: e.AIRFLOW_TIMEOUT_MS,
      maxConcurrentRequests: e.AIRFLOW_MAX_CONCURRENT_REQUESTS,
      python: e.AIRFLOW_PYTHON === undefined ? undefined : abs(e.AIRFLOW_PYTHON),
      systemPython: findOnPath('python3', env.PATH),
    },
    gemini: {
      apiKey: e.GEMINI_API_KEY,
      baseUrl: e.GEMINI_BASE_URL,
      model: e.GEMINI_MODEL,
      embeddingModel: e.GEMINI_EMBEDDING_MODEL,
    },
    openai: {
      baseUrl: e.OPENAI_BASE_URL,
      apiKey: e.OPENAI_API_KEY,
      model: e.OPENAI_MODEL,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
    },
    embedder: e.EMBEDDER,
    planner: e.PLANNER,
    mcp: {
      apiKeys,
      allowedOrigins: e.MCP_ALLOWED_ORIGINS.length > 0 ? e.MCP_ALLOWED_ORIGINS : defaultOrigins,
      allowedHosts: e.MCP_ALLOWED_HOSTS,
      stateless: e.MCP_STATELESS,
      sessionTtlMs: e.MCP_SESSION_TTL_S * 1000,
      bodyLimitBytes: e.MCP_BODY_LIMIT_BYTES,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      rateLimitPerMin: e.MCP_RATE_LIMIT_PER_MIN,
      maxConcurrentWrites: e.MCP_MAX_CONCURRENT_WRITES,
      waitBoundS: e.MCP_WAIT_BOUND_S,
      taskTtlS: e.MCP_TASK_TTL_S,
      maxTasksPerKey: e.MCP_MAX_TASKS_PER_KEY,
      hideWriteTools: e.MCP_HIDE_WRITE_TOOLS,
      oauth:
        e.MCP_OAUTH_ISSUER && e.MCP_OAUTH_AUDIENCE
          ? {
              issuer: e.MCP_OAUTH_ISSUER,
              audience: e.MCP_OAUTH_AUDIENCE,
              jwksUrl: e.MCP_OAUTH_JWKS_URL ?? `${e.MCP_OAUTH_ISSUER.replace(/\/+$/, '')}/.well-known/jwks.json`,
              tenantClaim: e.MCP_OAUTH_TENANT_CLAIM,
              defaultTenant: e.MCP_OAUTH_DEFAULT_TENANT,
              scopePrefix: e.MCP_OAUTH_SCOPE_PREFIX,
            }
          : undefined,
      maxSessionsPerKey: e.MCP_MAX_SESSIONS_PER_KEY,
      publicUrl: (e.MCP_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
      testFixtures: e.MCP_TEST_FIXTURES,
    },
    tenantConnections,
    tenants: [
      ...new Set([
        ...apiKeys.map((k) => k.tenant),
        ...Object.keys(tenantConnections),
        ...(e.MCP_OAUTH_DEFAULT_TENANT === undefined ? [] : [e.MCP_OAUTH_DEFAULT_TENANT]),
      ]),
    ].filter((t) => t !== DEFAULT_TENANT && t !== ALL_TENANTS),
    metrics: { token: e.METRICS_TOKEN, dagLabels: e.METRICS_DAG_LABELS },
    allowUnauthenticated: e.ALLOW_UNAUTHENTICATED,
    readOnly: e.READ_ONLY,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    secrets: [
      e.AIRFLOW_PASSWORD,
      e.GEMINI_API_KEY,
      e.OPENAI_API_KEY,
      e.METRICS_TOKEN,
      ...e.MCP_API_KEYS.map((k) => k.split(':')[0]),
    ].filter((s): s is string => s !== undefined && s.length > 0),
  };
  return deepFreeze(config);
}

function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
