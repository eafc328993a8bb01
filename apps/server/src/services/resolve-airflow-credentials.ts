import { existsSync, readFileSync } from 'node:fs';
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
  python: string | undefined;
} {
  const local = readLocal(config);
  const python = config.airflow.python ?? local?.python ?? config.airflow.systemPython;
  if (config.airflow.username !== undefined && config.airflow.password !== undefined) {
    return { username: config.airflow.username, password: config.airflow.password, source: 'environment', python };
  }
  if (local?.username !== undefined && local.password !== undefined) {
    return { username: local.username, password: local.password, source: 'local-standalone', python };
  }
  return { username: undefined, password: undefined, source: 'none', python };
}

function readLocal(config: Config): { username?: string; password?: string; python?: string } | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(config.dataDir, 'airflow', 'local-credentials.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
    const out: { username?: string; password?: string; python?: string } = {};
    const username = text(raw.username);
    const password = text(raw.password);
    const python = text(raw.python);
    if (username) out.username = username;
    if (password) out.password = password;
    if (python && existsSync(python)) out.python = python;
    return out;
  } catch {
    return undefined;
  }
}
