// `npm test` with no arguments runs the suites in two lanes at once, because most of the long integration suites
// wait on Airflow's scheduler rather than use the CPU (about half of the 2 cores sit idle during them):
//   - lane "integration": the suites that share the tests' Airflow, PostgreSQL and MariaDB, one file at a time, as
//     before (their output is shown live);
//   - lane "unit + own-airflow": the unit tests, then the suites that start an Airflow of their own (CeleryExecutor,
//     git delivery, Airflow 2), one file at a time, against a PostgreSQL of their own (another port and folder), so
//     that a suite stopping the shared PostgreSQL (test/faults/database-down) never pulls it from under them.
//     Its output goes to a log file and is printed when both lanes are done.
// Either lane failing fails the run. With arguments, `npm test -- <vitest args>` runs one vitest as given.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {{ root: string, node: string, vitest: string }} options
 * @returns {Promise<number>} the exit status: 0 when both lanes passed
 */
export async function runTestLanes({ root, node, vitest }) {
  const started = Date.now();
  const sharedPgPort = Number(process.env.AIRFLOW_MCP_TEST_PG_PORT ?? '25432');
  const logDir = join(root, '.data');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'test-lane-own-airflow.log');
  const children = new Set();
  const stopAll = (signal) => {
    for (const child of children) child.kill(signal);
  };
  process.once('SIGINT', () => stopAll('SIGINT'));
  process.once('SIGTERM', () => stopAll('SIGTERM'));

  const lane = (name, args, env, output) =>
    new Promise((resolve) => {
      const child = spawn(node, [vitest, 'run', ...args], {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      });
      children.add(child);
      if (output) {
        child.stdout.pipe(output, { end: false });
        child.stderr.pipe(output, { end: false });
      }
      child.on('error', (error) => {
        children.delete(child);
        resolve({ name, status: 1, seconds: 0, error });
      });
      child.on('exit', (code, signal) => {
        children.delete(child);
        resolve({ name, status: code ?? (signal ? 1 : 0), seconds: Math.round((Date.now() - started) / 1000) });
      });
    });

  const log = createWriteStream(logFile);
  process.stdout.write(`[test] two lanes; the unit + own-airflow lane's output is in ${logFile} and printed last\n`);
  const results = await Promise.all([
    lane('integration (shared Airflow, PostgreSQL, MariaDB)', ['--project', 'integration'], {}),
    lane(
      'unit + own-airflow (Celery, git delivery, Airflow 2)',
      ['--project', 'unit', '--project', 'own-airflow'],
      {
        AIRFLOW_MCP_TEST_DATA_DIR:
          process.env.AIRFLOW_MCP_TEST_OWN_AIRFLOW_DATA_DIR ?? join(root, '.data/test-own-airflow'),
        AIRFLOW_MCP_TEST_PG_PORT: process.env.AIRFLOW_MCP_TEST_OWN_AIRFLOW_PG_PORT ?? String(sharedPgPort + 2),
      },
      log,
    ),
  ]);
  await new Promise((resolve) => log.end(resolve));

  process.stdout.write(`\n===== lane: unit + own-airflow (${logFile}) =====\n`);
  process.stdout.write(readFileSync(logFile, 'utf8'));
  process.stdout.write('\n');
  for (const result of results) {
    const verdict = result.status === 0 ? 'passed' : `FAILED (exit ${result.status})`;
    process.stdout.write(`[test] ${result.name}: ${verdict}, done after ${result.seconds} s\n`);
    if (result.error) process.stdout.write(`[test]   ${result.error.message}\n`);
  }
  return results.every((result) => result.status === 0) ? 0 : 1;
}
