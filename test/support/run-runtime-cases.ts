import type { ToolResult } from './mcp-tool-calls.js';
import type { RuntimeCase } from './runtime-case.js';

export interface TaskRun {
  task_id: string;
  state: string | null;
  duration_s: number | null;
}

/** What happened to one case: refused (with the answer's text), or deployed in a batch DAG and run. */
export interface CaseOutcome {
  refused?: string;
  dagId?: string;
  runId?: string;
  runState?: string;
  tasks: TaskRun[];
  /** Every answer about this case: the refusal, the run, check_dag_status, get_task_logs of its tasks. */
  answers: string[];
}

export type Caller = (name: string, args: Record<string, unknown>) => Promise<ToolResult>;

interface Planted {
  c: RuntimeCase;
  tasks: Record<string, unknown>[];
  dependencies: [string, string][];
}

/** The words sent with every caller spec: what the anchor task does, nothing the hostile tasks could contradict. */
const DESCRIPTION = 'run the pipeline in the attached spec';

const text = (r: ToolResult) => r.content.map((c) => c.text ?? '').join('\n');

/** Renames a case's task ids to `c<n>_<id>` so a batch keeps them apart and an error naming a task names its case. */
function plant(c: RuntimeCase, n: number, tasks: Record<string, unknown>[], deps: [string, string][]): Planted {
  const rename = (id: string) => `c${n}_${id}`.slice(0, 63);
  return {
    c,
    tasks: tasks.map((t) => ({ ...t, id: rename(String(t.id)) })),
    dependencies: deps.map(([a, b]) => [rename(a), rename(b)]),
  };
}

/**
 * Runs the cases the way an attacker would, through the real service and Airflow, as cheaply as Airflow time allows:
 * requests and updates are planned first (a refusal ends the case); every accepted spec is planted in a batch (one
 * task per case, ids renamed) beside a legitimate anchor task. Batches are sifted with previews (deploy: false): a
 * refusal names the task at fault, that case is refused and leaves. The survivors go into one DAG, deployed with
 * create_dag and run with run_dag (wait); then check_dag_status and get_task_logs of every task are read, as a
 * read-scope caller would.
 */
