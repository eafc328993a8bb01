import { AppError, isAppError, redactSecrets, type Logger } from '@airflow-mcp/core';
import { renderDagFileHeader } from '@airflow-mcp/airflow';
import {
  checkPython,
  compileDag,
  describeConnection,
  introspectDuckdb,
  INTROSPECTION_DAG_ID,
  introspectionDagSource,
  serverTypeOf,
  introspectSqlite,
  resolveDataPath,
  resolveDataPaths,
  validateSpec,
  type Connection,
  type PipelineSpec,
  type PipelineSpecInput,
  type SourceColumn,
} from '@airflow-mcp/pipeline';
import type { AirflowService } from '../airflow/create-airflow-service.js';
import { detectLanguage, type Language } from '../i18n/detect-language.js';
import { deployedMessage, runMessage } from '../i18n/messages.js';
import type { PlannerRouter } from '../planning/create-planner-router.js';
import type { DagVersionStore } from '../versions/dag-version-store.js';
import type { FeedbackStore } from '../feedback/feedback-store.js';
import { editSpec } from '../planning/edit-spec.js';
import { assertOwnsDag, DEFAULT_TENANT, scopeDagId, tenantDataDirs } from '../tenancy/tenant-scope.js';
import type { PlanningContext } from '../planning/planner.js';
import type { SampleFunction } from '@airflow-mcp/llm';
import type { RunProgress } from '@airflow-mcp/airflow';

/** What planning and search_docs need of the knowledge base's retriever (the knowledge package's Retriever fits). */
export interface DocsRetriever {
  search(
    query: string,
    options: {
      k?: number;
      minScore?: number;
      filters?: { doc_type?: string; category?: string; airflow_version?: string; lang?: string };
    },
  ): Promise<readonly { doc: string; title: string; section: string; score: number; text: string }[]>;
}

/** A tenant's DAG ids carry its prefix and its tag, whatever the planner wrote. */
function scopeToTenant(spec: PipelineSpecInput, tenant: string): PipelineSpecInput {
  if (tenant === DEFAULT_TENANT || typeof spec !== 'object' || spec === null) return spec;
  const dagId = typeof spec.dag_id === 'string' ? scopeDagId(spec.dag_id, tenant) : spec.dag_id;
  const tags = Array.isArray(spec.tags) ? spec.tags : [];
  return { ...spec, dag_id: dagId, tags: [...tags.filter((t) => !t.startsWith('tenant:')), `tenant:${tenant}`] };
}

/** What the service reports as it works, for metrics. */
export interface DagEvents {
  planned?(event: { planner: string; ok: boolean; attempts: number; inputTokens: number; outputTokens: number }): void;
  ran?(event: { dagId: string; state: string; durationS: number | null; rowsByTask: Record<string, number> }): void;
  retrieved?(event: { scores: readonly number[] }): void;
}

export interface CreateDagServiceOptions {
  events?: DagEvents;
  airflow: AirflowService;
  planner: PlannerRouter;
  /** Rated request/spec pairs reused as examples for similar requests (model planners see them). */
  feedback?: FeedbackStore | undefined;
  /** Knowledge retrieval for planning (the context and its sources are returned with each result). */
  retriever?: DocsRetriever | undefined;
  /** Version history and audit log (in the database); without it versions come from the file headers only. */
  versions?: DagVersionStore | undefined;
  allowedDataDirs: readonly string[];
  /** A Python with the pinned Airflow (the local venv) for the compile, AST and import checks. */
  python: string | undefined;
  logger?: Logger;
  generatorVersion: string;
}

export interface CreateDagInput {
  request: string;
  /** A PipelineSpec filled by the caller (an agent can plan itself): planning is skipped, validation is not. */
  spec?: unknown;
  sourceDb?: string | undefined;
  targetDb?: string | undefined;
  schedule?: string | undefined;
  deploy: boolean;
  run: boolean;
  wait: boolean;
  timeoutMs: number;
  onProgress?: (message: string) => void | Promise<void>;
  signal?: AbortSignal;
  /** The connected client's model, when it offers sampling. */
  sampling?: SampleFunction | undefined;
  /** Who asks: recorded with every version and in the audit log. */
  actor?: { id: string; tenant: string } | undefined;
}

type PlanResult = {
  spec: PipelineSpecInput;
  planner: string;
  notes: string[];
  attempts: number;
  usage?: { inputTokens: number; outputTokens: number };
};

