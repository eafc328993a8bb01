import type { PipelineSpecInput } from '@airflow-mcp/pipeline';
import { clarify } from '../planning/rule-planner.js';
import type { PlanningContext } from '../planning/planner.js';
import { checkFaithfulness } from './check-faithfulness.js';

/**
 * Refuses (NEEDS_CLARIFICATION) a spec that leaves out part of its request: what the request asks that the spec does
 * not do, and numbers, quoted values and names of the request the spec does not carry.
 */
export async function assertFaithful(ctx: PlanningContext, spec: PipelineSpecInput): Promise<void> {
  if (typeof spec !== 'object' || spec === null || !Array.isArray((spec as { tasks?: unknown }).tasks)) return;
  const { unreflected, unaccounted } = await checkFaithfulness(ctx, spec);
  if (unreflected.length === 0 && unaccounted.length === 0) return;
  throw clarify(ctx.language, {
    notUnderstood: unaccounted,
    questions: unreflected.map((u) => ({
      en: `The request asks for ${u.asked}, but the spec has ${u.found}.`,
      ko: `요청은 ${u.asked}인데 spec에는 ${u.found}입니다.`,
    })),
  });
}
