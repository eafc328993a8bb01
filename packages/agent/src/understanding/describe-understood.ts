import type { CheckSpec } from '@airflow-mcp/pipeline';
import type { Language } from '../i18n/detect-language.js';
import type { Understood, UnderstoodTable } from './understood.js';

function checkText(c: CheckSpec, lang: Language): string {
  const ko = lang === 'ko';
  switch (c.kind) {
    case 'not_null':
      return ko ? `${c.column} null 없음` : `${c.column} not null`;
    case 'unique':
      return ko ? `${c.columns.join('+')} 중복 없음` : `${c.columns.join('+')} unique`;
    case 'row_count': {
      const parts = [
        c.min !== undefined ? (ko ? `${c.min}행 이상` : `at least ${c.min} rows`) : '',
        c.max !== undefined ? (ko ? `${c.max}행 이하` : `at most ${c.max} rows`) : '',
      ].filter(Boolean);
      return parts.join(ko ? ', ' : ' and ');
    }
    case 'accepted_values':
      return ko ? `${c.column} 값은 ${c.values.join('/')} 중 하나` : `${c.column} in ${c.values.join('/')}`;
    case 'range':
      return `${c.min ?? ''}${c.min !== undefined ? ' <= ' : ''}${c.column}${c.max !== undefined ? ` <= ${c.max}` : ''}`;
    case 'custom_sql':
      return ko ? `사용자 SQL 검사 ${c.name}` : `custom SQL check ${c.name}`;
  }
}

function tableText(t: UnderstoodTable, lang: Language): string {
  const ko = lang === 'ko';
  const columns =
    t.columns === 'all'
      ? ko
        ? '모든 컬럼'
        : 'all columns'
      : t.columns
          .map((c) => {
            const from = c.expr ? `${c.expr} → ` : c.source ? `${c.source} → ` : '';
            return `${from}${c.name}${c.cast ? ` (${c.cast})` : ''}`;
          })
          .join(', ');
  const checks = t.checks.filter((c) => !(c.kind === 'row_count' && (c.min ?? 0) <= 1 && c.max === undefined));
  const mode =
    t.mode === 'upsert'
      ? `upsert (${(t.keys ?? []).join(', ')})`
      : t.mode === 'incremental'
        ? ko
          ? `증분 (${t.watermark ?? ''})`
          : `incremental by ${t.watermark ?? ''}`
        : ko
          ? { replace: '교체', append: '추가' }[t.mode]
          : t.mode;
  if (ko) {
    return `${t.source_table} → ${t.target_table}: ${columns}${t.filter ? `, 조건 ${t.filter}` : ''}, ${mode}${checks.length ? `, 검사: ${checks.map((c) => checkText(c, lang)).join('; ')}` : ''}`;
  }
  return `${t.source_table} → ${t.target_table}: ${columns}${t.filter ? `, where ${t.filter}` : ''}, ${mode}${checks.length ? `, checks: ${checks.map((c) => checkText(c, lang)).join('; ')}` : ''}`;
}

/** One sentence of what a pipeline does, in the request's language, for a person to confirm. */
export function describeUnderstood(u: Understood, lang: Language): string {
  const ko = lang === 'ko';
  const schedule =
    u.schedule === null
      ? ko
        ? '수동 실행'
        : 'runs when triggered'
      : ko
        ? `스케줄 ${u.schedule}`
        : `schedule ${u.schedule}`;
  const retries = ko
    ? `재시도 ${u.retries}회, 간격 ${u.retry_delay_s}초`
    : `${u.retries} ${u.retries === 1 ? 'retry' : 'retries'} ${u.retry_delay_s} s apart`;
  const tables = u.tables.map((t) => tableText(t, lang)).join(ko ? ' / ' : '; ');
  const alert = u.failure_alert
    ? ko
      ? `, 실패 알림 ${u.failure_alert}`
      : `, failure alert to ${u.failure_alert}`
    : '';
  const steps = u.staging
    ? ko
      ? ` 추출 → 변환 → 적재 → 검증 단계로 실행 (중간 저장 ${u.staging}).`
      : ` Runs as extract → transform → load → validate steps (staged in ${u.staging}).`
    : '';
  return ko
    ? `${u.source}에서 ${u.target}로: ${tables}. ${schedule}, ${retries}${alert}.${steps}`
    : `From ${u.source} to ${u.target}: ${tables}. ${schedule[0]?.toUpperCase()}${schedule.slice(1)}, ${retries}${alert}.${steps}`;
}
