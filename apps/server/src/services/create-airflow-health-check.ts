import type { ReadinessCheck } from '../routes/health.js';

export interface AirflowHealthCheckOptions {
  url: string;
  fetch?: typeof fetch;
  /**
   * An authenticated call with the service's Airflow login (e.g. list one DAG): a rejected login makes Airflow
   * "down" for readiness, since nothing the service does works without it. Its error names the user, never the
   * password.
   */
  login?: () => Promise<unknown>;
}

/**
 * Airflow answers, its scheduler and DAG processor report healthy (GET /api/v2/monitor/health, no auth), and it
 * accepts the service's login. Airflow 2 answers that path 404: then GET /api/v1/health, where the DAG processor
 * counts only when Airflow 2 reports one (it runs inside the scheduler unless run standalone).
 */
export function createAirflowHealthCheck(options: AirflowHealthCheckOptions): ReadinessCheck {
  const doFetch = options.fetch ?? fetch;
  return {
    name: 'airflow',
    required: true,
    async check(signal) {
      let target = `${options.url}/api/v2/monitor/health`;
      let response: Response;
      try {
        response = await doFetch(target, { signal });
        if (response.status === 404) {
          target = `${options.url}/api/v1/health`;
          response = await doFetch(target, { signal });
        }
      } catch (error) {
        throw new Error(
          `Airflow at AIRFLOW_URL=${options.url} is unreachable (${error instanceof Error ? error.message : String(error)})`,
          {
            cause: error,
          },
        );
      }
      if (!response.ok) throw new Error(`GET ${target} answered ${response.status}`);
      const body = (await response.json()) as Record<string, { status?: string | null } | undefined>;
      const v1 = target.endsWith('/api/v1/health');
      const unhealthy = ['metadatabase', 'scheduler', 'dag_processor'].filter(
        (k) => body[k]?.status !== 'healthy' && !(v1 && k === 'dag_processor' && !body[k]?.status),
      );
      if (unhealthy.length > 0) throw new Error(`Airflow reports unhealthy: ${unhealthy.join(', ')}`);
      if (options.login) await checkLogin(options.login);
      return { url: options.url, ...(options.login ? { login: 'accepted' } : {}) };
    },
  };
}

/** Runs the authenticated call; a failure becomes "Airflow rejected the login: <the client's sentence>". */
export async function checkLogin(login: () => Promise<unknown>): Promise<void> {
  try {
    await login();
  } catch (error) {
    throw new Error(`Airflow rejected the login: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
