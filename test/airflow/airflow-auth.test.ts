import { describe, expect, inject, it } from 'vitest';
import { createAirflowClient } from '@airflow-mcp/airflow';

/** The test Airflow issues 20-second JWTs (AIRFLOW_JWT_EXPIRATION_S in the global setup). */
describe('JWT lifetime', () => {
  const airflow = inject('airflow');

  it('logs in again transparently when Airflow answers 401 for an expired token', async () => {
    let logins = 0;
    const counting: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/auth/token')) logins++;
      return fetch(input, init);
    };
    // renewBeforeMs 0: keep using the token until Airflow itself refuses it.
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
      renewBeforeMs: 0,
      fetch: counting,
    });
    await client.listDags({ limit: 1 });
    expect(logins).toBe(1);
    await new Promise((r) => setTimeout(r, 22_000));
    const after = await client.listDags({ limit: 1 });
    expect(after.total_entries).toBeGreaterThanOrEqual(0);
    expect(logins).toBe(2);
  });

  it('renews ahead of expiry by default, without a refused call', async () => {
    const statuses: number[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      statuses.push(response.status);
      return response;
    };
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
      fetch: recording,
    });
    await client.listDags({ limit: 1 });
    await new Promise((r) => setTimeout(r, 16_000));
    await client.listDags({ limit: 1 });
    expect(statuses.filter((s) => s === 401 || s === 403)).toEqual([]);
  });
});
