import { AppError } from '@airflow-mcp/core';
import type { Language } from '../i18n/detect-language.js';
import { describeUnderstood } from '../understanding/describe-understood.js';
import { specFromUnderstanding } from '../understanding/spec-from-understanding.js';
import { understandRequest, type Question } from '../understanding/understand-request.js';
import { understandSpec } from '../understanding/understood.js';
import type { Plan, Planner, PlanningContext } from './planner.js';

/** NEEDS_CLARIFICATION quoting the words not understood and the questions, with what was understood so far. */
export function clarify(
  language: Language,
  { notUnderstood, questions, understood }: { notUnderstood: string[]; questions: Question[]; understood?: string },
): AppError {
  const ko = language === 'ko';
  const quoted = notUnderstood.map((w) => `"${w}"`).join(', ');
  const parts = [
    notUnderstood.length
      ? ko
        ? `이해하지 못한 부분: ${quoted}. 다른 말로 바꾸거나 빼 주세요.`
        : `I did not understand ${quoted}. Rephrase ${notUnderstood.length > 1 ? 'them' : 'it'} or leave ${notUnderstood.length > 1 ? 'them' : 'it'} out.`
      : '',
    ...questions.map((q) => (ko ? q.ko : q.en)),
    understood ? (ko ? `지금까지 이해한 내용: ${understood}` : `What I understood: ${understood}`) : '',
  ].filter(Boolean);
  return new AppError('NEEDS_CLARIFICATION', parts.join(' '), {
    details: {
      not_understood: notUnderstood,
      questions: questions.map((q) => (ko ? q.ko : q.en)),
      ...(understood ? { understood } : {}),
    },
  });
}

/**
 * The deterministic planner: readers take every phrase they understand (connections, tables, columns with renames,
 * casts and computed ones, filters and checks in words, schedule, retries and delay, write mode, target table, DAG id)
 * against the introspected source; the spec is built from what they read. Anything left over that carries meaning,
 * and anything that cannot be placed, is refused with the words quoted — never guessed, never dropped.
 */
export function createRulePlanner(): Planner {
  return {
    name: 'rules',
    async plan(ctx: PlanningContext): Promise<Plan> {
      const understanding = await understandRequest(ctx);
      const blocked = !understanding.source || !understanding.target || understanding.tables.length === 0;
      if (blocked) {
        throw clarify(ctx.language, {
          notUnderstood: understanding.notUnderstood,
          questions: understanding.questions,
        });
      }
      const built = specFromUnderstanding(understanding, ctx.request);
      if (built.questions.length || understanding.notUnderstood.length) {
        throw clarify(ctx.language, {
          notUnderstood: understanding.notUnderstood,
          questions: built.questions,
          understood: describeUnderstood(understandSpec(built.spec), ctx.language),
        });
      }
      return { spec: built.spec, planner: 'rules', notes: built.notes, dagIdGiven: built.dagIdGiven };
    },
  };
}
