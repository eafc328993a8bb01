import { performance } from 'node:perf_hooks';
import { AppError, type Logger } from '@airflow-mcp/core';
import type { AirflowClient, DagInfo } from '../create-airflow-client.js';
import { describeHeartbeat, unhealthyComponent } from '../unhealthy-component.js';
import { createFolderDagFileStore } from './create-folder-dag-file-store.js';
import { parseDagFileHeader, type DagFileHeader } from './dag-file-header.js';
import type { DagChangeNote, DagFileStore } from './dag-file-store.js';
import { waitForDagParsed } from './wait-for-dag-parsed.js';
import { waitForDagStale } from './wait-for-dag-stale.js';

export interface DagDeployerOptions {
  client: AirflowClient;
  /** The shared dags folder (DAGS_DELIVERY=folder); ignored when `files` is given. */
  dagsDir?: string;
  /** Where DAG files go instead of `dagsDir`: a git repository Airflow reads as a DAG bundle (DAGS_DELIVERY=git). */
  files?: DagFileStore;
  logger?: Logger;
  parseTimeoutMs?: number;
  pollMs?: number;
}

export interface DeployResult {
  dagId: string;
  file: string;
  /** False when the same source was already deployed and parsed. */
  changed: boolean;
  /** How long Airflow took to show the new version, in ms. */
  parseMs: number;
  dag: DagInfo;
  /**
   * Where the deploy's time went, in ms (monotonic clock): `preflight` (Airflow's DAG, the file there, the
   * dag-processor's health), `write` (the atomic write, and the reparse request for a known file), `parse_wait`,
   * `unpause`.
   */
  timings: Record<string, number>;
}

/**
 * Puts DAG files where Airflow reads them and waits until Airflow has parsed them. A file Airflow cannot import is
 * taken back out (the previous version restored, or the new file removed) and the import error is returned as a
 * VALIDATION_FAILED error, so a failed deploy never leaves a broken or half-written file behind.
 */
