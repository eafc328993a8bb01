import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createAirflowClient, createDagDeployer, followRun, renderDagFileHeader } from '@airflow-mcp/airflow';
import { AppError } from '@airflow-mcp/core';

/** A port nobody listens on: Airflow is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('Airflow faults', () => {
  it('a deploy while Airflow is down fails with a retryable error and writes nothing', async () => {
    const port = await closedPort();
    const dagsDir = mkdtempSync(join(tmpdir(), 'dags-'));
    const client = createAirflowClient({
      baseUrl: `http://127.0.0.1:${port}`,
      username: 'u',
      password: 'p',
      attempts: 2,
      backoffMs: 50,
    });
    const deployer = createDagDeployer({ client, dagsDir });
    const error = await deployer
      .deploy({
        dagId: 'down_dag',
        source: renderDagFileHeader({ dagId: 'down_dag', specHash: 'x', version: 1, generator: 't' }),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNAVAILABLE');
    expect((error as AppError).retryable).toBe(true);
    expect((error as AppError).message).toMatch(/unreachable.*npm run airflow:up/);
    expect(existsSync(join(dagsDir, 'down_dag.py'))).toBe(false);
  });

  it('following a run through an outage gives a clear retryable error at the deadline', async () => {
    const port = await closedPort();
    const client = createAirflowClient({
      baseUrl: `http://127.0.0.1:${port}`,
      username: 'u',
      password: 'p',
      attempts: 1,
    });
    const error = await followRun({ client, dagId: 'x', runId: 'r', timeoutMs: 1500, pollMs: 200 }).catch(
      (e: unknown) => e,
    );
    expect((error as AppError).code).toBe('UNAVAILABLE');
    expect((error as AppError).retryable).toBe(true);
    expect((error as AppError).message).toContain('check_dag_status');
  });

  it('a wrong password is refused with an actionable message and never echoed', async () => {
    const airflow = inject('airflow');
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: 'wrong-Pw-123',
      attempts: 1,
    });
    const error = (await client.listDags().catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('AIRFLOW_USERNAME');
    expect(error.message).not.toContain('wrong-Pw-123');
  });

  it('a dags folder that cannot be written gives a clear retryable error and touches nothing', async () => {
    const airflow = inject('airflow');
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
    });
    const dagsDir = mkdtempSync(join(tmpdir(), 'dags-ro-'));
    const deployer = createDagDeployer({ client, dagsDir: join(dagsDir, 'file-not-folder.txt', 'dags') });
    await import('node:fs').then((fs) => fs.writeFileSync(join(dagsDir, 'file-not-folder.txt'), 'x'));
    const error = (await deployer
      .deploy({
        dagId: 'rofs_dag',
        source: renderDagFileHeader({ dagId: 'rofs_dag', specHash: 'x', version: 1, generator: 't' }),
      })
      .catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/Could not write rofs_dag.py into DAGS_DIR .*ENOTDIR/);
    expect(readFileSync(join(dagsDir, 'file-not-folder.txt'), 'utf8')).toBe('x');
  });
});
