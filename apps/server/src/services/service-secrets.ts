import type { Config } from '../config.js';
import { resolveAirflowCredentials } from './resolve-airflow-credentials.js';

/** Every value the service holds that must never be printed: configured keys and passwords, and the Airflow login. */
export function serviceSecrets(config: Config): string[] {
  const { password } = resolveAirflowCredentials(config);
  return [...new Set([...config.secrets, ...(password ? [password] : [])])];
}
