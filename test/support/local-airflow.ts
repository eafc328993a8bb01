import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AirflowClient } from '@airflow-mcp/airflow';
import type { TestAirflow } from '../setup/airflow.global.js';

const script = fileURLToPath(new URL('../../airflow/scripts/airflow-local.mjs', import.meta.url));

/** Stops or starts the tests' Airflow standalone (`up` returns once scheduler and dag-processor report healthy). */
export function airflowLocal(airflow: TestAirflow, command: 'up' | 'down'): void {
  const result = spawnSync(process.execPath, [script, command, '--json'], { env: airflow.env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`airflow-local.mjs ${command} exited ${result.status}:\n${result.stderr}`);
}

/**
 * The pid of one component (`airflow scheduler`, `airflow dag-processor`, ...) under the tests' standalone, for
 * suites that stop it: `airflow standalone` does not restart a component that dies.
 */
function standaloneComponentPid(airflow: TestAirflow, component: 'scheduler' | 'dag-processor'): number {
  const pidFile = join(airflow.dataDir, 'airflow', 'standalone.pid');
  const standalone = (JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number }).pid;
  const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(standalone)], { encoding: 'utf8' });
  const line = ps.stdout.split('\n').find((l) => l.includes(`airflow ${component}`));
  if (!line) throw new Error(`no ${component} under the standalone (pid ${standalone}):\n${ps.stdout}`);
  return Number(line.trim().split(/\s+/)[0]);
}

/**
 * Waits until Airflow's health reports a component it no longer hears from as unhealthy. That takes its last
 * heartbeat growing older than the health threshold (`[dag_processor] health_check_threshold`,
 * `[scheduler] scheduler_health_check_threshold`: 30 s), after the component has finished stopping: on a loaded
 * machine, more than the 30 s a fixed count of polls gave (CI saw that fail). The error names the last answer.
 */
export async function waitUntilReportedUnhealthy(
  client: Pick<AirflowClient, 'health'>,
  component: 'scheduler' | 'dag_processor',
  timeoutMs = 150_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = (await client.health())[component];
    if (answer?.status === 'unhealthy') return;
    if (Date.now() > deadline)
      throw new Error(
        `Airflow did not report its ${component} unhealthy within ${timeoutMs / 1000} s: ${JSON.stringify(answer)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Stops one component of the tests' standalone as a crash would: SIGTERM, then SIGKILL when it is still running 10 s
 * later, and returns once it is gone. Airflow's dag-processor can survive SIGTERM: when the signal lands while it
 * releases a logging lock, the SystemExit its handler raises is swallowed and it goes on parsing and heartbeating
 * (seen in CI: "Traceback ... _releaseLock ... SystemExit: 0", then parsing as before).
 */
export async function stopComponent(airflow: TestAirflow, component: 'scheduler' | 'dag-processor'): Promise<void> {
  const pid = standaloneComponentPid(airflow, component);
  process.kill(pid, 'SIGTERM');
  if (await goneWithin(pid, 10_000)) return;
  process.kill(pid, 'SIGKILL');
  if (!(await goneWithin(pid, 10_000))) throw new Error(`the ${component} (pid ${pid}) survived SIGKILL`);
}

/** Whether the process has exited (or is a zombie its parent has not reaped yet) within `ms`. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const running = () => {
    try {
      return existsSync(`/proc/${pid}`) && !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (!running()) return true;
  }
  return !running();
}
