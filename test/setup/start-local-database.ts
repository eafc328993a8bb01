import { spawnSync } from 'node:child_process';

/** A database server the integration suites run against, as its `up --json` reports it. */
export interface LocalDatabase {
  /** postgresql://… or mysql://… with the login user's password */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The environment the script runs with, for suites that stop and restart the server. */
  env: Record<string, string>;
}

/**
 * Runs `<script> up --json` (scripts/postgres-local.mjs, scripts/mariadb-local.mjs) with `env`, checks that the
 * login user could log in, and returns what the suites need plus a teardown that runs `<script> down` unless
 * AIRFLOW_MCP_KEEP_TEST_AIRFLOW=1.
 */
export function startLocalDatabase(options: {
  name: string;
  script: string;
  env: Record<string, string | undefined>;
}): { database: LocalDatabase; teardown: () => void } {
  const { name, script, env } = options;
  const up = spawnSync(process.execPath, [script, 'up', '--json'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (up.status !== 0) throw new Error(`${name} for the tests did not start (exit ${up.status})`);
  const info = JSON.parse(up.stdout.trim().split('\n').pop() ?? '{}') as LocalDatabase & {
    verified?: boolean;
    reason?: string;
  };
  if (!info.verified) {
    throw new Error(`${name} for the tests started but the login did not work: ${info.reason ?? 'unknown reason'}`);
  }
  return {
    database: {
      url: info.url,
      host: info.host,
      port: info.port,
      user: info.user,
      password: info.password,
      database: info.database,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    },
    teardown: () => {
      if (process.env.AIRFLOW_MCP_KEEP_TEST_AIRFLOW === '1') return;
      spawnSync(process.execPath, [script, 'down'], { env, stdio: 'inherit' });
    },
  };
}
