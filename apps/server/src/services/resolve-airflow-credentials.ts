import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';

/**
 * AIRFLOW_USERNAME/AIRFLOW_PASSWORD when set; otherwise the login `npm run airflow:up` wrote for the local
 * standalone under DATA_DIR (so `npm start` next to it needs no settings); otherwise none.
 */
export function resolveAirflowCredentials(config: Config): {
  username: string | undefined;
  password: string | undefined;
  source: 'environment' | 'local-standalone' | 'none';
} {
  if (config.airflow.username !== undefined && config.airflow.password !== undefined) {
    return { username: config.airflow.username, password: config.airflow.password, source: 'environment' };
  }
  try {
    const local = JSON.parse(readFileSync(join(config.dataDir, 'airflow', 'local-credentials.json'), 'utf8')) as {
      username?: unknown;
      password?: unknown;
    };
    if (typeof local.username === 'string' && typeof local.password === 'string') {
      return { username: local.username, password: local.password, source: 'local-standalone' };
    }
  } catch {
    /* no local standalone */
  }
  return { username: undefined, password: undefined, source: 'none' };
}
