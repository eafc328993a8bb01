import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AppError, type Logger, ALL_TENANTS, DEFAULT_TENANT } from '@airflow-mcp/core';
import type { Language } from '../i18n/detect-language.js';
import { stalledRunMessage } from '../i18n/messages.js';
import { limitRunReads, readRecentRuns, type RecentRun } from './read-recent-runs.js';
import { readRowsMoved } from './read-rows-moved.js';
import { assertOwnsDag, ownsDag, tenantPrefix } from '../tenancy/tenant-scope.js';
import {
  countDoneTasks,
  createAirflowClient,
  createDagDeployer,
  createGitDagFileStore,
  followRun,
  newRunId,
  runTimeline,
  summarizeRun,
  type AirflowClient,
  type DagDeployer,
  type RunProgress,
  type RunSummary,
  type TaskLogOptions,
  unhealthyComponent,
} from '@airflow-mcp/airflow';

export interface AirflowServiceOptions {
  url: string;
  username: string | undefined;
  password: string | undefined;
  dagsDir: string;
  /** DAGS_DELIVERY=git: DAG files go to this repository (this process's clone in workDir) instead of dagsDir. */
  dagsGit?: { repository: string; branch: string; workDir: string } | undefined;
  timeoutMs: number;
  /** Requests in flight to Airflow at once (default 8; 0 = no bound). */
  maxConcurrent?: number;
  secrets?: readonly string[];
  logger?: Logger;
  parseTimeoutMs?: number;
  pollMs?: number;
}

/**
 * A run as the tools report it. `stalled`: Airflow reports its scheduler unhealthy while the run is queued or
 * running, so it will not move until the scheduler is back (following stops early with `timed_out` then). `rows`
 * (status of a successful run): the rows its tasks reported moving, null when none reported any.
 */
export type ServiceRunSummary = RunSummary & { timed_out?: boolean; stalled?: string; rows?: number | null };

/** Airflow requests in flight at once while list_dags reads every listed DAG's recent runs. */
const LIST_RUN_READS = 8;

/** The tag every generated DAG carries: how list_dags tells ours from the rest. */
export const GENERATED_TAG = 'airflow-mcp';

export interface DagListing {
  dag_id: string;
  is_paused: boolean;
  generated: boolean;
  schedule: string | null;
  tags: string[];
  has_import_errors: boolean;
  file: string | null;
  last_parsed_time: string | null;
  /** With `runs` asked for: the latest runs, newest first. */
  recent_runs?: RecentRun[];
}

/**
 * What the MCP tools do with Airflow: run and follow, status with failure logs, logs, listing, pause, delete and
 * import errors. One client and one deployer for the whole process.
 */