interface BuildArgs extends Omit<CreateDagInput, 'request' | 'spec' | 'sampling'> {
  plan: PlanResult;
  language: Language;
  progress: (message: string) => Promise<void>;
  reason: string;
  action: 'create_dag' | 'update_dag' | 'rollback_dag';
}

export interface CheckOutcome {
  step: string;
  ok: boolean;
  detail?: string;
}

export interface CreateDagResult {
  dag_id: string;
  /** The knowledge retrieved for planning, with scores (create_dag only). */
  sources?: { doc: string; section: string; score: number }[];
  /** The deployed version (null for a preview). */
  version: number | null;
  file: string | null;
  spec: PipelineSpec;
  code: string;
  checks: CheckOutcome[];
  deployed: boolean;
  planner: string;
  notes: string[];
  language: Language;
  run?: {
    run_id: string;
    state: string;
    duration_s: number | null;
    rows: number | null;
    target: string;
    tasks: { task_id: string; state: string | null }[];
    failed_logs?: { task_id: string; lines: string[] }[];
  };
  message: string;
}

/**
 * The heart of the product: request -> plan -> validation ladder -> compile -> Python/AST/Airflow checks -> deploy ->
 * run -> follow -> result in the user's language. Nothing reaches DAGS_DIR unless every check before it passed.
 */
