import type { ReadinessCheck } from '../routes/health.js';

/** Airflow answers and its scheduler and DAG processor report healthy (GET /api/v2/monitor/health, no auth). */
export function createAirflowHealthCheck(options: { url: string; fetch?: typeof fetch }): ReadinessCheck {
  const doFetch = options.fetch ?? fetch;
  return {
    name: 'airflow',
    required: true,
    async check(signal) {
      const target = `${options.url}/api/v2/monitor/health`;
      let response: Response;
      try {
        response = await doFetch(target, { signal });
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
      const unhealthy = ['metadatabase', 'scheduler', 'dag_processor'].filter((k) => body[k]?.status !== 'healthy');
      if (unhealthy.length > 0) throw new Error(`Airflow reports unhealthy: ${unhealthy.join(', ')}`);
      return { url: options.url };
    },
  };
}
