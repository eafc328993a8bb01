import type { AirflowService } from '@airflow-mcp/agent';
import { toAppError } from '@airflow-mcp/core';
import type { ResourceLinkContent, ResourceProvider } from '../define-tool.js';

const RUNS = 'airflow-mcp://runs/';
const LOG_TAIL = 500;

/** The URI of a run's state (tasks, durations, failure logs) as a resource. */
export function runUri(dagId: string, runId: string): string {
  return `${RUNS}${encodeURIComponent(dagId)}/${encodeURIComponent(runId)}`;
}

/** The URI of a task's log (latest try) in a run. */
export function taskLogUri(dagId: string, runId: string, taskId: string): string {
  return `${runUri(dagId, runId)}/logs/${encodeURIComponent(taskId)}`;
}

/** Links to a run and to the log of each of its tasks, for answers that hand a run over to the client to follow. */
export function runLinks(dagId: string, runId: string, taskIds: readonly string[]): ResourceLinkContent[] {
  return [
    {
      type: 'resource_link',
      uri: runUri(dagId, runId),
      name: `run ${runId}`,
      description: `State of run ${runId} of ${dagId} (read it again to follow the run)`,
      mimeType: 'application/json',
    },
    ...taskIds.map((taskId): ResourceLinkContent => ({
      type: 'resource_link',
      uri: taskLogUri(dagId, runId, taskId),
      name: `log ${taskId}`,
      description: `Log of task ${taskId} (latest try) in run ${runId}`,
      mimeType: 'text/plain',
    })),
  ];
}

/** A NOT_FOUND from Airflow (or from the owner check) reads as a missing resource; anything else is thrown. */
async function orMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (toAppError(error).code === 'NOT_FOUND' || toAppError(error).code === 'FORBIDDEN') return undefined;
    throw error;
  }
}

/**
 * Runs and task logs as resources, in the caller's tenant: what a long run's answer links to, so a client can follow
 * the run after the bounded wait of create_dag/run_dag. Not listed (there are too many); reached through the links.
 */
export function runResources(airflow: Pick<AirflowService, 'status' | 'logs'>): ResourceProvider[] {
  return [
    {
      name: 'runs',
      description: 'A DAG run: state, task states and durations, the log tail of failed tasks (JSON)',
      uriTemplate: `${RUNS}{dag_id}/{run_id}`,
      list: async () => [],
      async read(uri, caller) {
        const match = /^airflow-mcp:\/\/runs\/([^/]+)\/([^/]+)$/.exec(uri);
        if (!match?.[1] || !match[2]) return undefined;
        const [dagId, runId] = [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
        const summary = await orMissing(() => airflow.status(dagId, runId, caller.tenant));
        return summary && { uri, mimeType: 'application/json', text: JSON.stringify(summary, null, 2) };
      },
    },
    {
      name: 'task-logs',
      description: "A task's log in a run, latest try, last 500 lines (secrets masked)",
      uriTemplate: `${RUNS}{dag_id}/{run_id}/logs/{task_id}`,
      list: async () => [],
      async read(uri, caller) {
        const match = /^airflow-mcp:\/\/runs\/([^/]+)\/([^/]+)\/logs\/([^/]+)$/.exec(uri);
        if (!match?.[1] || !match[2] || !match[3]) return undefined;
        const [dagId, runId, taskId] = [match[1], match[2], match[3]].map(decodeURIComponent) as [
          string,
          string,
          string,
        ];
        const summary = await orMissing(() => airflow.status(dagId, runId, caller.tenant));
        const task = summary?.tasks.find((t) => t.task_id === taskId);
        if (!task) return undefined;
        const logs = await orMissing(() =>
          airflow.logs(dagId, runId, taskId, Math.max(1, task.try_number), { tail: LOG_TAIL }, caller.tenant),
        );
        if (!logs) return undefined;
        const text = logs.lines.map((l) => `${l.timestamp ?? ''} ${l.level ?? ''} ${l.event}`.trim()).join('\n');
        return { uri, mimeType: 'text/plain', text: logs.truncated ? `(older lines omitted)\n${text}` : text };
      },
    },
  ];
}
