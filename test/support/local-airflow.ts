import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
export function standaloneComponentPid(airflow: TestAirflow, component: 'scheduler' | 'dag-processor'): number {
  const pidFile = join(airflow.dataDir, 'airflow', 'standalone.pid');
  const standalone = (JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number }).pid;
  const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(standalone)], { encoding: 'utf8' });
  const line = ps.stdout.split('\n').find((l) => l.includes(`airflow ${component}`));
  if (!line) throw new Error(`no ${component} under the standalone (pid ${standalone}):\n${ps.stdout}`);
  return Number(line.trim().split(/\s+/)[0]);
}