export function createAirflowService(options: AirflowServiceOptions) {
  const client: AirflowClient = createAirflowClient({
    baseUrl: options.url,
    username: options.username,
    password: options.password,
    timeoutMs: options.timeoutMs,
    ...(options.maxConcurrent === undefined ? {} : { maxConcurrent: options.maxConcurrent }),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const deployer: DagDeployer = createDagDeployer({
    client,
    dagsDir: options.dagsDir,
    ...(options.dagsGit
      ? { files: createGitDagFileStore({ ...options.dagsGit, ...(options.logger ? { logger: options.logger } : {}) }) }
      : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.parseTimeoutMs === undefined ? {} : { parseTimeoutMs: options.parseTimeoutMs }),
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
  const pollMs = options.pollMs ?? 1000;

  async function status(dagId: string, runId?: string, tenant = DEFAULT_TENANT): Promise<ServiceRunSummary> {
    assertOwnsDag(dagId, tenant);
    await client.requireDag(dagId);
    let id = runId;
    if (id === undefined) {
      const [latest] = await client.listRuns(dagId, 1);
      if (!latest) {
        throw new AppError('NOT_FOUND', `DAG ${dagId} has no runs yet. Start one with run_dag.`);
      }
      id = latest.dag_run_id;
    }
    const run = await client.getRun(dagId, id);
    const summary: ServiceRunSummary = await summarizeRun(client, run, await client.taskInstances(dagId, id));
    if (run.state === 'success') return { ...summary, rows: await readRowsMoved(client, dagId, id, summary.tasks) };
    if (run.state !== 'queued' && run.state !== 'running') return summary;
    // One health call, errors ignored: a run that cannot move because the scheduler is dead says so.
    const down = await unhealthyComponent(client, 'scheduler');
    if (!down) return summary;
    const stalled = stalledRunMessage(
      {
        runId: id,
        state: run.state,
        tasksDone: countDoneTasks(summary.tasks),
        tasksTotal: summary.tasks.length,
        latestHeartbeat: down.latestHeartbeat,
      },
      'en',
    );
    return { ...summary, stalled };
  }

  async function follow(
    dagId: string,
    runId: string,
    input: {
      timeoutMs: number;
      onProgress?: (p: RunProgress) => void | Promise<void>;
      signal?: AbortSignal;
      /** The language of `stalled` (default English). */
      language?: Language;
      /** Told, when following ends, where the run's time went by Airflow's timestamps (see runTimeline). */
      onTimeline?: (phases: Record<string, number>) => void;
    },
  ): Promise<ServiceRunSummary & { timed_out: boolean }> {
    const followed = await followRun({
      client,
      dagId,
      runId,
      timeoutMs: input.timeoutMs,
      pollMs,
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    input.onTimeline?.(runTimeline(followed.run, followed.tasks, Date.now()));
    const summary = await summarizeRun(client, followed.run, followed.tasks);
    return {
      ...summary,
      timed_out: followed.timedOut,
      ...(followed.stalled ? { stalled: stalledRunMessage(followed.stalled, input.language ?? 'en') } : {}),
    };
  }

  async function run(input: {
    dagId: string;
    conf?: Record<string, unknown>;
    wait: boolean;
    timeoutMs: number;
    runId?: string;
    onProgress?: (p: RunProgress) => void | Promise<void>;
    signal?: AbortSignal;
    tenant?: string;
    /** The language of `stalled` (default English). */
    language?: Language;
    /** Told how long the trigger took (ms, with the DAG's check before it). */
    onTriggered?: (ms: number) => void;
    /** When waiting: told, once following ends, where the run's time went by Airflow's timestamps (runTimeline). */
    onTimeline?: (phases: Record<string, number>) => void;
  }): Promise<ServiceRunSummary> {
    assertOwnsDag(input.dagId, input.tenant ?? DEFAULT_TENANT);
    const asked = performance.now();
    const dag = await client.requireDag(input.dagId);
    if (dag.is_paused) {
      throw new AppError(
        'CONFLICT',
        `DAG ${input.dagId} is paused, so a run would only wait in the queue. Unpause it with set_dag_paused (paused: false) and run it again.`,
      );
    }
    if (dag.has_import_errors) {
      throw new AppError(
        'CONFLICT',
        `DAG ${input.dagId} currently has import errors; see list_import_errors and fix the file first.`,
      );
    }
    const runId = input.runId ?? newRunId();
    const started = await client.trigger(input.dagId, { runId, ...(input.conf ? { conf: input.conf } : {}) });
    input.onTriggered?.(Math.round(performance.now() - asked));
    if (!input.wait) return summarizeRun(client, started, []);
    const followed = await follow(input.dagId, runId, {
      timeoutMs: input.timeoutMs,
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.language ? { language: input.language } : {}),
      ...(input.onTimeline ? { onTimeline: input.onTimeline } : {}),
    });
    if (followed.state !== 'success') return followed;
    return { ...followed, rows: await readRowsMoved(client, input.dagId, runId, followed.tasks) };
  }

  async function listDags(input: {
    pattern?: string;
    onlyGenerated?: boolean;
    limit?: number;
    offset?: number;
    tenant?: string;
    /** Also read each DAG's latest runs (and the rows they moved), at most this many. */
    runs?: number;
  }) {
    const tenant = input.tenant ?? DEFAULT_TENANT;
    const prefix = tenantPrefix(tenant);
    const result = await client.listDags({
      ...(input.pattern || prefix ? { pattern: input.pattern ?? prefix } : {}),
      ...(input.onlyGenerated ? { tags: [GENERATED_TAG] } : {}),
      limit: input.limit ?? 100,
      offset: input.offset ?? 0,
    });
    // Airflow's pattern is a substring (and "_" a LIKE wildcard): the owner is decided here, exactly, for every tenant.
    const visible = result.dags.filter((d) => ownsDag(d.dag_id, tenant));
    const dags: DagListing[] = visible.map((d) => ({
      dag_id: d.dag_id,
      is_paused: d.is_paused,
      generated: d.tags.some((t) => t.name === GENERATED_TAG),
      schedule: d.timetable_summary ?? null,
      tags: d.tags.map((t) => t.name),
      has_import_errors: d.has_import_errors,
      file: d.relative_fileloc ?? null,
      last_parsed_time: d.last_parsed_time ?? null,
    }));
    const runs = input.runs ?? 0;
    if (runs > 0) {
      const reads = limitRunReads(client, LIST_RUN_READS);
      await Promise.all(
        dags.map(async (d) => {
          d.recent_runs = await readRecentRuns(reads, d.dag_id, runs);
        }),
      );
    }
    return { dags, total: tenant === ALL_TENANTS ? result.total_entries : dags.length };
  }

  async function setPaused(dagId: string, paused: boolean, tenant = DEFAULT_TENANT) {
    assertOwnsDag(dagId, tenant);
    await client.requireDag(dagId);
    const dag = await client.setPaused(dagId, paused);
    return { dag_id: dag.dag_id, is_paused: dag.is_paused };
  }

  async function deleteDag(dagId: string, tenant = DEFAULT_TENANT) {
    assertOwnsDag(dagId, tenant);
    const deployed = await deployer.read(dagId);
    if (!deployed) {
      const exists = await client.getDag(dagId);
      throw new AppError(
        exists ? 'FORBIDDEN' : 'NOT_FOUND',
        exists
          ? `DAG ${dagId} was not generated by this service; delete_dag only removes generated DAGs.`
          : `No generated DAG ${dagId}. Use list_dags to see the DAGs.`,
      );
    }
    const removed = await deployer.remove(dagId);
    return { dag_id: dagId, file_removed: removed.fileRemoved, version: deployed.header.version };
  }

  async function importErrors(filename?: string, tenant = DEFAULT_TENANT) {
    const errors = (await client.importErrors(filename)).filter((e) =>
      ownsDag(basename(e.filename).replace(/\.py$/, ''), tenant),
    );
    return errors.map((e) => ({
      filename: e.filename,
      timestamp: e.timestamp,
      stack_trace: e.stack_trace.slice(0, 4000),
    }));
  }

  const logs = (
    dagId: string,
    runId: string,
    taskId: string,
    tryNumber: number,
    opts: TaskLogOptions,
    tenant = DEFAULT_TENANT,
  ) => {
    assertOwnsDag(dagId, tenant);
    return client.taskLogs(dagId, runId, taskId, tryNumber, opts);
  };

  return {
    client,
    deployer,
    status,
    run,
    follow,
    listDags,
    setPaused,
    deleteDag,
    importErrors,
    logs,
  };
}

export type AirflowService = ReturnType<typeof createAirflowService>;
