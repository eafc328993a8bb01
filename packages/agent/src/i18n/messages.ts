import { schedulerDownReason, type RunStall } from '@airflow-mcp/airflow';
import type { Language } from './detect-language.js';

/** Everything the agent says to a person, in both languages. Numbers use the language's grouping. */
export interface RunSummary {
  dagId: string;
  runId: string;
  state: string;
  durationS: number | undefined;
  rows: number | undefined;
  target: string | undefined;
  failedTask?: string | undefined;
  /** Why the run does not move (a dead scheduler), already in the run's language: see stalledRunMessage. */
  stalled?: string | undefined;
}

const formatNumber = (n: number, language: Language) => n.toLocaleString(language === 'ko' ? 'ko-KR' : 'en-US');
const formatSeconds = (s: number | undefined) => (s === undefined ? '?' : `${Math.round(s * 10) / 10}`);

export function runMessage(summary: RunSummary, language: Language): string {
  const rows = summary.rows === undefined ? undefined : formatNumber(summary.rows, language);
  if (summary.state === 'success') {
    return language === 'ko'
      ? `마이그레이션 완료: dag_id=${summary.dagId}, run_id=${summary.runId}, 소요 시간 ${formatSeconds(summary.durationS)}초` +
          (rows === undefined ? '' : `, 이관된 행: ${rows}`) +
          (summary.target ? `, 대상: ${summary.target}` : '')
      : `Migration completed: dag_id=${summary.dagId}, run_id=${summary.runId}, duration ${formatSeconds(summary.durationS)} s` +
          (rows === undefined ? '' : `, rows migrated: ${rows}`) +
          (summary.target ? `, target: ${summary.target}` : '');
  }
  const failed = summary.failedTask
    ? ` (${language === 'ko' ? '실패한 태스크' : 'failed task'}: ${summary.failedTask})`
    : '';
  const stalled = summary.stalled ? `\n${summary.stalled}` : '';
  return language === 'ko'
    ? `실행 ${summary.state === 'failed' ? '실패' : `상태 ${summary.state}`}: dag_id=${summary.dagId}, run_id=${summary.runId}, 소요 시간 ${formatSeconds(summary.durationS)}초${failed}${stalled}`
    : `Run ${summary.state}: dag_id=${summary.dagId}, run_id=${summary.runId}, duration ${formatSeconds(summary.durationS)} s${failed}${stalled}`;
}

/**
 * Why a queued or running run does not move: Airflow reports its scheduler unhealthy. Says that the run is kept and
 * goes on once the scheduler is back, and what to do (restart it, then check_dag_status).
 */
export function stalledRunMessage(stall: RunStall, language: Language): string {
  if (language === 'en') return schedulerDownReason(stall);
  const beat = stall.latestHeartbeat ? `마지막 하트비트 ${stall.latestHeartbeat}` : '하트비트 없음';
  const where = `실행 ${stall.runId}(${stall.state}, 태스크 ${stall.tasksDone}/${stall.tasksTotal} 완료)`;
  const what =
    stall.idleMs === undefined
      ? `${where}은(는) 스케줄러가 돌아올 때까지 진행되지 않습니다.`
      : `${where}이(가) ${Math.round(stall.idleMs / 1000)}초 동안 진행되지 않아 기다리기를 멈췄습니다.`;
  return (
    `Airflow가 스케줄러를 비정상(unhealthy)으로 보고합니다(${beat}). ${what} 실행은 그대로 남아 있으며 스케줄러가 ` +
    '돌아오면 계속됩니다: 스케줄러를 다시 시작하거나(airflow scheduler) Airflow를 재시작한 뒤 check_dag_status로 실행을 확인하세요.'
  );
}

export function deployedMessage(input: { dagId: string; file: string; deployed: boolean }, language: Language): string {
  if (!input.deployed) {
    return language === 'ko'
      ? `미리보기: ${input.dagId} DAG를 생성하고 검증했습니다 (배포하지 않음).`
      : `Preview: DAG ${input.dagId} generated and validated (not deployed).`;
  }
  return language === 'ko'
    ? `${input.dagId} DAG를 검증하고 배포했습니다: ${input.file}`
    : `DAG ${input.dagId} validated and deployed: ${input.file}`;
}

export function clarificationMessage(questions: readonly string[], language: Language): string {
  const head =
    language === 'ko'
      ? '요청을 처리하려면 다음 정보가 필요합니다:'
      : 'I need a bit more information to build this pipeline:';
  return `${head}\n${questions.map((q) => `- ${q}`).join('\n')}`;
}
