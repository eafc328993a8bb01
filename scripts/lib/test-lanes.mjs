// `npm test` with no arguments runs every suite in two lanes at once, because most of the long integration suites
// wait on Airflow's scheduler rather than use the CPU (about half of the 2 cores sit idle during them):
//   - lane "integration": the suites that share the tests' Airflow, PostgreSQL and MariaDB, one file at a time, as
//     before (their output is shown live);
//   - lane "unit + own-airflow": the unit tests, then the suites that start an Airflow of their own (CeleryExecutor,
//     git delivery, Airflow 2), one file at a time, against a PostgreSQL of their own (another port and folder), so
//     that a suite stopping the shared PostgreSQL (test/faults/database-down) never pulls it from under them; then
//     the unit tests again on the other supported Node (22), one worker, so they take the lane's slack and not the
//     integration lane's CPU. Its output goes to a log file and is printed when both lanes are done.
// Either lane failing fails the run (a lane stops at its first failing step). With arguments,
// `npm test -- <vitest args>` runs one vitest as given.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';

export const OTHER_NODE_MAJOR = '22';

/**
 * @param {{ root: string, node: string, vitest: string, runScript: string }} options
 * @returns {Promise<number>} the exit status: 0 when both lanes passed
 */
export async function runTestLanes({ root, node, vitest, runScript }) {
  const started = Date.now();
  const sharedPgPort = Number(process.env.AIRFLOW_MCP_TEST_PG_PORT ?? '25432');
  mkdirSync(join(root, '.data'), { recursive: true });
  const logFile = join(root, '.data', 'test-lane-own-airflow.log');
  const children = new Set();
  const stopAll = (signal) => {
    for (const child of children) child.kill(signal);
  };
  process.once('SIGINT', () => stopAll('SIGINT'));
  process.once('SIGTERM', () => stopAll('SIGTERM'));

  /** Runs one step of a lane; resolves with its exit status. */
  const step = (args, env, output) =>
    new Promise((resolve) => {
      const child = spawn(node, args, {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      });
      children.add(child);
      // The second lane yields the CPU to the first (its Airflows and tests inherit the priority): the integration
      // lane's timing-sensitive suites (event loop, a stopped scheduler) keep the machine they expect.
      if (output && child.pid !== undefined) {
        try {
          setPriority(child.pid, 10);
        } catch {
          // not allowed here: the lane runs at the same priority
        }
      }
      if (output) {
        child.stdout.pipe(output, { end: false });
        child.stderr.pipe(output, { end: false });
      }
      child.on('error', (error) => {
        children.delete(child);
        output?.write(`\n[test] could not start: ${error.message}\n`);
        resolve(1);
      });
      child.on('exit', (code, signal) => {
        children.delete(child);
        resolve(code ?? (signal ? 1 : 0));
      });
    });

  /** Runs a lane's steps in order, stopping at the first failure. */
  const lane = async (name, steps, output) => {
    for (const { label, args, env } of steps) {
      const status = await step(args, env, output);
      if (status !== 0) return { name, status, failed: label, seconds: Math.round((Date.now() - started) / 1000) };
    }
    return { name, status: 0, seconds: Math.round((Date.now() - started) / 1000) };
  };

  const log = createWriteStream(logFile);
  const ownAirflowEnv = {
    AIRFLOW_MCP_TEST_DATA_DIR:
      process.env.AIRFLOW_MCP_TEST_OWN_AIRFLOW_DATA_DIR ?? join(root, '.data/test-own-airflow'),
    AIRFLOW_MCP_TEST_PG_PORT: process.env.AIRFLOW_MCP_TEST_OWN_AIRFLOW_PG_PORT ?? String(sharedPgPort + 2),
  };
  process.stdout.write(`[test] two lanes; the unit + own-airflow lane's output is in ${logFile} and printed last\n`);
  const results = await Promise.all([
    lane('integration (shared Airflow, PostgreSQL, MariaDB)', [
      { label: 'integration', args: [vitest, 'run', '--project', 'integration'], env: {} },
    ]),
    lane(
      `unit + own-airflow (Celery, git delivery, Airflow 2) + unit on Node ${OTHER_NODE_MAJOR}`,
      [
        {
          label: 'unit and own-airflow',
          args: [vitest, 'run', '--project', 'unit', '--project', 'own-airflow'],
          env: ownAirflowEnv,
        },
        {
          label: `unit on Node ${OTHER_NODE_MAJOR}`,
          args: [runScript, 'vitest', 'run', '--project', 'unit', '--maxWorkers=1'],
          env: { AIRFLOW_MCP_NODE_MAJOR: OTHER_NODE_MAJOR },
        },
      ],
      log,
    ),
  ]);
  await new Promise((resolve) => log.end(resolve));

  process.stdout.write(`\n===== lane: unit + own-airflow (${logFile}) =====\n`);
  process.stdout.write(readFileSync(logFile, 'utf8'));
  process.stdout.write('\n');
  for (const result of results) {
    const verdict = result.status === 0 ? 'passed' : `FAILED in ${result.failed} (exit ${result.status})`;
    process.stdout.write(`[test] ${result.name}: ${verdict}, done after ${result.seconds} s\n`);
  }
  return results.every((result) => result.status === 0) ? 0 : 1;
}