export function createDagDeployer(options: DagDeployerOptions) {
  const parseTimeoutMs = options.parseTimeoutMs ?? 90_000;
  const files = options.files ?? createFolderDagFileStore(requireDagsDir(options.dagsDir));

  async function restore(dagId: string, previous: string | undefined, note: DagChangeNote): Promise<void> {
    const restoring = { ...note, action: 'restore' as const };
    if (previous === undefined) await files.remove(dagId, restoring);
    else await files.write(dagId, previous, restoring);
  }

  async function deploy(
    input: { dagId: string; source: string; unpause?: boolean } & Omit<DagChangeNote, 'action'>,
  ): Promise<DeployResult> {
    const { file: path, relativeFile } = files.locate(input.dagId);
    const timings: Record<string, number> = {};
    let mark = performance.now();
    const lap = (phase: string) => {
      const now = performance.now();
      timings[phase] = Math.round(now - mark);
      mark = now;
    };
    const note: DagChangeNote = {
      action: 'deploy',
      ...(input.author ? { author: input.author } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
    };
    // Ask Airflow first: if it is down, nothing has been written yet and the caller gets a retryable error.
    const before = await options.client.getDag(input.dagId);
    const previous = await files.read(input.dagId);
    if (previous !== undefined && !parseDagFileHeader(previous)) {
      throw new AppError(
        'CONFLICT',
        `${relativeFile} was not written by airflow-mcp-rag; refusing to overwrite it. Choose another dag_id.`,
      );
    }
    if (previous === input.source && before && !before.has_import_errors && !before.is_stale) {
      lap('preflight');
      return { dagId: input.dagId, file: path, changed: false, parseMs: 0, dag: before, timings };
    }
    const processorDown = await dagProcessorDown();
    if (processorDown) {
      throw new AppError(
        'UNAVAILABLE',
        `${processorDown}: a DAG file written now would never be parsed, so nothing was written. Start the ` +
          'dag-processor (airflow dag-processor, or restart Airflow), then deploy again.',
        { retryable: true, details: { step: 'airflow-parse', file: relativeFile } },
      );
    }
    lap('preflight');
    const writtenAt = Date.now();
    await files.write(input.dagId, input.source, note);
    options.logger?.info({ dagId: input.dagId, file: path }, 'dag file written');
    // A known file can be queued for parsing at once; a new one waits for the next bundle refresh.
    if (before?.file_token) await options.client.reparseFile(before.file_token).catch(() => undefined);
    lap('write');

    let outcome;
    try {
      outcome = await waitForDagParsed({
        client: options.client,
        dagId: input.dagId,
        relativeFile,
        since: writtenAt,
        previousParsedAt: before?.last_parsed_time,
        timeoutMs: parseTimeoutMs,
        ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      });
    } catch (error) {
      await restore(input.dagId, previous, note);
      const down = error instanceof AppError && error.code === 'TIMEOUT' ? await dagProcessorDown() : undefined;
      if (down && error instanceof AppError) {
        throw new AppError('UNAVAILABLE', `${down}. ${error.message}`, {
          cause: error,
          retryable: true,
          ...(error.details ? { details: error.details } : {}),
        });
      }
      throw error;
    }
    if (outcome.kind === 'import-error') {
      await restore(input.dagId, previous, note);
      throw new AppError(
        'VALIDATION_FAILED',
        `Airflow could not import ${relativeFile}; ${previous === undefined ? 'the file was removed' : 'the previous version was restored'}. Import error:\n${outcome.error.stack_trace.slice(0, 4000)}`,
        { details: { step: 'airflow-import', file: relativeFile } },
      );
    }
    lap('parse_wait');
    let dag = outcome.dag;
    if ((input.unpause ?? true) && dag.is_paused) {
      dag = await options.client.setPaused(input.dagId, false);
      lap('unpause');
    }
    options.logger?.info({ dagId: input.dagId, parseMs: outcome.waitedMs }, 'dag parsed by airflow');
    return { dagId: input.dagId, file: path, changed: true, parseMs: outcome.waitedMs, dag, timings };
  }

  /**
   * Removes a generated DAG: the file first (or Airflow would bring the DAG back), then, once Airflow has marked the
   * DAG stale, its metadata (deleting it earlier can kill Airflow's dag-processor: see waitForDagStale).
   */
  async function remove(dagId: string): Promise<{ fileRemoved: boolean }> {
    const current = await files.read(dagId);
    if (current !== undefined && !parseDagFileHeader(current)) {
      const { relativeFile } = files.locate(dagId);
      throw new AppError('FORBIDDEN', `${relativeFile} was not generated by airflow-mcp-rag; delete it by hand.`);
    }
    if (current !== undefined) await files.remove(dagId, { action: 'remove' });
    await forgetDag(dagId);
    return { fileRemoved: current !== undefined };
  }

  /**
   * Airflow's own word that its dag-processor is not running (its job failed, or its heartbeat is too old), or
   * undefined when it runs or Airflow does not say (health unreachable, no processor job yet, Airflow 2).
   */
  async function dagProcessorDown(): Promise<string | undefined> {
    const down = await unhealthyComponent(options.client, 'dag_processor');
    return down && `Airflow reports its dag-processor unhealthy (${describeHeartbeat(down.latestHeartbeat)})`;
  }

  /** Deletes the metadata of a DAG whose file is gone, after Airflow has noticed (bounded by the parse timeout). */
  async function forgetDag(dagId: string): Promise<void> {
    // A stopped processor neither marks the DAG stale nor races the delete.
    if (await dagProcessorDown()) {
      await options.client.deleteDagMetadata(dagId);
      return;
    }
    const waited = await waitForDagStale({
      client: options.client,
      dagId,
      timeoutMs: parseTimeoutMs,
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    });
    if (!waited.stale) {
      options.logger?.warn(
        { dagId, waitedMs: waited.waitedMs },
        'airflow has not marked the removed dag stale; deleting its metadata anyway',
      );
    }
    await options.client.deleteDagMetadata(dagId);
  }

  /** The deployed source and its header, if the DAG is one of ours. */
  async function read(dagId: string): Promise<{ source: string; header: DagFileHeader } | undefined> {
    const source = await files.read(dagId);
    const header = source === undefined ? undefined : parseDagFileHeader(source);
    return source !== undefined && header ? { source, header } : undefined;
  }

  return { deploy, remove, forgetDag, read };
}

function requireDagsDir(dagsDir: string | undefined): string {
  if (dagsDir === undefined)
    throw new AppError('INVALID_INPUT', 'A DAG deployer needs a dags folder or a DAG file store.');
  return dagsDir;
}

export type DagDeployer = ReturnType<typeof createDagDeployer>;
