import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAirflowService } from '@airflow-mcp/agent';
import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { airflowLocal, stopComponent, waitUntilReportedUnhealthy } from '../support/local-airflow.js';
import { oneTaskDag } from '../support/one-task-dag.js';
import { startServiceApp, type ServiceApp } from '../support/start-service-app.js';

type ToolResult = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { text?: string }[] };
interface RunOutput {
  run_id: string;
  state: string;
  timed_out?: boolean;
  stalled?: string;
}
interface CreateOutput {
  language: string;
  run?: { run_id: string; state: string; stalled?: string };
  understood_text: string;
  message: string;
}

/**
 * Airflow's scheduler can die while the rest of Airflow answers (`airflow standalone` does not restart it): a run
 * triggered then sits queued. Following it must stop soon, saying why (the last scheduler heartbeat) and what to do,
 * instead of waiting out its timeout; check_dag_status says so too. After Airflow is restarted the same run goes on.
 */
describe('Airflow without its scheduler', () => {
  const airflow = inject('airflow');
  const suffix = Date.now().toString(36);
  const dagId = `t_nosched_${suffix}`;
  const koDagId = `t_nosched_ko_${suffix}`;
  const warehouse = join(airflow.dataDir, `warehouse-nosched-${suffix}`);
  // The agent's Airflow service, as the tools use it: to deploy the DAG, follow the runs after the restart, clean up.
  const service = createAirflowService({
    url: airflow.url,
    username: airflow.username,
    password: airflow.password,
    dagsDir: airflow.dagsDir,
    timeoutMs: 15_000,
  });
  const { client } = service;
  let app: ServiceApp;
  let mcp: Client;
  const call = async (name: string, args: Record<string, unknown>) => {
    const started = Date.now();
    const result = (await mcp.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    return { result, took: Date.now() - started };
  };

  beforeAll(async () => {
    mkdirSync(warehouse, { recursive: true });
    createSampleDatabase(join(warehouse, 'sample.db'));
    app = await startServiceApp(airflow, { ALLOWED_DATA_DIRS: warehouse });
    await app.services.knowledge.corpusReady;
    mcp = await app.connect();
    await service.deployer.deploy({ dagId, source: oneTaskDag(dagId, 'nosched-1') });
  });
  afterAll(async () => {
    await app?.close();
    for (const id of [dagId, koDagId]) await service.deleteDag(id).catch(() => undefined);
  });

  it('stops waiting within seconds with the reason (English and Korean), and the run succeeds after a restart', async () => {
    await stopComponent(airflow, 'scheduler');
    let run: RunOutput | undefined;
    let created: CreateOutput | undefined;
    try {
      await waitUntilReportedUnhealthy(client, 'scheduler');
      const heartbeat = (await client.health()).scheduler?.latest_scheduler_heartbeat;
      expect(heartbeat).toMatch(/^\d{4}-\d\d-\d\dT/);

      const [ran, made] = await Promise.all([
        call('run_dag', { dag_id: dagId, wait: true, timeout_s: 900 }),
        call('create_dag', {
          task_description: `SQLite의 events 테이블에서 event_id, user_id 컬럼만 DuckDB의 nosched.duckdb 파일로 옮겨줘. 이름은 ${koDagId}`,
          source_db: join(warehouse, 'sample.db'),
          run: true,
          wait: true,
          timeout_s: 900,
        }),
      ]);
      // The default: 20 s without progress, then one health call; nowhere near the 900 s asked for.
      expect(ran.took).toBeLessThan(40_000);
      run = ran.result.structuredContent as unknown as RunOutput;
      expect(run).toMatchObject({ state: 'queued', timed_out: true });
      expect(run.stalled).toContain(`Airflow reports its scheduler unhealthy (last heartbeat ${heartbeat})`);
      expect(run.stalled).toMatch(
        /has not moved for \d+ s, so waiting stopped\. The run is kept and goes on once the scheduler is back: restart the scheduler .* check_dag_status\.$/,
      );
      expect(ran.result.content[0]?.text).toBe(`Run ${run.run_id} of ${dagId}: queued. ${run.stalled}`);

      created = made.result.structuredContent as unknown as CreateOutput;
      expect(created.language).toBe('ko');
      expect(created.run?.state).toBe('queued');
      expect(created.run?.stalled).toContain(
        `Airflow가 스케줄러를 비정상(unhealthy)으로 보고합니다(마지막 하트비트 ${heartbeat})`,
      );
      expect(created.run?.stalled).toContain('check_dag_status로 실행을 확인하세요.');
      expect(created.message).toContain(`실행 상태 queued: dag_id=${koDagId}, run_id=${created.run?.run_id}`);
      expect(created.message.endsWith(created.run?.stalled ?? '?')).toBe(true);
      // The text answer is what was understood, then the message.
      expect(made.result.content[0]?.text).toBe(`${created.understood_text}\n${created.message}`);

      const status = await call('check_dag_status', { dag_id: dagId, run_id: run.run_id });
      const seen = status.result.structuredContent as unknown as RunOutput;
      expect(seen.state).toBe('queued');
      expect(seen.stalled).toContain(
        `Airflow reports its scheduler unhealthy (last heartbeat ${heartbeat}): run ${run.run_id} (queued, 0/1 tasks done) cannot move until the scheduler is back.`,
      );
      expect(status.result.content[0]?.text).toContain(seen.stalled);
    } finally {
      airflowLocal(airflow, 'down');
      airflowLocal(airflow, 'up');
    }

    // Both runs were kept: after the restart they go on, and following them again ends without a stall.
    if (!run || !created?.run) throw new Error('no runs to follow');
    const [again, koAgain] = await Promise.all([
      service.follow(dagId, run.run_id, { timeoutMs: 240_000 }),
      service.follow(koDagId, created.run.run_id, { timeoutMs: 240_000, language: 'ko' }),
    ]);
    expect(again).toMatchObject({ run_id: run.run_id, state: 'success', timed_out: false });
    expect(again.stalled).toBeUndefined();
    expect(['success', 'failed']).toContain(koAgain.state);
    expect(koAgain.stalled).toBeUndefined();
    const after = await call('check_dag_status', { dag_id: dagId, run_id: run.run_id });
    expect(after.result.structuredContent).toMatchObject({ state: 'success' });
    expect(after.result.structuredContent?.stalled).toBeUndefined();
  }, 600_000);
});
