import { createHash } from 'node:crypto';
import type { Engine, PipelineSpec, TaskSpec } from '../spec/pipeline-spec.js';
import { expandSteps } from './expand-steps.js';
import { indent, py } from './python-literal.js';
import { renderQualityTask, renderSqlTask } from './render-quality-task.js';
import type { TransferPath } from './plan-native-transfer.js';
import { copyHelperOf, renderTransferTask, transferPathOf, type SourceColumn } from './render-transfer.js';
import { runtimeHelpers } from './runtime-helpers.js';
import { topologicalOrder } from './topological-order.js';

export interface CompileOptions {
  /** 3 emits `airflow.sdk` imports; 2 emits the `airflow.decorators` ones of Airflow 2.x. */
  airflowMajor: 2 | 3;
  /** Introspected columns of each transfer task's source table, by task id. */
  sourceColumns?: Readonly<Record<string, readonly SourceColumn[]>>;
  /** The start date when the spec has none: the deploy time (fixed default keeps compiles deterministic in tests). */
  defaultStartDate?: Date;
}

export interface CompiledDag {
  dagId: string;
  /** The Python module, without the generated-file header (the deployer adds it). */
  code: string;
  specHash: string;
  /** Each transfer task's run-time path: native (DuckDB's scanner, or one COPY stream) or streaming, and why. */
  transferPaths: { task: string; path: TransferPath }[];
}

/** A stable hash of the spec: keys sorted, so equal specs hash equally whatever order the planner wrote them in. */
export function specHash(spec: PipelineSpec): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(spec)))
    .digest('hex')
    .slice(0, 16);
}

function enginesOf(task: TaskSpec): Engine[] {
  if (task.type === 'transfer') return [task.source.kind, task.target.kind];
  return [task.connection.kind];
}

// BaseHook lives in the Task SDK on Airflow 3 and in airflow.hooks.base on Airflow 2.
const ALERT = (connId: string, airflowMajor: 2 | 3) => `def _alert_failure(context):
    import json
    import urllib.request

    ${airflowMajor === 3 ? 'from airflow.sdk import BaseHook' : 'from airflow.hooks.base import BaseHook'}

    conn = BaseHook.get_connection(${py(connId)})
    host = conn.host or ""
    url = host if "://" in host else "%s://%s%s" % (conn.schema or "https", host, ":%d" % conn.port if conn.port else "")
    ti = context.get("ti")
    text = "Airflow task failed: dag %s, task %s, run %s" % (
        getattr(ti, "dag_id", "?"),
        getattr(ti, "task_id", "?"),
        getattr(ti, "run_id", "?"),
    )
    request = urllib.request.Request(
        url, data=json.dumps({"text": text}).encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=10).close()`;

/**
 * Spec -> DAG module. Deterministic: the same spec and options give the same bytes. Every user-provided string
 * reaches Python only through py() and SQL only as a quoted identifier, an escaped literal or an allow-listed
 * expression.
 */
export function compileDag(spec: PipelineSpec, options: CompileOptions): CompiledDag {
  // The step shape ("extract, transform, load, validate") is a task graph of its own: one place expands it.
  const graph = expandSteps(spec, options.sourceColumns);
  const order = topologicalOrder(graph);
  const engines = new Set(graph.tasks.flatMap(enginesOf));
  const hasTransfer = graph.tasks.some((t) => t.type === 'transfer');
  const sources = new Set(graph.tasks.flatMap((t) => (t.type === 'transfer' ? [t.source.kind] : [])));
  const imports =
    options.airflowMajor === 3 ? 'from airflow.sdk import dag, task' : 'from airflow.decorators import dag, task';
  const start = spec.start_date
    ? new Date(`${spec.start_date.length === 10 ? `${spec.start_date}T00:00` : spec.start_date}:00Z`)
    : (options.defaultStartDate ?? new Date(Date.UTC(2024, 0, 1)));
  const startArgs = [
    start.getUTCFullYear(),
    start.getUTCMonth() + 1,
    start.getUTCDate(),
    start.getUTCHours(),
    start.getUTCMinutes(),
  ];
  const defaultArgs = [
    `"owner": ${py(spec.owner)}`,
    `"retries": ${spec.retries}`,
    `"retry_delay": timedelta(seconds=${spec.retry_delay_s})`,
    `"execution_timeout": timedelta(seconds=${spec.execution_timeout_s})`,
    ...(spec.failure_webhook_conn_id ? ['"on_failure_callback": _alert_failure'] : []),
  ];
  const tags = [...new Set(['airflow-mcp', ...spec.tags])];
  const tasks = order.map((id) => graph.tasks.find((t) => t.id === id) as TaskSpec);
  const transferPaths = tasks.flatMap((task) =>
    task.type === 'transfer' ? [{ task, path: transferPathOf(task, graph.sourceColumns[task.id]) }] : [],
  );
  // The COPY helpers only in DAGs that take a COPY path, for the sources they copy from.
  const copySources = new Set(
    transferPaths.flatMap(({ task }) => copyHelperOf(task, graph.sourceColumns[task.id]) ?? []),
  );
  const taskCode = tasks.map((task) => {
    if (task.type === 'transfer') return renderTransferTask(task, graph.sourceColumns[task.id]);
    if (task.type === 'quality_check') return renderQualityTask(task);
    return renderSqlTask(task);
  });
  const wiring = [
    ...tasks.map((t) => `${t.id}_ = t_${t.id}()`),
    ...graph.dependencies.map(([up, down]) => `${up}_ >> ${down}_`),
  ];
  const code = `"""${spec.dag_id}: generated by airflow-mcp-rag from a pipeline spec. Edit the spec, not this file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

${imports}


${runtimeHelpers(engines, { transfer: hasTransfer, sources, copySources })}
${spec.failure_webhook_conn_id ? `\n\n${ALERT(spec.failure_webhook_conn_id, options.airflowMajor)}\n` : ''}

@dag(
    dag_id=${py(spec.dag_id)},
    description=${py(spec.description.slice(0, 500) || null)},
    schedule=${py(spec.schedule)},
    start_date=datetime(${startArgs.join(', ')}, tzinfo=timezone.utc),
    catchup=${py(spec.catchup)},
    max_active_runs=1,
    tags=${py(tags)},
    default_args={${defaultArgs.join(', ')}},
    doc_md=${py(spec.description || null)},
)
def generated_dag():
${indent(taskCode.join('\n\n'), 4)}

${indent(wiring.join('\n'), 4)}


generated_dag()
`;
  return {
    dagId: spec.dag_id,
    code,
    specHash: specHash(spec),
    transferPaths: transferPaths.map(({ task, path }) => ({ task: task.id, path })),
  };
}