export function createDagService(options: CreateDagServiceOptions) {
  let airflowMajor: 2 | 3 | undefined;

  async function introspect(connection: Connection, table?: string, dirs: readonly string[] = options.allowedDataDirs) {
    if (connection.kind === 'sqlite') {
      return introspectSqlite(resolveDataPath(connection.path, dirs, 'Source'), table);
    }
    if (connection.kind === 'postgres' || connection.kind === 'mysql')
      return introspectThroughAirflow(connection, table);
    if (connection.kind === 'duckdb' && options.python) {
      return introspectDuckdb(resolveDataPath(connection.path, dirs, 'Source'), options.python, table);
    }
    return undefined;
  }

  /**
   * PostgreSQL / MySQL schemas, read by Airflow through the connection (the credentials never leave Airflow): the
   * fixed introspection DAG is deployed once, then run with {kind, conn_id, table} and its XCom read back.
   */
  async function introspectThroughAirflow(
    connection: Extract<Connection, { kind: 'postgres' | 'mysql' }>,
    table?: string,
  ): Promise<{ tables: string[]; columns: SourceColumn[] | undefined; rowCount: number | undefined }> {
    airflowMajor ??= (await options.airflow.client.detectVersion()).major;
    const source =
      renderDagFileHeader({
        dagId: INTROSPECTION_DAG_ID,
        specHash: 'introspection-v1',
        version: 1,
        generator: options.generatorVersion,
      }) + introspectionDagSource(airflowMajor);
    await options.airflow.deployer.deploy({ dagId: INTROSPECTION_DAG_ID, source });
    const summary = await options.airflow.run({
      dagId: INTROSPECTION_DAG_ID,
      wait: true,
      timeoutMs: 120_000,
      conf: {
        kind: connection.kind,
        conn_id: connection.conn_id,
        ...(table ? { table } : {}),
        ...('schema' in connection && connection.schema ? { schema: connection.schema } : {}),
      },
    });
    if (summary.state !== 'success') {
      const why =
        summary.failed_logs?.[0]?.lines
          .filter((l) => /error/i.test(l))
          .slice(-2)
          .join(' | ') ?? summary.state;
      throw new AppError(
        'DEPENDENCY_FAILED',
        `Airflow could not read the schema through connection "${connection.conn_id}" (${connection.kind}): ${why.slice(0, 500)}. Check that the connection exists in Airflow and reaches the database.`,
        { details: { step: 'source-schema', run_id: summary.run_id } },
      );
    }
    const value = (await options.airflow.client.returnValue(INTROSPECTION_DAG_ID, summary.run_id, 'inspect')) as {
      tables: string[];
      columns?: { name: string; declared: string; nullable: boolean }[];
      rowCount?: number;
    };
    return {
      tables: value.tables,
      columns: value.columns?.map((c) => ({
        name: c.name,
        type: serverTypeOf(c.declared),
        declared: c.declared,
        nullable: c.nullable,
      })),
      rowCount: value.rowCount,
    };
  }

  /** inspect_source: tables (with row counts) of a source, or one table's columns, types, keys and rows. */
  async function inspect(sourceDb: string, table?: string, tenant = DEFAULT_TENANT) {
    const dirs = tenantDataDirs(options.allowedDataDirs, tenant);
    const connection: Connection = /^(postgres|postgresql):/i.test(sourceDb)
      ? { kind: 'postgres', conn_id: sourceDb.split(':')[1] ?? '' }
      : /^mysql:/i.test(sourceDb)
        ? { kind: 'mysql', conn_id: sourceDb.split(':')[1] ?? '' }
        : { kind: /\.(duckdb|ddb)$/i.test(sourceDb) ? 'duckdb' : 'sqlite', path: sourceDb };
    const info = await introspect(connection, table, dirs);
    if (!info) {
      throw new AppError(
        'UNAVAILABLE',
        'Reading DuckDB files needs a Python with duckdb: set AIRFLOW_PYTHON (the Airflow virtualenv has it).',
      );
    }
    if (table !== undefined && !info.columns) {
      throw new AppError(
        'NOT_FOUND',
        `No table "${table}" in ${sourceDb}. Tables: ${info.tables.join(', ') || 'none'}.`,
      );
    }
    const tables = [];
    if (table === undefined) {
      // Row counts per table cost one Airflow run each on PostgreSQL/MySQL: only asked for one table there.
      for (const name of info.tables) {
        const rows = 'path' in connection ? ((await introspect(connection, name, dirs))?.rowCount ?? null) : null;
        tables.push({ name, rows });
      }
    }
    return {
      engine: connection.kind,
      source: 'path' in connection ? resolveDataPath(connection.path, dirs, 'Source') : sourceDb,
      tables: table === undefined ? tables : [{ name: table, rows: info.rowCount ?? null }],
      ...(info.columns
        ? {
            columns: info.columns.map((c) => ({
              name: c.name,
              type: c.type ?? null,
              declared_type: c.declared ?? null,
              nullable: c.nullable ?? null,
              primary_key: c.primaryKey ?? false,
            })),
          }
        : {}),
    };
  }

  async function sourceColumns(spec: PipelineSpec): Promise<Record<string, SourceColumn[]>> {
    const out: Record<string, SourceColumn[]> = {};
    for (const task of spec.tasks) {
      if (task.type !== 'transfer' || task.source.kind !== 'sqlite') continue;
      const info = introspectSqlite(task.source.path, task.source_table);
      if (!info.columns) {
        throw new AppError(
          'VALIDATION_FAILED',
          `Task ${task.id}: the source has no table "${task.source_table}" (tables: ${info.tables.join(', ') || 'none'}).`,
          { details: { step: 'source-schema' } },
        );
      }
      out[task.id] = info.columns;
    }
    return out;
  }

  async function create(input: CreateDagInput): Promise<CreateDagResult> {
    const language = detectLanguage(input.request);
    const progress = async (message: string) => input.onProgress?.(message);
    await progress('retrieving Airflow knowledge');
    const retrieved = options.retriever
      ? await options.retriever.search(input.request, { k: 5 }).catch((error: unknown) => {
          options.logger?.warn({ err: error }, 'knowledge retrieval failed; planning without it');
          return [];
        })
      : [];
    options.events?.retrieved?.({ scores: retrieved.map((r) => r.score) });
    const examples = options.feedback ? await options.feedback.examples(input.request).catch(() => []) : [];
    const context: PlanningContext = {
      request: input.request,
      language,
      hints: { sourceDb: input.sourceDb, targetDb: input.targetDb, schedule: input.schedule },
      introspect: (connection, table) =>
        introspect(connection, table, tenantDataDirs(options.allowedDataDirs, input.actor?.tenant ?? DEFAULT_TENANT)),
      knowledge: [
        ...examples.map((e) => ({
          title: 'A similar request its user rated well',
          section: e.request.slice(0, 200),
          text: `Request: ${e.request}\nSpec: ${JSON.stringify(e.spec)}${e.correction ? `\nUser's note: ${e.correction}` : ''}`,
          score: e.similarity,
        })),
        ...retrieved.map((r) => ({ title: r.title, section: r.section, text: r.text, score: r.score })),
      ],
      previousFailures: [],
    };
    await progress('planning');
    let plan;
    try {
      plan =
        input.spec !== undefined
          ? {
              spec: input.spec as PipelineSpecInput,
              planner: 'caller',
              notes: ['spec given by the caller'],
              attempts: 0,
            }
          : await options.planner.plan(context, input.sampling);
    } catch (error) {
      options.events?.planned?.({ planner: 'unknown', ok: false, attempts: 1, inputTokens: 0, outputTokens: 0 });
      throw error;
    }
    const sources = retrieved.map((r) => ({
      doc: r.doc,
      section: r.section,
      score: Math.round(r.score * 1000) / 1000,
    }));
    return {
      ...(await build({ ...input, plan, language, progress, reason: input.request, action: 'create_dag' })),
      sources,
    };
  }

  /** Everything after planning: the ladder, compile, checks, deploy, version record, audit, run. */
  async function build(args: BuildArgs): Promise<CreateDagResult> {
    const { plan, language, progress } = args;
    const input = args;
    const checks: CheckOutcome[] = [];
    const actor = args.actor ?? { id: 'local', tenant: 'default' };
    let recordedHash: string | null = null;
    try {
      return await buildUnaudited();
    } catch (error) {
      if (args.deploy) {
        await options.versions
          ?.audit({
            actor: actor.id,
            tenant: actor.tenant,
            action: args.action,
            dag_id:
              typeof (plan.spec as { dag_id?: unknown }).dag_id === 'string'
                ? (plan.spec as { dag_id: string }).dag_id
                : null,
            spec_hash: recordedHash,
            outcome: `failed: ${isAppError(error) ? error.code : 'INTERNAL'}`,
            detail: redactSecrets(error instanceof Error ? error.message : String(error)),
          })
          .catch(() => undefined);
      }
      throw error;
    }

    async function buildUnaudited(): Promise<CreateDagResult> {
      const plannerName = plan.planner.split(' ')[0] ?? plan.planner;
      const usage = 'usage' in plan && plan.usage ? plan.usage : { inputTokens: 0, outputTokens: 0 };

      const step = <T>(name: string, fn: () => T): T => {
        try {
          const value = fn();
          checks.push({ step: name, ok: true });
          return value;
        } catch (error) {
          checks.push({ step: name, ok: false, detail: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      };
      let validated;
      try {
        validated = step('spec-schema', () => validateSpec(scopeToTenant(plan.spec, actor.tenant)));
        options.events?.planned?.({ planner: plannerName, ok: true, attempts: plan.attempts, ...usage });
      } catch (error) {
        options.events?.planned?.({ planner: plannerName, ok: false, attempts: plan.attempts, ...usage });
        throw error;
      }
      // Whatever the planner, a secret in the request never reaches the DAG file.
      const parsed = { ...validated, description: redactSecrets(validated.description) };
      const spec = step('data-paths', () =>
        resolveDataPaths(parsed, tenantDataDirs(options.allowedDataDirs, actor.tenant)),
      );
      const columns = await sourceColumns(spec).then(
        (c) => (checks.push({ step: 'source-schema', ok: true }), c),
        (error: unknown) => {
          checks.push({ step: 'source-schema', ok: false, detail: (error as Error).message });
          throw error;
        },
      );
      airflowMajor ??= (await options.airflow.client.detectVersion()).major;
      const compiled = step('compile', () =>
        compileDag(spec, { airflowMajor: airflowMajor as 2 | 3, sourceColumns: columns, defaultStartDate: new Date() }),
      );
      recordedHash = compiled.specHash;
      const previous = await options.airflow.deployer.read(spec.dag_id);
      const unchanged = previous?.header.specHash === compiled.specHash;
      const version = unchanged
        ? (previous?.header.version ?? 1)
        : options.versions
          ? Math.max(await options.versions.nextVersion(spec.dag_id), (previous?.header.version ?? 0) + 1)
          : (previous?.header.version ?? 0) + 1;
      const source =
        renderDagFileHeader({
          dagId: spec.dag_id,
          specHash: compiled.specHash,
          version,
          generator: options.generatorVersion,
        }) + compiled.code;
      if (options.python) {
        await progress('checking the generated code (compile, AST allow-list, Airflow import)');
        const result = await checkPython({
          code: source,
          dagId: spec.dag_id,
          python: options.python,
          airflowImport: true,
        }).catch((error: unknown) => {
          const detail = error as AppError;
          checks.push({ step: String(detail.details?.step ?? 'python'), ok: false, detail: detail.message });
          throw error;
        });
        for (const s of result.steps) {
          checks.push(
            s === 'airflow-import'
              ? {
                  step: s,
                  ok: true,
                  detail:
                    result.sandbox === 'namespaces'
                      ? 'sandboxed: no network, read-only filesystem but a scratch folder, CPU/memory/time limits'
                      : 'not sandboxed here (Linux namespaces unavailable): time limit and a clean environment only',
                }
              : { step: s, ok: true },
          );
        }
        if (result.skipped) checks.push({ step: 'airflow-import', ok: false, detail: `skipped: ${result.skipped}` });
      } else {
        checks.push({
          step: 'python-checks',
          ok: false,
          detail: 'skipped: no AIRFLOW_PYTHON; Airflow parses the file at deploy',
        });
      }

      const base = {
        dag_id: spec.dag_id,
        spec,
        code: source,
        checks,
        planner: plan.planner,
        notes: plan.notes,
        language,
      };
      if (!input.deploy) {
        return {
          ...base,
          version: null,
          file: null,
          deployed: false,
          message: deployedMessage({ dagId: spec.dag_id, file: '', deployed: false }, language),
        };
      }
      await progress('deploying and waiting for Airflow to parse the DAG');
      const deployed = await options.airflow.deployer.deploy({ dagId: spec.dag_id, source });
      checks.push({ step: 'airflow-parse', ok: true, detail: `parsed in ${(deployed.parseMs / 1000).toFixed(1)} s` });
      if (options.versions && !unchanged) {
        await options.versions.record({
          dag_id: spec.dag_id,
          version,
          spec,
          code: source,
          spec_hash: compiled.specHash,
          created_by: actor.id,
          tenant: actor.tenant,
          reason: redactSecrets(args.reason),
          planner: plan.planner,
          checks,
          outcome: 'deployed',
        });
      }
      await options.versions?.audit({
        actor: actor.id,
        tenant: actor.tenant,
        action: args.action,
        dag_id: spec.dag_id,
        spec_hash: compiled.specHash,
        outcome: unchanged ? 'unchanged' : `deployed v${version}`,
        detail: redactSecrets(args.reason),
      });
      const deployedText = deployedMessage({ dagId: spec.dag_id, file: deployed.file, deployed: true }, language);
      if (!input.run) return { ...base, file: deployed.file, deployed: true, version, message: deployedText };

      await progress('running');
      const onProgress = (p: RunProgress) => progress(`run ${p.state}: ${p.tasksDone}/${p.tasksTotal} tasks done`);
      const summary = await options.airflow.run({
        dagId: spec.dag_id,
        wait: input.wait,
        timeoutMs: input.timeoutMs,
        onProgress,
        ...(input.signal ? { signal: input.signal } : {}),
      });
      let rows: number | null = null;
      const transfers = spec.tasks.filter((t) => t.type === 'transfer');
      const rowsByTask: Record<string, number> = {};
      if (summary.state === 'success') {
        rows = 0;
        for (const t of transfers) {
          const value = (await options.airflow.client.returnValue(spec.dag_id, summary.run_id, t.id)) as
            { rows?: number } | undefined;
          rowsByTask[t.id] = Number(value?.rows ?? 0);
          rows += rowsByTask[t.id] as number;
        }
      }
      if (summary.state === 'success' || summary.state === 'failed') {
        options.events?.ran?.({ dagId: spec.dag_id, state: summary.state, durationS: summary.duration_s, rowsByTask });
      }
      const lastTransfer = transfers.at(-1);
      const target = lastTransfer ? describeConnection(lastTransfer.target, lastTransfer.target_table) : '';
      const failed = summary.tasks.find((t) => t.state === 'failed')?.task_id;
      const run = {
        run_id: summary.run_id,
        state: summary.state,
        duration_s: summary.duration_s,
        rows,
        target,
        tasks: summary.tasks.map((t) => ({ task_id: t.task_id, state: t.state })),
        ...(summary.failed_logs
          ? { failed_logs: summary.failed_logs.map((f) => ({ task_id: f.task_id, lines: f.lines })) }
          : {}),
      };
      const message = `${deployedText}\n${runMessage(
        {
          dagId: spec.dag_id,
          runId: summary.run_id,
          state: summary.state,
          durationS: summary.duration_s ?? undefined,
          rows: rows ?? undefined,
          target,
          failedTask: failed,
        },
        language,
      )}`;
      return { ...base, file: deployed.file, deployed: true, run, message, version };
    }
  }

  const history = () => {
    if (!options.versions)
      throw new AppError('UNAVAILABLE', 'Version history needs the database (it is not configured).');
    return options.versions;
  };

  /** update_dag: a change request applied to the latest version's spec, validated and deployed as a new version. */
  async function update(
    input: Omit<CreateDagInput, 'spec' | 'sampling' | 'sourceDb' | 'targetDb' | 'schedule'> & { dagId: string },
  ) {
    const language = detectLanguage(input.request);
    assertOwnsDag(input.dagId, input.actor?.tenant ?? DEFAULT_TENANT);
    const latest = await history().latest(input.dagId);
    if (!latest) {
      throw new AppError(
        'NOT_FOUND',
        `No version history for DAG ${input.dagId}: only DAGs made by create_dag can be updated. Use list_dags to see them.`,
      );
    }
    const edited = editSpec(latest.spec as PipelineSpecInput, input.request, language);
    if ((edited.spec as { dag_id?: string }).dag_id !== input.dagId) edited.spec.dag_id = input.dagId;
    return build({
      ...input,
      plan: { spec: edited.spec, planner: 'rules (edit)', notes: edited.changes, attempts: 1 },
      language,
      progress: async (m) => input.onProgress?.(m),
      reason: input.request,
      action: 'update_dag',
    });
  }

  /** rollback_dag: an earlier version's spec compiled and deployed again, as a new version. */
  async function rollback(
    input: Omit<CreateDagInput, 'request' | 'spec' | 'sampling' | 'sourceDb' | 'targetDb' | 'schedule'> & {
      dagId: string;
      version: number;
    },
  ) {
    assertOwnsDag(input.dagId, input.actor?.tenant ?? DEFAULT_TENANT);
    const target = await history().get(input.dagId, input.version);
    if (!target) {
      const known = (await history().list(input.dagId)).map((v) => v.version);
      throw new AppError(
        'NOT_FOUND',
        `DAG ${input.dagId} has no version ${input.version}.${known.length ? ` Versions: ${known.join(', ')}.` : ' It has no history.'}`,
      );
    }
    return build({
      ...input,
      plan: {
        spec: target.spec as PipelineSpecInput,
        planner: 'rollback',
        notes: [`spec of version ${input.version}`],
        attempts: 0,
      },
      language: 'en',
      progress: async (m) => input.onProgress?.(m),
      reason: `rollback to version ${input.version}`,
      action: 'rollback_dag',
    });
  }

  /** rate_dag: a score and an optional correction on a generated DAG, kept with its latest request and spec. */
  async function rateDag(input: {
    dagId: string;
    score: number;
    correction: string;
    actor: { id: string; tenant: string };
  }) {
    if (!options.feedback) throw new AppError('UNAVAILABLE', 'Feedback needs the database (it is not configured).');
    assertOwnsDag(input.dagId, input.actor.tenant);
    const latest = await history().latest(input.dagId);
    if (!latest)
      throw new AppError('NOT_FOUND', `No generated DAG ${input.dagId} with history. Use list_dags to see yours.`);
    await options.feedback.record({
      actor: input.actor.id,
      tenant: input.actor.tenant,
      kind: 'dag',
      dag_id: input.dagId,
      query: null,
      doc: null,
      score: input.score,
      correction: redactSecrets(input.correction),
      request: latest.reason,
      spec: latest.spec,
    });
    return { dag_id: input.dagId, version: latest.version };
  }

  return {
    create,
    rateDag,
    update,
    rollback,
    versions: async (dagId: string, tenant = DEFAULT_TENANT) => {
      assertOwnsDag(dagId, tenant);
      return history().list(dagId);
    },
    /** A tenant other than the default one reads only its own entries. */
    auditLog: async (filter: { tenant?: string; dagId?: string; limit?: number }, tenant = DEFAULT_TENANT) =>
      history().auditLog(tenant === DEFAULT_TENANT ? filter : { ...filter, tenant }),
    introspect,
    inspect,
  };
}

export type DagService = ReturnType<typeof createDagService>;
