import { AppError } from '@airflow-mcp/core';
import type { CheckSpec, PipelineSpecInput } from '@airflow-mcp/pipeline';
import type { Language } from '../i18n/detect-language.js';
import { parseRequest } from './parse-request.js';

type TaskInput = PipelineSpecInput['tasks'][number];
type TransferInput = Extract<TaskInput, { type: 'transfer' }>;
type QualityInput = Extract<TaskInput, { type: 'quality_check' }>;

/**
 * The rule planner's edits of an existing spec from a change request in English or Korean: schedule, retries, a
 * filter (or its removal), write mode, and added not-null / unique checks. Returns the new spec and what changed;
 * asks (NEEDS_CLARIFICATION) when it recognises nothing.
 */
export function editSpec(
  current: PipelineSpecInput,
  change: string,
  language: Language,
): { spec: PipelineSpecInput; changes: string[] } {
  const r = parseRequest(change);
  const spec: PipelineSpecInput = structuredClone(current);
  const changes: string[] = [];
  const transfers = spec.tasks.filter((t): t is TransferInput => t.type === 'transfer');
  const first = transfers[0];

  if (r.schedule !== undefined && r.schedule !== (spec.schedule ?? null)) {
    spec.schedule = r.schedule;
    changes.push(`schedule: ${r.schedule ?? 'manual only'}`);
  }
  if (r.retries !== undefined) {
    spec.retries = Math.min(r.retries, 10);
    changes.push(`retries: ${spec.retries}`);
  }
  if (first && /\b(?:remove|drop|no) (?:the )?filter\b|필터\s*(?:를\s*)?(?:제거|삭제|없)/i.test(change)) {
    delete first.filter;
    changes.push(`${first.id}: filter removed`);
  } else if (first && r.filter) {
    first.filter = r.filter;
    changes.push(`${first.id}: filter ${r.filter}`);
  }
  if (first && r.mode && r.mode !== (first.mode ?? 'replace')) {
    first.mode = r.mode;
    if (r.mode === 'upsert') first.keys = r.modeColumns;
    if (r.mode === 'incremental' && r.modeColumns[0]) first.watermark_column = r.modeColumns[0];
    changes.push(`${first.id}: mode ${r.mode}${r.modeColumns.length ? ` (${r.modeColumns.join(', ')})` : ''}`);
  }
  const added: CheckSpec[] = [
    ...r.notNull.map((column): CheckSpec => ({ kind: 'not_null', column })),
    ...r.unique.map((column): CheckSpec => ({ kind: 'unique', columns: [column] })),
  ];
  if (added.length && first) {
    let check = spec.tasks.find((t): t is QualityInput => t.type === 'quality_check' && t.table === first.target_table);
    if (!check) {
      check = {
        type: 'quality_check',
        id: `validate_${first.target_table}`.slice(0, 63),
        connection: first.target,
        table: first.target_table,
        checks: [],
      };
      spec.tasks.push(check);
      spec.dependencies = [...(spec.dependencies ?? []), [first.id, check.id]];
    }
    for (const c of added) {
      const key = JSON.stringify(c);
      if (!check.checks.some((existing) => JSON.stringify(existing) === key)) {
        check.checks.push(c);
        changes.push(
          `${check.id}: ${c.kind} ${'column' in c ? c.column : c.kind === 'unique' ? c.columns.join(', ') : ''}`.trim(),
        );
      }
    }
  }
  if (changes.length === 0) {
    const en =
      'I could not tell what to change. I can change the schedule ("run it hourly", "every day at 3am", cron), retries ("retry 3 times"), the filter ("only where amount > 10", "remove the filter"), the write mode ("upsert on id", "incremental by updated_at") and add checks ("add a not-null check on user_id", "unique check on id").';
    const ko =
      '무엇을 바꿀지 알 수 없습니다. 스케줄("매시간 실행", "매일 오전 3시"), 재시도("3번 재시도"), 필터("조건: amount > 10", "필터 제거"), 적재 방식("id 기준 upsert", "updated_at 기준 증분"), 검사 추가("user_id 널 체크")를 바꿀 수 있습니다.';
    throw new AppError('NEEDS_CLARIFICATION', language === 'ko' ? ko : en);
  }
  return { spec, changes };
}
