import { AppError, type Logger } from '@airflow-mcp/core';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { AirflowClient, DagInfo } from '../create-airflow-client.js';
import { describeHeartbeat, unhealthyComponent } from '../unhealthy-component.js';
import { dagFilePath } from './dag-file-path.js';
import { dagWriteError } from './dag-write-error.js';
import { parseDagFileHeader, type DagFileHeader } from './dag-file-header.js';
import { waitForDagParsed } from './wait-for-dag-parsed.js';
import { waitForDagStale } from './wait-for-dag-stale.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface DagDeployerOptions {
  client: AirflowClient;
  dagsDir: string;
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
}

const readIfExists = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/**
 * Puts DAG files where Airflow reads them and waits until Airflow has parsed them. A file Airflow cannot import is
 * taken back out (the previous version restored, or the new file removed) and the import error is returned as a
 * VALIDATION_FAILED error, so a failed deploy never leaves a broken or half-written file behind.
 */
export function createDagDeployer(options: DagDeployerOptions) {
  const parseTimeoutMs = options.parseTimeoutMs ?? 90_000;

  async function restore(path: string, previous: string | undefined): Promise<void> {
    if (previous === undefined) await rm(path, { force: true });
    else await writeFileAtomic(path, previous);
  }

  async function deploy(input: { dagId: string; source: string; unpause?: boolean }): Promise<DeployResult> {
    const path = dagFilePath(options.dagsDir, input.dagId);
    const relativeFile = basename(path);
    // Ask Airflow first: if it is down, nothing has been written yet and the caller gets a retryable error.
    const before = await options.client.getDag(input.dagId);
    const previous = await readIfExists(path);
    if (previous !== undefined && !parseDagFileHeader(previous)) {
      throw new AppError(
        'CONFLICT',
        `${relativeFile} in DAGS_DIR was not written by airflow-mcp-rag; refusing to overwrite it. Choose another dag_id.`,
      );
    }
    if (previous === input.source && before && !before.has_import_errors && !before.is_stale) {
      return { dagId: input.dagId, file: path, changed: false, parseMs: 0, dag: before };
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
    const writtenAt = Date.now();
    try {
      await mkdir(options.dagsDir, { recursive: true });
      // Temp files of this DAG left by a process killed mid-write (they never end in .py, Airflow ignores them).
      for (const stale of (await readdir(options.dagsDir)).filter(
        (f) => f.startsWith(`.${relativeFile}.`) && f.endsWith('.tmp'),
      )) {
        await rm(join(options.dagsDir, stale), { force: true });
      }
      await writeFileAtomic(path, input.source);
    } catch (error) {
      // writeFileAtomic has removed its partial temp file, so a full disk gets its space back.
      throw dagWriteError({ error, file: relativeFile, dagsDir: options.dagsDir, hadPrevious: previous !== undefined });
    }
    options.logger?.info({ dagId: input.dagId, file: path }, 'dag file written');
    // A known file can be queued for parsing at once; a new one waits for the next bundle refresh.
    if (before?.file_token) await options.client.reparseFile(before.file_token).catch(() => undefined);

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
      await restore(path, previous);
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
      await restore(path, previous);
      throw new AppError(
        'VALIDATION_FAILED',
        `Airflow could not import ${relativeFile}; ${previous === undefined ? 'the file was removed' : 'the previous version was restored'}. Import error:\n${outcome.error.stack_trace.slice(0, 4000)}`,
        { details: { step: 'airflow-import', file: relativeFile } },
      );
    }
    let dag = outcome.dag;
    if ((input.unpause ?? true) && dag.is_paused) dag = await options.client.setPaused(input.dagId, false);
    options.logger?.info({ dagId: input.dagId, parseMs: outcome.waitedMs }, 'dag parsed by airflow');
    return { dagId: input.dagId, file: path, changed: true, parseMs: outcome.waitedMs, dag };
  }

  /**
   * Removes a generated DAG: the file first (or Airflow would bring the DAG back), then, once Airflow has marked the
   * DAG stale, its metadata (deleting it earlier can kill Airflow's dag-processor: see waitForDagStale).
   */
  async function remove(dagId: string): Promise<{ fileRemoved: boolean }> {
    const path = dagFilePath(options.dagsDir, dagId);
    const current = await readIfExists(path);
    if (current !== undefined && !parseDagFileHeader(current)) {
      throw new AppError('FORBIDDEN', `${basename(path)} was not generated by airflow-mcp-rag; delete it by hand.`);
    }
    if (current !== undefined) await rm(path, { force: true });
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
    const source = await readIfExists(dagFilePath(options.dagsDir, dagId));
    const header = source === undefined ? undefined : parseDagFileHeader(source);
    return source !== undefined && header ? { source, header } : undefined;
  }

  return { deploy, remove, forgetDag, read };
}

export type DagDeployer = ReturnType<typeof createDagDeployer>;
