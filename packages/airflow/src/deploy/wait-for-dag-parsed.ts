import { AppError } from '@airflow-mcp/core';
import type { AirflowClient, DagInfo, ImportError } from '../create-airflow-client.js';

export interface WaitForDagParsedOptions {
  client: AirflowClient;
  dagId: string;
  /** The file name as Airflow reports it in import errors: relative to the dags folder, e.g. `my_dag.py`. */
  relativeFile: string;
  /** Epoch ms when the file was written: parses and import errors older than this do not count. */
  since: number;
  timeoutMs: number;
  pollMs?: number;
  /** Tolerated clock difference between this process and Airflow. */
  skewMs?: number;
  /** The DAG's parse time before the write (for a new version of a known DAG): only a later parse counts. */
  previousParsedAt?: string | null | undefined;
}

export type ParseOutcome =
  { kind: 'parsed'; dag: DagInfo; waitedMs: number } | { kind: 'import-error'; error: ImportError; waitedMs: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls Airflow until the DAG appears with a parse newer than the write, or an import error for the file does.
 * Throws TIMEOUT (retryable) when neither happens in time; Airflow API errors propagate (retryable when Airflow is down).
 */
export async function waitForDagParsed(options: WaitForDagParsedOptions): Promise<ParseOutcome> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 500;
  const threshold = options.since - (options.skewMs ?? 1000);
  const previous = options.previousParsedAt ? Date.parse(options.previousParsedAt) : Number.NEGATIVE_INFINITY;
  for (;;) {
    const errors = await options.client.importErrors(options.relativeFile);
    const fresh = errors.find((e) => Date.parse(e.timestamp) >= threshold);
    if (fresh) return { kind: 'import-error', error: fresh, waitedMs: Date.now() - started };
    const dag = await options.client.getDag(options.dagId);
    const parsedAt = dag?.last_parsed_time ? Date.parse(dag.last_parsed_time) : Number.NaN;
    if (dag && !dag.is_stale && parsedAt >= threshold && parsedAt > previous) {
      return { kind: 'parsed', dag, waitedMs: Date.now() - started };
    }
    if (Date.now() - started >= options.timeoutMs) {
      throw new AppError(
        'TIMEOUT',
        `Airflow did not parse ${options.relativeFile} within ${Math.round(options.timeoutMs / 1000)} s. ` +
          'Check that the dag-processor is running and reads DAGS_DIR, and that its bundle refresh interval ' +
          '([dag_processor] refresh_interval) is short; then deploy again.',
        { retryable: true, details: { step: 'airflow-parse', file: options.relativeFile } },
      );
    }
    await sleep(pollMs);
  }
}
