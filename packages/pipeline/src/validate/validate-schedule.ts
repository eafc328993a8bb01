import { AppError } from '@airflow-mcp/core';
import { SCHEDULE_PRESETS } from '../spec/pipeline-spec.js';

const FIELD_RANGES: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

function checkField(text: string, [lo, hi]: [number, number]): boolean {
  return text.split(',').every((part) => {
    const [range = '', step] = part.split('/');
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return false;
    if (range === '*') return true;
    const bounds = range.split('-');
    if (bounds.length > 2 || !bounds.every((b) => /^\d+$/.test(b))) return false;
    const nums = bounds.map(Number);
    return nums.every((n) => n >= lo && n <= hi) && (nums.length === 1 || (nums[0] as number) <= (nums[1] as number));
  });
}

/** null, an Airflow preset, or a 5-field cron expression with numeric fields; throws naming the bad field. */
export function validateSchedule(schedule: string | null): void {
  if (schedule === null) return;
  if ((SCHEDULE_PRESETS as readonly string[]).includes(schedule)) return;
  const fields = schedule.trim().split(/\s+/);
  const fail = (why: string): never => {
    throw new AppError(
      'VALIDATION_FAILED',
      `Schedule "${schedule.slice(0, 100)}" is not valid: ${why}. Use null, one of ${SCHEDULE_PRESETS.join(', ')}, or a cron expression like "0 2 * * *".`,
      { details: { step: 'schedule' } },
    );
  };
  if (fields.length !== 5) fail(`a cron expression has 5 fields, this has ${fields.length}`);
  fields.forEach((f, i) => {
    if (!checkField(f, FIELD_RANGES[i] as [number, number])) fail(`the ${NAMES[i]} field "${f}" is out of range`);
  });
}
