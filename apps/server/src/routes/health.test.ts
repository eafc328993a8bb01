import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../app.js';
import { loadConfig } from '../config.js';
import type { ReadinessCheck } from './health.js';

let app: App | undefined;
afterEach(async () => app?.shutdown(0));

const build = async (readiness: ReadinessCheck[]) => {
  app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent' }, '/tmp'),
    catalog: { tools: [], resources: [] },
    readiness,
    logger: false,
  });
  return app.fastify;
};
const up = (name: string): ReadinessCheck => ({ name, required: true, check: async () => ({ version: '1' }) });
const down = (name: string, required = true): ReadinessCheck => ({
  name,
  required,
  check: async () => {
    throw new Error(`${name} refused the connection`);
  },
});

describe('health routes', () => {
  it('GET /healthz answers while the process lives', async () => {
    const res = await (await build([down('store')])).inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('GET /readyz is 200 when every required dependency answers', async () => {
    const res = await (await build([up('store'), up('airflow'), down('gemini', false)])).inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.store).toMatchObject({ status: 'up', required: true, version: '1' });
    expect(res.json().checks.gemini).toMatchObject({ status: 'down', required: false });
  });

  it('GET /readyz is 503 naming each failing dependency and why', async () => {
    const res = await (await build([up('store'), down('airflow')])).inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'not_ready',
      checks: { airflow: { status: 'down', error: 'airflow refused the connection' }, store: { status: 'up' } },
    });
  });

  it('GET /readyz times out a hanging check instead of hanging', async () => {
    const hang: ReadinessCheck = { name: 'slow', required: true, check: () => new Promise(() => {}) };
    const fastify = await build([hang]);
    const started = Date.now();
    const res = await fastify.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.slow.error).toMatch(/no answer within/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('GET /metrics serves Prometheus text with HTTP counts and process metrics', async () => {
    const fastify = await build([]);
    await fastify.inject('/healthz');
    const res = await fastify.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/airflow_mcp_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(res.body).toMatch(/airflow_mcp_process_resident_memory_bytes/);
  });
});