export async function runRuntimeCases(options: {
  cases: RuntimeCase[];
  call: Caller;
  /** The batch DAGs' ids: `${batchPrefix}_<n>`. */
  batchPrefix: string;
  /** update cases: the spec of the DAG they change (deployed once, not run). */
  updateBase?: Record<string, unknown>;
  /** Extra spec fields for every batch (retries, execution_timeout_s). */
  batchSpec?: Record<string, unknown>;
  /**
   * A legitimate task every batch carries (create_dag wants a spec to do what its words ask: move data). Previewed
   * alone first: if that is refused, the suite's set-up is wrong and nothing is run.
   */
  anchor: Record<string, unknown>;
  /** Legitimate tasks beside the anchor, each previewed first: a refusal means the set-up is wrong, not the attack. */
  controls?: Record<string, unknown>[];
  /** Called with each DAG id deployed, for the clean-up. */
  deployed: (dagId: string) => void;
  /** What each batch attempt answered, for the suite's summary. */
  trace?: (line: string) => void;
  /** Cases per DAG (a spec holds at most 50 tasks, the anchor included). */
  batchSize?: number;
}): Promise<Map<string, CaseOutcome>> {
  const { call, cases } = options;
  const outcomes = new Map<string, CaseOutcome>(cases.map((c) => [c.id, { tasks: [], answers: [] }]));
  const outcome = (c: RuntimeCase) => outcomes.get(c.id) as CaseOutcome;
  const planted: Planted[] = [];
  const started = Date.now();
  const elapsed = () => `[${((Date.now() - started) / 1000).toFixed(1)} s]`;
  const control = await call('create_dag', {
    task_description: DESCRIPTION,
    spec: { dag_id: `${options.batchPrefix}_control`, tasks: [options.anchor] },
    deploy: false,
  });
  if (control.isError) throw new Error(`the legitimate anchor task alone is refused: ${text(control)}`);
  for (const task of options.controls ?? []) {
    const r = await call('create_dag', {
      task_description: DESCRIPTION,
      spec: { dag_id: `${options.batchPrefix}_control`, tasks: [options.anchor, task] },
      deploy: false,
    });
    if (r.isError) throw new Error(`a legitimate control task is refused: ${JSON.stringify(task)}: ${text(r)}`);
  }

  let n = 0;
  let baseDag: string | undefined;
  for (const c of cases) {
    n++;
    if (c.entry === 'spec') {
      planted.push(plant(c, n, c.tasks ?? [], c.dependencies ?? []));
      continue;
    }
    let result: ToolResult;
    if (c.entry === 'request') {
      result = await call('create_dag', { task_description: c.text, deploy: false });
    } else {
      if (!baseDag) {
        const base = await call('create_dag', {
          task_description: DESCRIPTION,
          spec: options.updateBase,
          deploy: true,
        });
        if (base.isError) throw new Error(`the update cases' base DAG was refused: ${text(base)}`);
        baseDag = (base.structuredContent as { dag_id: string }).dag_id;
        options.deployed(baseDag);
      }
      result = await call('update_dag', { dag_id: baseDag, change_request: c.text });
    }
    outcome(c).answers.push(text(result));
    if (result.isError) {
      outcome(c).refused = text(result);
      continue;
    }
    const spec = (
      result.structuredContent as { spec: { tasks: Record<string, unknown>[]; dependencies?: [string, string][] } }
    ).spec;
    planted.push(plant(c, n, spec.tasks, spec.dependencies ?? []));
  }

  // Phase 1, sifting: each chunk previewed (deploy: false) until it passes; a refusal names the task at fault (or,
  // when it names none, each case is previewed alone), that case is refused with its own answer and leaves.
  // Small chunks: every preview reads each SQLite source's schema again, so a refusal costs per transfer it carries.
  const siftSize = 8;
  const survivors: Planted[] = [];
  for (let i = 0; i < planted.length; i += siftSize) {
    survivors.push(...(await sift(planted.slice(i, i + siftSize), `${options.batchPrefix}_sift`)));
  }
  const size = options.batchSize ?? 45;
  // Phase 2: every survivor in one DAG (a spec holds at most 50 tasks: then more than one), deployed and run.
  let index = 0;
  for (let i = 0; i < survivors.length; i += size) {
    await deployAndRun(survivors.slice(i, i + size), `${options.batchPrefix}_${++index}`);
  }

  function batchSpec(dagId: string, batch: Planted[]) {
    return {
      dag_id: dagId,
      ...options.batchSpec,
      tasks: [options.anchor, ...batch.flatMap((p) => p.tasks)],
      dependencies: batch.flatMap((p) => p.dependencies),
    };
  }

  function refuse(p: Planted, message: string) {
    outcome(p.c).refused = message;
    outcome(p.c).answers.push(message);
  }

  /**
   * The cases a refusal is about: those whose task it names, else the first whose filter or computed column it
   * quotes (expression errors name no task; the same expression may sit in several cases).
   */
  function blamed(message: string, batch: Planted[]): Planted[] {
    const byId = batch.filter((p) => p.tasks.some((t) => new RegExp(`\\b${String(t.id)}\\b`).test(message)));
    if (byId.length > 0) return byId;
    const quotes = (t: Record<string, unknown>) =>
      [t.filter, ...((t.columns as { expr?: string }[] | undefined) ?? []).map((c) => c.expr)].some(
        (e) => typeof e === 'string' && message.includes(`"${e.slice(0, 200)}"`),
      );
    return batch.filter((p) => p.tasks.some(quotes)).slice(0, 1);
  }

  async function sift(batch: Planted[], dagId: string): Promise<Planted[]> {
    let remaining = [...batch];
    while (remaining.length > 0) {
      const spec = batchSpec(dagId, remaining);
      const result = await call('create_dag', { task_description: DESCRIPTION, spec, deploy: false });
      options.trace?.(
        `${elapsed()} sift ${remaining.length} cases: ${result.isError ? `refused: ${text(result).slice(0, 200)}` : 'passes'}`,
      );
      if (!result.isError) return remaining;
      const message = text(result);
      const named = blamed(message, remaining);
      if (named.length > 0) {
        for (const p of named) refuse(p, message);
        remaining = remaining.filter((p) => !named.includes(p));
        continue;
      }
      const alone = await previewEach(remaining);
      if (alone.size === 0) throw new Error(`batch ${dagId} refused, yet each of its cases passes alone: ${message}`);
      for (const [p, own] of alone) refuse(p, own);
      remaining = remaining.filter((p) => !alone.has(p));
    }
    return remaining;
  }

  // Deployed by create_dag, then run by run_dag (create_dag's own run does not pass the caller's tenant on: a named
  // tenant's run comes back NOT_FOUND after the deploy).
  async function deployAndRun(batch: Planted[], dagId: string) {
    const result = await call('create_dag', {
      task_description: DESCRIPTION,
      spec: batchSpec(dagId, batch),
      deploy: true,
    });
    options.trace?.(`${elapsed()} ${dagId} (${batch.length} cases): ${result.isError ? text(result) : 'deployed'}`);
    if (result.isError) {
      // It passed the preview: a refusal now is the deploy's (Airflow's import check), and counts for every case.
      for (const p of batch) refuse(p, text(result));
      return;
    }
    const deployedId = (result.structuredContent as { dag_id: string }).dag_id;
    options.deployed(deployedId);
    const run = await call('run_dag', { dag_id: deployedId, wait: true, timeout_s: 600 });
    const summary = run.structuredContent as { run_id?: string; state?: string; tasks?: TaskRun[] } | undefined;
    options.trace?.(`${elapsed()} ${deployedId}: run ${summary?.state ?? text(run).slice(0, 300)}`);
    const status = summary?.run_id
      ? await call('check_dag_status', { dag_id: deployedId, run_id: summary.run_id })
      : undefined;
    const tasks = (status?.structuredContent as { tasks?: TaskRun[] } | undefined)?.tasks ?? summary?.tasks ?? [];
    const answers = [text(result), text(run) + JSON.stringify(summary ?? {})];
    if (status) answers.push(text(status) + JSON.stringify(status.structuredContent ?? {}));
    for (const p of batch) {
      const o = outcome(p.c);
      const ids = new Set(p.tasks.map((t) => String(t.id)));
      Object.assign(o, {
        dagId: deployedId,
        runId: summary?.run_id,
        runState: summary?.state ?? `no run: ${text(run).slice(0, 200)}`,
        tasks: tasks.filter((t) => ids.has(t.task_id)),
      });
      o.answers.push(...answers);
      if (!summary?.run_id) continue;
      for (const id of ids) {
        const logs = await call('get_task_logs', { dag_id: deployedId, run_id: summary.run_id, task_id: id });
        o.answers.push(text(logs) + JSON.stringify(logs.structuredContent ?? {}));
      }
    }
  }

  /** Each case previewed alone (deploy: false): the refused ones, with their own answers. */
  async function previewEach(batch: Planted[]): Promise<Map<Planted, string>> {
    const refused = new Map<Planted, string>();
    for (const p of batch) {
      const r = await call('create_dag', {
        task_description: DESCRIPTION,
        spec: batchSpec(`${options.batchPrefix}_preview`, [p]),
        deploy: false,
      });
      if (r.isError) refused.set(p, text(r));
    }
    return refused;
  }

  return outcomes;
}

/** One line per case: refused (and why) or how its run went. */
export function summarize(cases: RuntimeCase[], outcomes: Map<string, CaseOutcome>): string {
  return cases
    .map((c) => {
      const o = outcomes.get(c.id);
      if (!o) return `${c.id}: no outcome`;
      if (o.refused !== undefined) return `${c.id}: REFUSED ${o.refused.replace(/\s+/g, ' ').slice(0, 160)}`;
      return `${c.id}: RAN run=${o.runState} ${o.tasks.map((t) => `${t.task_id}=${t.state}/${t.duration_s}s`).join(' ')}`;
    })
    .join('\n');
}
