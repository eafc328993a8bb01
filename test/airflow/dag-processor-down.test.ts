import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { createAirflowClient, createDagDeployer } from '@airflow-mcp/airflow';
import { oneTaskDag } from '../support/one-task-dag.js';

const script = fileURLToPath(new URL('../../airflow/scripts/airflow-local.mjs', import.meta.url));

/** The pid of `airflow dag-processor` under the test standalone. */
function dagProcessorPid(dataDir: string): number {
  const standalone = (JSON.parse(readFileSync(join(dataDir, 'airflow', 'standalone.pid'), 'utf8')) as { pid: number })
    .pid;
  const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(standalone)], { encoding: 'utf8' });
  const line = ps.stdout.split('\n').find((l) => l.includes('airflow dag-processor'));
  if (!line) throw new Error(`no dag-processor under the standalone (pid ${standalone}):\n${ps.stdout}`);
  return Number(line.trim().split(/\s+/)[0]);
}

/**
 * Airflow's dag-processor can die while the rest of Airflow answers (`airflow standalone` does not restart it). A
 * deploy must then say so at once, with nothing written, instead of waiting out the parse timeout; a delete needs
 * no wait either. After Airflow is restarted, deploying works again.
 */
describe('Airflow without its dag-processor', () => {
  const airflow = inject('airflow');
  const local = (command: 'up' | 'down') => {
    const result = spawnSync(process.execPath, [script, command, '--json'], { env: airflow.env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  };

  it('refuses a deploy at once with nothing written, deletes without waiting, and deploys again after a restart', async () => {
    const client = createAirflowClient({
      baseUrl: airflow.url,
      username: airflow.username,
      password: airflow.password,
    });
    const deployer = createDagDeployer({ client, dagsDir: airflow.dagsDir, pollMs: 250, parseTimeoutMs: 60_000 });
    const suffix = Date.now().toString(36);
    const existing = `t_noproc_old_${suffix}`;
    const fresh = `t_noproc_new_${suffix}`;
    await deployer.deploy({ dagId: existing, source: oneTaskDag(existing, 'dp-1') });

    process.kill(dagProcessorPid(airflow.env.DATA_DIR!), 'SIGTERM');
    try {
      for (let i = 0; (await client.health()).dag_processor?.status !== 'unhealthy'; i++) {
        if (i > 120) throw new Error('Airflow never reported its dag-processor unhealthy');
        await new Promise((r) => setTimeout(r, 250));
      }
      const started = Date.now();
      const error = await deployer.deploy({ dagId: fresh, source: oneTaskDag(fresh, 'dp-1') }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      expect((error as Error).message).toMatch(/dag-processor unhealthy.*nothing was written.*deploy again/s);
      expect(existsSync(join(airflow.dagsDir, `${fresh}.py`))).toBe(false);

      const removing = Date.now();
      expect(await deployer.remove(existing)).toEqual({ fileRemoved: true });
      expect(Date.now() - removing).toBeLessThan(10_000);
      expect(await client.getDag(existing)).toBeUndefined();
    } finally {
      local('down');
      local('up');
    }
    const deployed = await deployer.deploy({ dagId: fresh, source: oneTaskDag(fresh, 'dp-1') });
    expect(deployed.dag.dag_id).toBe(fresh);
    await deployer.remove(fresh);
  });
});
