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
  return language === 'ko'
    ? `실행 ${summary.state === 'failed' ? '실패' : `상태 ${summary.state}`}: dag_id=${summary.dagId}, run_id=${summary.runId}, 소요 시간 ${formatSeconds(summary.durationS)}초${failed}`
    : `Run ${summary.state}: dag_id=${summary.dagId}, run_id=${summary.runId}, duration ${formatSeconds(summary.durationS)} s${failed}`;
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
