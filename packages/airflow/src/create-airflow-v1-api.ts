import { basename } from 'node:path';
import { AirflowApiError, describeErrorBody } from './airflow-api-error.js';
import type { DagInfo, DagRun, ImportError, LogLine, TaskInstance } from './create-airflow-client.js';
import { parsePythonLiteral } from './parse-python-literal.js';

/**
 * Airflow 2.x, REST API v1 (Basic auth), answering in the v2 shapes the rest of the code reads: a DAG's
 * `is_active: false` is `is_stale`, a run's `logical_date` is its `run_after`, an XCom value (JSON text in v1) is
 * parsed, and the plain-text task log is split into lines with their level. Verified against apache-airflow 2.11.2
 * (test/airflow2/).
 */
export function createAirflowV1Api(options: { baseUrl: string; fetch: (request: Request) => Promise<Response> }) {
  const dag = (dagId: string) => `/dags/${encodeURIComponent(dagId)}`;
  const run = (dagId: string, runId: string) => `${dag(dagId)}/dagRuns/${encodeURIComponent(runId)}`;

  async function call<T>(what: string, method: string, path: string, init: { body?: unknown; accept?: string } = {}) {
    const response = await options.fetch(
      new Request(`${options.baseUrl}/api/v1${path}`, {
        method,
        headers: {
          accept: init.accept ?? 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      }),
    );
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* text/plain logs */
    }
    if (!response.ok)
      throw new AirflowApiError({
        status: response.status,
        message: `${what} failed: Airflow answered ${response.status} ${describeErrorBody(parsed)}`,
      });
    return parsed as T;
  }

  /** undefined on 404, the thrown error otherwise. */
  async function orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof AirflowApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  const toDag = (d: DagInfo & { is_active?: boolean | null }): DagInfo => ({
    ...d,
    dag_display_name: d.dag_display_name ?? d.dag_id,
    is_stale: d.is_active === false,
  });
  const toRun = (r: DagRun & { execution_date?: string | null }): DagRun => ({
    ...r,
    run_after: r.run_after ?? r.logical_date ?? r.execution_date ?? '',
  });

  async function getRun(dagId: string, runId: string): Promise<DagRun> {
    return toRun(await call(`Reading run ${runId} of ${dagId}`, 'GET', run(dagId, runId)));
  }

  return {
    getRun,

    async getDag(dagId: string): Promise<DagInfo | undefined> {
      const found = await orUndefined(call<DagInfo>(`Reading DAG ${dagId}`, 'GET', dag(dagId)));
      return found && toDag(found);
    },

    async listDags(filter: { pattern?: string; tags?: string[]; limit?: number; offset?: number }) {
      const query = new URLSearchParams({ limit: String(filter.limit ?? 100), offset: String(filter.offset ?? 0) });
      if (filter.pattern) query.set('dag_id_pattern', filter.pattern);
      for (const tag of filter.tags ?? []) query.append('tags', tag);
      const body = await call<{ dags: DagInfo[]; total_entries: number }>('Listing DAGs', 'GET', `/dags?${query}`);
      return { dags: body.dags.map(toDag), total_entries: body.total_entries };
    },

    async setPaused(dagId: string, paused: boolean): Promise<DagInfo> {
      const what = `${paused ? 'Pausing' : 'Unpausing'} DAG ${dagId}`;
      return toDag(await call(what, 'PATCH', `${dag(dagId)}?update_mask=is_paused`, { body: { is_paused: paused } }));
    },

    async deleteDag(dagId: string): Promise<void> {
      await orUndefined(call(`Deleting DAG ${dagId}`, 'DELETE', dag(dagId)));
    },

    /**
     * Without a logical_date Airflow 2 takes the trigger time (logical dates are unique per DAG, so two runs need two
     * instants; our run ids differ anyway). 409 for our own run id: an earlier attempt got through, that run is it.
     */
    async trigger(dagId: string, input: { runId: string; conf?: Record<string, unknown> }): Promise<DagRun> {
      try {
        const body = { dag_run_id: input.runId, conf: input.conf ?? {} };
        return toRun(await call(`Triggering DAG ${dagId}`, 'POST', `${dag(dagId)}/dagRuns`, { body }));
      } catch (error) {
        if (!(error instanceof AirflowApiError && error.status === 409)) throw error;
        const existing = await orUndefined(getRun(dagId, input.runId));
        if (existing) return existing;
        throw error;
      }
    },

    async listRuns(dagId: string, limit: number): Promise<DagRun[]> {
      const path = `${dag(dagId)}/dagRuns?limit=${limit}&order_by=-execution_date`;
      const body = await call<{ dag_runs: DagRun[] }>(`Listing runs of ${dagId}`, 'GET', path);
      return body.dag_runs.map(toRun);
    },

    async taskInstances(dagId: string, runId: string): Promise<TaskInstance[]> {
      // v1 pages 100 task instances by default.
      const path = `${run(dagId, runId)}/taskInstances`;
      return (await call<{ task_instances: TaskInstance[] }>(`Reading tasks of ${runId}`, 'GET', path)).task_instances;
    },

    /**
     * The whole log of one try as lines. The text starts with the worker's host name, dropped; `[time] {file.py:12} LEVEL -
     * text` gives the level (a traceback's lines take the level of the line that started it); Airflow's own
     * `*** Found local files` notes and `::group::` markers are left out.
     */
    async taskLogLines(dagId: string, runId: string, taskId: string, tryNumber: number): Promise<LogLine[]> {
      const path = `${run(dagId, runId)}/taskInstances/${encodeURIComponent(taskId)}/logs/${tryNumber}?full_content=true`;
      const text = await call<unknown>(`Reading logs of ${taskId}`, 'GET', path, { accept: 'text/plain' });
      const lines: LogLine[] = [];
      let level: string | undefined;
      const all = String(text).split('\n');
      for (const raw of /^\S*$/.test(all[0] ?? '') ? all.slice(1) : all) {
        if (raw.startsWith('*** ')) continue;
        const match = /^(?:\[([^\]]+)\] \{[^}]*\})? *(DEBUG|INFO|WARNING|ERROR|CRITICAL) - (.*)$/.exec(raw);
        if (!match) {
          lines.push({ level, event: raw });
          continue;
        }
        level = match[2]?.toLowerCase();
        const event = match[3] ?? '';
        if (event.startsWith('::group::') || event === '::endgroup::') continue;
        lines.push({ ...(match[1] ? { timestamp: match[1] } : {}), level, event });
      }
      while (lines.length > 0 && lines.at(-1)?.event === '') lines.pop();
      return lines;
    },

    /**
     * v1 gives an XCom value as Python's str() of it (`{'rows': 42}`) unless the deployment turned on
     * `[api] enable_xcom_deserialize_support`: read back as JSON where it is plain data, else the text as it is.
     */
    async returnValue(dagId: string, runId: string, taskId: string): Promise<unknown> {
      const path = `${run(dagId, runId)}/taskInstances/${encodeURIComponent(taskId)}/xcomEntries/return_value`;
      const entry = await orUndefined(call<{ value?: unknown }>(`Reading the result of ${taskId}`, 'GET', path));
      return typeof entry?.value === 'string' ? parsePythonLiteral(entry.value) : entry?.value;
    },

    /** v1 names files by their absolute path: matched on the file name. */
    async importErrors(filename?: string): Promise<ImportError[]> {
      const body = await call<{ import_errors: ImportError[] }>(
        'Listing import errors',
        'GET',
        '/importErrors?limit=100',
      );
      return body.import_errors.filter((e) => filename === undefined || basename(e.filename) === filename);
    },

    /** `PUT /parseDagFile/{file_token}` (Airflow 2.10+); 409 means a request is already pending. */
    async reparseFile(fileToken: string): Promise<void> {
      try {
        await call('Requesting a reparse', 'PUT', `/parseDagFile/${encodeURIComponent(fileToken)}`);
      } catch (error) {
        if (!(error instanceof AirflowApiError && error.status === 409)) throw error;
      }
    },
  };
}

export type AirflowV1Api = ReturnType<typeof createAirflowV1Api>;
