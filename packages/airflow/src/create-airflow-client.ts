import { redactSecrets, type Logger } from '@airflow-mcp/core';
import createClient from 'openapi-fetch';
import { AirflowApiError, describeErrorBody } from './airflow-api-error.js';
import { createAirflowFetch } from './create-airflow-fetch.js';
import { createAirflowV1Api } from './create-airflow-v1-api.js';
import type { components, paths } from './generated/airflow-v2.js';
import { nearestNames } from './nearest-names.js';

export type DagInfo = components['schemas']['DAGResponse'];
export type DagRun = components['schemas']['DAGRunResponse'];
export type TaskInstance = components['schemas']['TaskInstanceResponse'];
export type ImportError = components['schemas']['ImportErrorResponse'];
export type RunState = 'queued' | 'running' | 'success' | 'failed';

export interface AirflowClientOptions {
  baseUrl: string;
  username?: string | undefined;
  password?: string | undefined;
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  /** Values masked in every log line returned (the Airflow password is always included). */
  secrets?: readonly string[];
  renewBeforeMs?: number;
  /** Requests in flight to Airflow at once (default 8; 0 = no bound). */
  maxConcurrent?: number;
}

export interface LogLine {
  timestamp?: string | undefined;
  level?: string | undefined;
  event: string;
}

export interface TaskLogOptions {
  /** Keep only the last N lines. */
  tail?: number;
  /** Stop reading after this many bytes of text. */
  maxBytes?: number;
  /** Keep only lines at this level or above (debug < info < warning < error < critical). */
  minLevel?: 'debug' | 'info' | 'warning' | 'error' | 'critical';
}

const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'];

interface ErrorDetail {
  exc_type?: string;
  exc_value?: string;
  frames?: { filename?: string; lineno?: number; name?: string }[];
}

/** Airflow 3 puts a task's exception in `error_detail` beside the event: type, message and the frame that raised. */
function describeErrorDetail(detail: unknown): string {
  if (!Array.isArray(detail)) return '';
  return (detail as ErrorDetail[])
    .map((d) => {
      const frame = d.frames?.at(-1);
      const where = frame
        ? ` (${frame.filename?.split('/').pop() ?? '?'}:${frame.lineno ?? '?'} in ${frame.name ?? '?'})`
        : '';
      return `\n${d.exc_type ?? 'Error'}: ${d.exc_value ?? ''}${where}`;
    })
    .join('');
}

/**
 * A typed Airflow REST client. Airflow 3 (API v2, JWT) through openapi-fetch over the generated types; Airflow 2
 * (API v1, Basic auth) for trigger, run status, task instances, logs, pause and import errors.
 */
