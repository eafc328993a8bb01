import { AppError } from '@airflow-mcp/core';
import { spawn } from 'node:child_process';

export interface BoundedRunOptions {
  /** Written to the child's stdin, then closed (arguments have a size limit; a table name may be long). */
  input: string;
  /** Wall-clock limit: the child is killed (SIGKILL) when it runs out, and the call fails with TIMEOUT. */
  timeoutMs: number;
  /** What is being done, for the errors ("Reading the SQLite file x"). */
  what: string;
  /** stdout beyond this many bytes kills the child (default 64 MB). */
  maxOutputBytes?: number;
  env?: Record<string, string>;
}

/**
 * Runs a child process off the event loop with a time limit and an output bound: the service keeps answering
 * while it runs, and a child stuck on a slow query or a FIFO is killed rather than waited for.
 */
export function runBounded(
  command: string,
  args: readonly string[],
  options: BoundedRunOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const maxOutput = options.maxOutputBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: options.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: AppError | undefined;
    const stop = (error: AppError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        stop(
          new AppError(
            'TIMEOUT',
            `${options.what} did not finish within ${Math.round(options.timeoutMs / 1000)} s and was stopped (a slow view or query, or a file that never ends). Ask for one table, or check the file.`,
            { details: { step: 'source-schema', timeout_ms: options.timeoutMs } },
          ),
        ),
      options.timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutput) {
        stop(
          new AppError('INVALID_INPUT', `${options.what} produced more than ${maxOutput} bytes and was stopped.`, {
            details: { step: 'source-schema' },
          }),
        );
      } else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
    child.stdin.on('error', () => {}); // the child may exit before reading its input
    child.stdin.end(options.input);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new AppError('UNAVAILABLE', `${options.what}: could not start ${command} (${error.message}).`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
    });
  });
}
