import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter, TestRunEndReason } from 'vitest/node';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WORTH_SEEING =
  /\b(ERROR|CRITICAL|Traceback|unhealthy|database is locked|Killed|SIGKILL|exited with|OperationalError)\b/;
const MAX_LINES = 30;

/**
 * A failed run prints the tests' Airflow's own complaints last, where CI's output is read: a run that stalled because
 * the scheduler stopped heartbeating leaves its reason here, not in the test's assertion. At most 30 lines, each
 * clipped, with any password in a connection URL masked.
 */
export default class AirflowLogOnFailure implements Reporter {
  onTestRunEnd(_modules: unknown, _errors: unknown, reason: TestRunEndReason): void {
    if (reason !== 'failed') return;
    const dataDir = process.env.AIRFLOW_MCP_TEST_DATA_DIR ?? `${root}.data/test-airflow`;
    const file = join(dataDir, 'airflow', 'standalone.log');
    if (!existsSync(file)) return;
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => WORTH_SEEING.test(line))
      .slice(-MAX_LINES)
      .map((line) => line.replace(/(:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1***@').slice(0, 220));
    if (lines.length === 0) return;
    process.stdout.write(`\nThe tests' Airflow complained (last ${lines.length} such lines of ${file}):\n`);
    process.stdout.write(`${lines.map((line) => `  ${line}`).join('\n')}\n`);
  }
}