export function createAirflowClient(options: AirflowClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  let major: 2 | 3 | undefined;
  const http = createAirflowFetch({
    baseUrl,
    username: options.username,
    password: options.password,
    timeoutMs: options.timeoutMs ?? 15_000,
    ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
    ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.renewBeforeMs === undefined ? {} : { renewBeforeMs: options.renewBeforeMs }),
    ...(options.maxConcurrent === undefined ? {} : { maxConcurrent: options.maxConcurrent }),
    auth: () => (major === 2 ? 'basic' : 'jwt'),
  });
  const api = createClient<paths>({ baseUrl, fetch: (request: Request) => http.fetch(request) });
  const secrets = [options.password, ...(options.secrets ?? [])].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );

  /** The one place where `{ data, error }` becomes data or a thrown AirflowApiError. */
  function unwrap<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
    if (result.error !== undefined || !result.response.ok) {
      const status = result.response.status;
      throw new AirflowApiError({
        status,
        message: `${what} failed: Airflow answered ${status} ${describeErrorBody(result.error)}`,
      });
    }
    return result.data as T;
  }

  /** Airflow 2.x (API v1) by hand: the generated types cover v2 only. */
  const v1 = createAirflowV1Api({ baseUrl, fetch: (request) => http.fetch(request) });

  async function detectVersion(): Promise<{ major: 2 | 3; version: string }> {
    const v2 = await http.fetchPublic('/api/v2/version');
    if (v2.ok) {
      const body = (await v2.json()) as { version: string };
      major = Number(body.version.split('.')[0]) >= 3 ? 3 : 2;
      return { major, version: body.version };
    }
    const v1r = await http.fetchPublic('/api/v1/version');
    if (v1r.ok) {
      const body = (await v1r.json()) as { version: string };
      major = 2;
      return { major, version: body.version };
    }
    throw new AirflowApiError({
      status: v2.status,
      message: `Could not tell which Airflow runs at AIRFLOW_URL=${baseUrl}: /api/v2/version answered ${v2.status} and /api/v1/version ${v1r.status}.`,
    });
  }

  async function ensureVersion(): Promise<2 | 3> {
    if (major === undefined) await detectVersion();
    return major ?? 3;
  }

  async function getDag(dagId: string): Promise<DagInfo | undefined> {
    if ((await ensureVersion()) === 2) return v1.getDag(dagId);
    const result = await api.GET('/api/v2/dags/{dag_id}', { params: { path: { dag_id: dagId } } });
    if (result.response.status === 404) return undefined;
    return unwrap(`Reading DAG ${dagId}`, result);
  }

  async function listDags(filter: { pattern?: string; tags?: string[]; limit?: number; offset?: number } = {}) {
    if ((await ensureVersion()) === 2) return v1.listDags(filter);
    const result = await api.GET('/api/v2/dags', {
      params: {
        query: {
          limit: filter.limit ?? 100,
          offset: filter.offset ?? 0,
          ...(filter.pattern ? { dag_id_pattern: filter.pattern } : {}),
          ...(filter.tags?.length ? { tags: filter.tags } : {}),
        },
      },
    });
    return unwrap('Listing DAGs', result);
  }

  /** Throws NOT_FOUND naming the closest existing DAG ids. */
  async function requireDag(dagId: string): Promise<DagInfo> {
    const dag = await getDag(dagId);
    if (dag) return dag;
    const all = await listDags({ limit: 100 }).catch(() => ({ dags: [] as DagInfo[] }));
    const near = nearestNames(
      dagId,
      all.dags.map((d) => d.dag_id),
    );
    throw new AirflowApiError({
      status: 404,
      message: `No DAG "${dagId}" in Airflow.${near.length ? ` Did you mean: ${near.join(', ')}?` : ' Use list_dags to see the DAGs.'}`,
      details: { nearby: near },
    });
  }

  async function setPaused(dagId: string, paused: boolean): Promise<DagInfo> {
    if ((await ensureVersion()) === 2) return v1.setPaused(dagId, paused);
    const result = await api.PATCH('/api/v2/dags/{dag_id}', {
      params: { path: { dag_id: dagId }, query: { update_mask: ['is_paused'] } },
      body: { is_paused: paused },
    });
    return unwrap(`${paused ? 'Pausing' : 'Unpausing'} DAG ${dagId}`, result);
  }

  async function deleteDagMetadata(dagId: string): Promise<void> {
    if ((await ensureVersion()) === 2) return v1.deleteDag(dagId);
    const result = await api.DELETE('/api/v2/dags/{dag_id}', { params: { path: { dag_id: dagId } } });
    if (result.response.status === 404) return;
    if (!result.response.ok) unwrap(`Deleting DAG ${dagId}`, result);
  }

  async function trigger(dagId: string, input: { runId: string; conf?: Record<string, unknown> }): Promise<DagRun> {
    if ((await ensureVersion()) === 2) return v1.trigger(dagId, input);
    const result = await api.POST('/api/v2/dags/{dag_id}/dagRuns', {
      params: { path: { dag_id: dagId } },
      // logical_date is a required, nullable key in every 3.x release: null gives a run with no logical date.
      body: { dag_run_id: input.runId, logical_date: null, conf: input.conf ?? {} },
    });
    // 409 for our own run id means an earlier attempt got through (its answer was lost): that run is the one.
    if (result.response.status === 409) return getRun(dagId, input.runId);
    return unwrap(`Triggering DAG ${dagId}`, result);
  }

  async function getRun(dagId: string, runId: string): Promise<DagRun> {
    if ((await ensureVersion()) === 2) return v1.getRun(dagId, runId);
    const result = await api.GET('/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}', {
      params: { path: { dag_id: dagId, dag_run_id: runId } },
    });
    if (result.response.status === 404) {
      const runs = await listRuns(dagId, 20).catch(() => [] as DagRun[]);
      const near = runs.map((r) => r.dag_run_id).slice(0, 5);
      throw new AirflowApiError({
        status: 404,
        message: `No run "${runId}" of DAG ${dagId}.${near.length ? ` Recent runs: ${near.join(', ')}.` : ' The DAG has no runs yet.'}`,
        details: { recent: near },
      });
    }
    return unwrap(`Reading run ${runId} of ${dagId}`, result);
  }

  async function listRuns(dagId: string, limit = 10): Promise<DagRun[]> {
    if ((await ensureVersion()) === 2) return v1.listRuns(dagId, limit);
    const result = await api.GET('/api/v2/dags/{dag_id}/dagRuns', {
      params: { path: { dag_id: dagId }, query: { limit, order_by: ['-run_after'] } },
    });
    return unwrap(`Listing runs of ${dagId}`, result).dag_runs;
  }

  async function taskInstances(dagId: string, runId: string): Promise<TaskInstance[]> {
    if ((await ensureVersion()) === 2) return v1.taskInstances(dagId, runId);
    const result = await api.GET('/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances', {
      params: { path: { dag_id: dagId, dag_run_id: runId }, query: { limit: 100 } },
    });
    return unwrap(`Reading tasks of ${runId}`, result).task_instances;
  }

  /** Task logs as lines, following continuation tokens, masked, filtered, tailed and capped. */
  async function taskLogs(
    dagId: string,
    runId: string,
    taskId: string,
    tryNumber: number,
    opts: TaskLogOptions = {},
  ): Promise<{ lines: LogLine[]; truncated: boolean }> {
    const maxBytes = opts.maxBytes ?? 256 * 1024;
    const lines: LogLine[] = [];
    let bytes = 0;
    let truncated = false;
    if ((await ensureVersion()) === 2) {
      for (const line of await v1.taskLogLines(dagId, runId, taskId, tryNumber)) {
        bytes += line.event.length;
        if (bytes > maxBytes) {
          truncated = true;
          break;
        }
        lines.push(line);
      }
    } else {
      let token: string | undefined;
      for (let page = 0; page < 50; page++) {
        const result = await api.GET(
          '/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try_number}',
          {
            params: {
              path: { dag_id: dagId, dag_run_id: runId, task_id: taskId, try_number: tryNumber },
              query: { map_index: -1, ...(token ? { token } : {}) },
              header: { accept: 'application/json' },
            },
          },
        );
        const body = unwrap(`Reading logs of ${taskId}`, result) as {
          content: (Record<string, unknown> | string)[];
          continuation_token?: string | null;
        };
        for (const entry of body.content) {
          const line: LogLine =
            typeof entry === 'string'
              ? { event: entry }
              : {
                  event: String(entry.event ?? '') + describeErrorDetail(entry.error_detail),
                  timestamp: entry.timestamp as string | undefined,
                  level: entry.level as string | undefined,
                };
          if (line.event.startsWith('::group::') || line.event === '::endgroup::') continue;
          bytes += line.event.length;
          if (bytes > maxBytes) {
            truncated = true;
            break;
          }
          lines.push(line);
        }
        if (truncated || !body.continuation_token || body.content.length === 0) break;
        token = body.continuation_token;
      }
    }
    const minimum = opts.minLevel ? LEVELS.indexOf(opts.minLevel) : -1;
    let kept = lines
      .filter((l) => minimum < 0 || l.level === undefined || LEVELS.indexOf(l.level.toLowerCase()) >= minimum)
      .map((l) => ({ ...l, event: redactSecrets(l.event, secrets) }));
    if (opts.tail !== undefined && kept.length > opts.tail) {
      kept = kept.slice(-opts.tail);
      truncated = true;
    }
    return { lines: kept, truncated };
  }

  async function returnValue(dagId: string, runId: string, taskId: string): Promise<unknown> {
    if ((await ensureVersion()) === 2) return v1.returnValue(dagId, runId, taskId);
    const result = await api.GET(
      '/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries/{xcom_key}',
      {
        params: { path: { dag_id: dagId, dag_run_id: runId, task_id: taskId, xcom_key: 'return_value' } },
      },
    );
    if (result.response.status === 404) return undefined;
    return (unwrap(`Reading the result of ${taskId}`, result) as { value?: unknown }).value;
  }

  async function importErrors(filename?: string): Promise<ImportError[]> {
    if ((await ensureVersion()) === 2) return v1.importErrors(filename);
    const result = await api.GET('/api/v2/importErrors', {
      params: { query: { limit: 100, ...(filename ? { filename_pattern: filename } : {}) } },
    });
    return unwrap('Listing import errors', result).import_errors.filter(
      (e) => filename === undefined || e.filename === filename,
    );
  }

  async function reparseFile(fileToken: string): Promise<void> {
    if ((await ensureVersion()) === 2) return v1.reparseFile(fileToken);
    const result = await api.PUT('/api/v2/parseDagFile/{file_token}', { params: { path: { file_token: fileToken } } });
    // 409: a parse request for that file is already pending, which is what we want.
    if (!result.response.ok && result.response.status !== 409) unwrap('Requesting a reparse', result);
  }

  async function health(): Promise<
    Record<string, { status?: string | null; latest_scheduler_heartbeat?: string | null } | null>
  > {
    const response = await http.fetchPublic(
      (await ensureVersion()) === 2 ? '/api/v1/health' : '/api/v2/monitor/health',
    );
    if (!response.ok)
      throw new AirflowApiError({ status: response.status, message: `Airflow health answered ${response.status}` });
    return (await response.json()) as Record<string, { status?: string | null } | null>;
  }

  return {
    baseUrl,
    detectVersion,
    health,
    getDag,
    requireDag,
    listDags,
    setPaused,
    deleteDagMetadata,
    trigger,
    getRun,
    listRuns,
    taskInstances,
    taskLogs,
    returnValue,
    importErrors,
    reparseFile,
    forgetToken: () => http.forgetToken(),
  };
}

export type AirflowClient = ReturnType<typeof createAirflowClient>;
