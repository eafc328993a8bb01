import { describe, expect, it } from 'vitest';
import { runMessage, stalledRunMessage } from './messages.js';

const base = {
  dagId: 'events_to_duckdb',
  runId: 'mcp__1',
  state: 'success',
  durationS: 6.44,
  rows: 2000,
  target: 'analytics.duckdb',
};

describe('runMessage', () => {
  it('reports a success in English with grouped rows and the target', () => {
    expect(runMessage(base, 'en')).toBe(
      'Migration completed: dag_id=events_to_duckdb, run_id=mcp__1, duration 6.4 s, rows migrated: 2,000, target: analytics.duckdb',
    );
  });
  it('reports a success in Korean', () => {
    expect(runMessage(base, 'ko')).toBe(
      '마이그레이션 완료: dag_id=events_to_duckdb, run_id=mcp__1, 소요 시간 6.4초, 이관된 행: 2,000, 대상: analytics.duckdb',
    );
  });
  it('names the failing task of a failed run', () => {
    expect(runMessage({ ...base, state: 'failed', failedTask: 'check_not_null' }, 'en')).toContain(
      'failed task: check_not_null',
    );
  });
});

describe('stalledRunMessage', () => {
  const stall = {
    runId: 'mcp__1',
    state: 'queued',
    tasksDone: 0,
    tasksTotal: 1,
    latestHeartbeat: '2026-11-25T08:24:47+00:00',
    idleMs: 21_400,
  };
  it('says in English why waiting stopped, that the run is kept, and what to do', () => {
    expect(stalledRunMessage(stall, 'en')).toBe(
      'Airflow reports its scheduler unhealthy (last heartbeat 2026-11-25T08:24:47+00:00) and run mcp__1 (queued, 0/1 ' +
        'tasks done) has not moved for 21 s, so waiting stopped. The run is kept and goes on once the scheduler is ' +
        'back: restart the scheduler (airflow scheduler, or restart Airflow), then check the run with check_dag_status.',
    );
  });
  it('says the same in Korean, and what a status check sees without a wait', () => {
    expect(stalledRunMessage(stall, 'ko')).toBe(
      'Airflow가 스케줄러를 비정상(unhealthy)으로 보고합니다(마지막 하트비트 2026-11-25T08:24:47+00:00). 실행 mcp__1(queued, ' +
        '태스크 0/1 완료)이(가) 21초 동안 진행되지 않아 기다리기를 멈췄습니다. 실행은 그대로 남아 있으며 스케줄러가 돌아오면 ' +
        '계속됩니다: 스케줄러를 다시 시작하거나(airflow scheduler) Airflow를 재시작한 뒤 check_dag_status로 실행을 확인하세요.',
    );
    const { idleMs: _, ...seen } = stall;
    expect(stalledRunMessage({ ...seen, latestHeartbeat: null }, 'ko')).toContain(
      '(하트비트 없음). 실행 mcp__1(queued, 태스크 0/1 완료)은(는) 스케줄러가 돌아올 때까지 진행되지 않습니다.',
    );
    expect(stalledRunMessage({ ...seen, latestHeartbeat: null }, 'en')).toContain(
      '(no heartbeat): run mcp__1 (queued, 0/1 tasks done) cannot move until the scheduler is back.',
    );
  });
  it('ends the run message with it, in the same language', () => {
    const stalled = stalledRunMessage(stall, 'ko');
    expect(runMessage({ ...base, state: 'queued', durationS: undefined, rows: undefined, stalled }, 'ko')).toBe(
      `실행 상태 queued: dag_id=events_to_duckdb, run_id=mcp__1, 소요 시간 ?초\n${stalled}`,
    );
  });
});
