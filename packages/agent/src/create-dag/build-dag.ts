import { isAppError, redactSecrets } from '@airflow-mcp/core';
import { renderDagFileHeader } from '@airflow-mcp/airflow';
import type { PipelineSpec } from '@airflow-mcp/pipeline';
import type { Language } from '../i18n/detect-language.js';
import { describeUnderstood } from '../understanding/describe-understood.js';
import { understandSpec } from '../understanding/understood.js';
import { deployedMessage } from '../i18n/messages.js';
import { checkAndCompileSpec } from './check-and-compile-spec.js';
import { createCheckLadder } from './check-ladder.js';
import { chooseDagId, existingDagOf } from './choose-dag-id.js';
import { chooseDagVersion } from './choose-dag-version.js';
import type { CreateDagInput, PlanResult } from './create-dag-input.js';
import type { CreateDagResult } from './create-dag-result.js';
import type { DagServiceDeps } from './dag-service-deps.js';
import { deployDagVersion, type DagAction } from './deploy-dag-version.js';
import { createPhaseTimer, type PhaseTimer } from './phase-timer.js';
import { runDeployedDag } from './run-deployed-dag.js';
import { runPythonChecks } from './run-python-checks.js';

export interface BuildDagArgs extends Omit<CreateDagInput, 'request' | 'spec' | 'sampling'> {
  plan: PlanResult;
  language: Language;
  progress: (message: string) => Promise<void>;
  reason: string;
  action: DagAction;
  /** Where the phases' times go (create_dag starts it at the request, so planning counts); a new one otherwise. */
  timer?: PhaseTimer;
}

/**
 * Everything after planning: the ladder, compile, checks, deploy, version record, audit, run. Nothing reaches
 * DAGS_DIR unless every check before it passed; a failed write is audited too.
 */
export async function buildDag(deps: DagServiceDeps, args: BuildDagArgs): Promise<CreateDagResult> {
  const { plan, language, progress } = args;
  const actor = args.actor ?? { id: 'local', tenant: 'default' };
  const ladder = createCheckLadder();
  const timer = args.timer ?? createPhaseTimer();
  let specHash: string | null = null;
  try {
    const notes = [...plan.notes];
    // create_dag never takes over another pipeline's id; update_dag and rollback_dag mean to.
    const beforeCompile =
      args.action === 'create_dag'
        ? async (checked: PipelineSpec) => {
            const chosen = await chooseDagId({
              spec: checked,
              given: plan.dagIdGiven === true,
              replace: args.replace === true,
              existing: existingDagOf(deps),
              language,
            });
            notes.push(...chosen.notes);
            return chosen.spec;
          }
        : undefined;
    const { spec, compiled } = await checkAndCompileSpec(deps, {
      plan,
      tenant: actor.tenant,
      ladder,
      beforeCompile,
      timer,
    });
    specHash = compiled.specHash;
    // The preview says how each transfer will move its rows (issue 16).
    for (const { task, path } of compiled.transferPaths ?? []) {
      notes.push(
        path.path === 'native' ? `${task}: native path, ${path.how}` : `${task}: streaming path (${path.reason})`,
      );
    }
    const { version, unchanged, deployedSource } = await timer.time('version', () =>
      chooseDagVersion(deps, { dagId: spec.dag_id, specHash: compiled.specHash }),
    );
    const source =
      deployedSource ??
      renderDagFileHeader({ dagId: spec.dag_id, specHash, version, generator: deps.generatorVersion }) + compiled.code;
    await runPythonChecks({ python: deps.python, source, dagId: spec.dag_id, ladder, progress, timer });

    // What the pipeline does, for the person or agent to confirm: structured and as one sentence.
    const understood = understandSpec(spec);
    const base = {
      dag_id: spec.dag_id,
      understood,
      understood_text: describeUnderstood(understood, language),
      spec,
      code: source,
      checks: ladder.checks,
      planner: plan.planner,
      notes,
      language,
    };
    if (!args.deploy) {
      const message = deployedMessage({ dagId: spec.dag_id, file: '', deployed: false }, language);
      return { ...base, version: null, file: null, deployed: false, message, timings: timer.result() };
    }
    const { file } = await timer.time('deploy', () =>
      deployDagVersion(deps, {
        spec,
        source,
        specHash: compiled.specHash,
        version,
        unchanged,
        planner: plan.planner,
        actor,
        reason: args.reason,
        action: args.action,
        ladder,
        progress,
        timer,
      }),
    );
    const deployedText = deployedMessage({ dagId: spec.dag_id, file, deployed: true }, language);
    if (!args.run) return { ...base, file, deployed: true, version, message: deployedText, timings: timer.result() };

    const { run, message } = await timer.time('run', () =>
      runDeployedDag(deps, {
        spec,
        wait: args.wait,
        timeoutMs: args.timeoutMs,
        signal: args.signal,
        language,
        progress,
        timer,
      }),
    );
    return {
      ...base,
      file,
      deployed: true,
      run,
      message: `${deployedText}\n${message}`,
      version,
      timings: timer.result(),
    };
  } catch (error) {
    if (args.deploy) {
      const dagId = (plan.spec as { dag_id?: unknown }).dag_id;
      await deps.versions
        ?.audit({
          actor: actor.id,
          tenant: actor.tenant,
          action: args.action,
          dag_id: typeof dagId === 'string' ? dagId : null,
          spec_hash: specHash,
          outcome: `failed: ${isAppError(error) ? error.code : 'INTERNAL'}`,
          detail: redactSecrets(error instanceof Error ? error.message : String(error)),
        })
        .catch(() => undefined);
    }
    throw error;
  }
}
