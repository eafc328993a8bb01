import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

/**
 * A wrong Airflow password against the real test Airflow: Airflow itself is healthy, but nothing the service does
 * works, so /readyz is not ready and airflow_mcp_airflow_up is 0, saying the login was rejected (never the password).
 * The same service with the right password is ready and up.
 */
describe('readiness reflects a rejected Airflow login', () => {
  const airflow = inject('airflow');
  const wrongPassword = `wrong-${Date.now().toString(36)}-password`;
  let wrong: ServiceApp;
  let right: ServiceApp;

  beforeAll(async () => {
    wrong = await startServiceApp(airflow, { AIRFLOW_PASSWORD: wrongPassword, KNOWLEDGE_DIR: 'none' });
    right = await startServiceApp(airflow, { KNOWLEDGE_DIR: 'none' });
  });
  afterAll(async () => {
    await wrong?.close();
    await right?.close();
  });

  const airflowUp = async (app: ServiceApp) =>
    (await app.metrics.registry.getSingleMetric('airflow_mcp_airflow_up')?.get())?.values[0]?.value;

  it('answers 503 with the rejected login named, and airflow_mcp_airflow_up 0', async () => {
    const response = await fetch(`${wrong.url}/readyz`);
    const text = await response.text();
    expect(response.status, text).toBe(503);
    const body = JSON.parse(text) as { status: string; checks: { airflow: { status: string; error: string } } };
    expect(body.status).toBe('not_ready');
    expect(body.checks.airflow.status).toBe('down');
    expect(body.checks.airflow.error).toMatch(
      new RegExp(`^Airflow rejected the login: .*AIRFLOW_USERNAME=${airflow.username}.*HTTP 401`),
    );
    expect(text).not.toContain(wrongPassword);
    expect(await airflowUp(wrong)).toBe(0);
  });

  it('is ready with airflow_mcp_airflow_up 1 when the login is accepted', async () => {
    const response = await fetch(`${right.url}/readyz`);
    const body = (await response.json()) as { checks: { airflow: Record<string, unknown> } };
    expect(body.checks.airflow).toMatchObject({ status: 'up', login: 'accepted' });
    expect(await airflowUp(right)).toBe(1);
  });
});
