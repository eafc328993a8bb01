// `npm test` with no arguments runs every suite in two lanes at once, because most of the long integration suites
// wait on Airflow's scheduler rather than use the CPU (about half of the 2 cores sit idle during them):
//   - lane "integration": the suites that share the tests' Airflow, PostgreSQL and MariaDB, one file at a time, as
//     before (their output is shown live);
//   - lane "unit + own-airflow": the unit tests, then the suites that start an Airflow of their own (CeleryExecutor,
//     git delivery, Airflow 2), one file at a time, against a PostgreSQL of their own (another port and folder), so
//     that a suite stopping the shared PostgreSQL (test/faults/database-down) never pulls it from under them; then
//     the unit tests again on the other supported Node (22), one worker, so they take the lane's slack and not the
//     integration lane's CPU. Its output goes to a log file and is printed when both lanes are done.
// Either lane failing fails the run (a lane stops at its first failing step). A failed lane's failures (vitest's
// "Failed Tests" section, clipped) are printed once more at the very end, after the second lane's log, so that the
// tail of the output, which is what CI shows, names the failing test. With arguments, `npm test -- <vitest args>` runs
// one vitest as given.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

export const OTHER_NODE_MAJOR = '22';

const DIGEST_LINES = 60;

/**
 * The part of a lane's output that says what failed: vitest's "Failed Tests" (or "Failed Suites", "Unhandled
 * Errors") sections up to their last "[n/n]" marker, at most 60 lines; the tests' Airflow's complaints when printed
 * (test/setup/airflow-log-on-failure.ts); then vitest's closing "Test Files" and "Tests" counts.
 * @param {string} output a lane's whole output
 * @returns {string[]}
 */
export function failureDigest(output) {
  const lines = stripVTControlCharacters(output).split('\n');
  const start = lines.findIndex((line) => /⎯ (Failed (Tests|Suites)|Unhandled Errors?) \d*/.test(line));
  const counts = lines.filter((line) => /^\s*(Test Files|Tests|Errors)\s{2}/.test(line));
  const complained = lines.findIndex((line) => line.startsWith("The tests' Airflow complained"));
  const complaints = [];
  if (complained !== -1) {
    complaints.push(lines[complained]);
    for (const line of lines.slice(complained + 1, complained + 31)) {
      if (!line.startsWith('  ')) break;
      complaints.push(line);
    }
  }
  if (start === -1) {
    const failing = lines.filter((line) => /^\s*(FAIL|×)\s/.test(line)).slice(0, DIGEST_LINES);
    return [...failing, ...complaints, ...counts];
  }
  const last = lines.findLastIndex((line) => /⎯\[\d+\/\d+\]⎯/.test(line));
  const section = lines.slice(start, last > start ? last + 1 : undefined);
  const clipped = section.slice(0, DIGEST_LINES);
  if (section.length > DIGEST_LINES)
    clipped.push(`  ... ${section.length - DIGEST_LINES} more lines, in the lane's output`);
  return [...clipped, ...complaints, ...counts];
}

/**
 * @param {{ root: string, node: string, vitest: string, runScript: string }} options
 * @returns {Promise<number>} the exit status: 0 when both lanes passed
 */
export async function runTestLanes({ root, node, vitest, runScript }) {
  const started = Date.now();
  const sharedPgPort = Number(process.env.AIRFLOW_MCP_TEST_PG_PORT ?? '25432');
  mkdirSync(join(root, '.data'), { recursive: true });
  const logFile = join(root, '.data', 'test-lane-own-airflow.log');
  const integrationLogFile = join(root, '.data', 'test-lane-integration.log');
  const children = new Set();
  const stopAll = (signal) => {
    for (const child of children) child.kill(signal);
  };
  process.once('SIGINT', () => stopAll('SIGINT'));
  process.once('SIGTERM', () => stopAll('SIGTERM'));

  /**
   * Runs one step of a lane; resolves with its exit status. `output`: where its output goes instead of ours; with
   * `tee`, ours and that file.
   */
  const step = (args, env, output, tee = false) =>
    new Promise((resolve) => {
      const child = spawn(node, args, {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      });
      children.add(child);
      // The second lane yields the CPU to the first (its Airflows and tests inherit the priority): the integration
      // lane's timing-sensitive suites (event loop, a stopped scheduler) keep the machine they expect.
      if (output && !tee && child.pid !== undefined) {
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
      if (tee) {
        child.stdout.pipe(process.stdout, { end: false });
        child.stderr.pipe(process.stderr, { end: false });
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
  const lane = async (name, steps, output, tee = false) => {
    for (const { label, args, env } of steps) {
      const status = await step(args, env, output, tee);
      if (status !== 0) return { name, status, failed: label, seconds: Math.round((Date.now() - started) / 1000) };
    }
    return { name, status: 0, seconds: Math.round((Date.now() - started) / 1000) };
  };

  const log = createWriteStream(logFile);
  const integrationLog = createWriteStream(integrationLogFile);
  const ownAirflowEnv = {
    AIRFLOW_MCP_TEST_DATA_DIR:
      process.env.AIRFLOW_MCP_TEST_OWN_AIRFLOW_DATA_DIR ?? join(root, '.data/test-own-airflow'),
    AIRFLOW_MCP_TEST_PG_PORT: process.env.AIRFLOW_MCP_TEST_OWN_AIRFLOW_PG_PORT ?? String(sharedPgPort + 2),
  };
  process.stdout.write(`[test] two lanes; the unit + own-airflow lane's output is in ${logFile} and printed last\n`);
  const results = await Promise.all([
    lane(
      'integration (shared Airflow, PostgreSQL, MariaDB)',
      [{ label: 'integration', args: [vitest, 'run', '--project', 'integration'], env: {} }],
      integrationLog,
      true,
    ),
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
  await Promise.all([log, integrationLog].map((stream) => new Promise((resolve) => stream.end(resolve))));

  process.stdout.write(`\n===== lane: unit + own-airflow (${logFile}) =====\n`);
  process.stdout.write(readFileSync(logFile, 'utf8'));
  process.stdout.write('\n');
  const laneLogs = [integrationLogFile, logFile];
  results.forEach((result, index) => {
    if (result.status === 0) return;
    process.stdout.write(`\n===== what failed in lane ${result.name} (whole output: ${laneLogs[index]}) =====\n`);
    process.stdout.write(`${failureDigest(readFileSync(laneLogs[index], 'utf8')).join('\n')}\n`);
  });
  for (const result of results) {
    const verdict = result.status === 0 ? 'passed' : `FAILED in ${result.failed} (exit ${result.status})`;
    process.stdout.write(`[test] ${result.name}: ${verdict}, done after ${result.seconds} s\n`);
  }
  return results.every((result) => result.status === 0) ? 0 : 1;
}
