import { NUMBER, numberOf } from './lexicon.js';
import type { RequestText } from './request-text.js';

const EN_DAYS: Record<string, number> = {
  sun: 0,
  sunday: 0,
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
};
const KO_DAYS: Record<string, number> = { 일: 0, 월: 1, 화: 2, 수: 3, 목: 4, 금: 5, 토: 6 };

const EN_DAY = String.raw`(?:sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)(?:day)?s?\b`;
const KO_DAY = String.raw`[일월화수목금토]요일`;
const EN_TIME = String.raw`(?:(?:at|@|around|by)\s+|(?=\d{1,2}(?::\d{2}|\s*(?:a\.?m|p\.?m)\b)|midnight|noon))(?:(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|o'?clock)?|(midnight|noon))(?:\s*(utc|kst|gmt))?`;
const KO_TIME = String.raw`(오전|오후|새벽|아침|저녁|밤|낮)?\s*(\d{1,2})\s*시(?!간)\s*(?:(\d{1,2})\s*분|(반))?(?:\s*(?:에|정각|마다))?|(자정|정오)(?:\s*에)?`;

interface Clock {
  hour: number;
  minute: number;
}

/**
 * A time that was written but is not one ("at 25:00", "9:75", "13pm"): the schedule is not understood (it was read
 * as daily at midnight, dropping the time).
 */
const BAD_TIME: Clock = Object.freeze({ hour: -1, minute: -1 });

function enClock(m: RegExpExecArray, at: number): Clock | undefined {
  const word = m[at + 3];
  if (word) return { hour: word.toLowerCase() === 'noon' ? 12 : 0, minute: 0 };
  if (m[at] === undefined) return undefined;
  let hour = Number(m[at]);
  const minute = Number(m[at + 1] ?? 0);
  const half = (m[at + 2] ?? '').toLowerCase().replace(/\./g, '');
  if (half === 'pm' && hour < 12) hour += 12;
  if (half === 'am' && hour === 12) hour = 0;
  if (half && (Number(m[at]) > 12 || Number(m[at]) === 0) && half !== "o'clock" && half !== 'oclock') return BAD_TIME;
  if (hour > 23 || minute > 59) return BAD_TIME;
  const zone = (m[at + 4] ?? '').toLowerCase();
  if (zone === 'kst') hour = (hour + 24 - 9) % 24;
  return { hour, minute };
}

function koClock(m: RegExpExecArray, at: number): Clock | undefined {
  const word = m[at + 4];
  if (word) return { hour: word === '정오' ? 12 : 0, minute: 0 };
  if (m[at + 1] === undefined) return undefined;
  let hour = Number(m[at + 1]);
  const part = m[at];
  if ((part === '오후' || part === '저녁' || part === '밤') && hour < 12) hour += 12;
  if ((part === '오전' || part === '새벽' || part === '아침') && hour === 12) hour = 0;
  const minute = m[at + 3] ? 30 : Number(m[at + 2] ?? 0);
  return hour < 24 && minute < 60 ? { hour, minute } : BAD_TIME;
}

function daysOf(text: string): string {
  const days = new Set<number>();
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const d = EN_DAYS[w.replace(/s$/, '').replace(/day$/, '')] ?? EN_DAYS[w.replace(/s$/, '')] ?? EN_DAYS[w];
    if (d !== undefined) days.add(d);
  }
  for (const k of text.match(/[일월화수목금토](?=요일)/g) ?? []) days.add(KO_DAYS[k] as number);
  return [...days].sort((a, b) => a - b).join(',');
}

export interface ScheduleReading {
  /** null: only when triggered; undefined: the request says nothing about when. */
  schedule: string | null | undefined;
}

/** A schedule in words (English or Korean), a preset, or a cron expression; takes what it reads. */
export function readSchedule(rt: RequestText): ScheduleReading {
  const cron = rt.first(
    /(?:\b(?:cron(?:\s+expression)?|schedule)|스케줄|크론)\s*(?:is|of|=|:|은|는)?\s*["'`]?((?:[\d*/,-]+\s+){4}[\d*/,-]+)["'`]?(?:\s*(?:으로|로)(?:\s*(?:스케줄|예약|설정|실행)\S*)?)?/dgi,
  );
  if (cron) {
    rt.takeMatch(cron);
    return { schedule: (cron[1] as string).trim().replace(/\s+/g, ' ') };
  }
  const quotedCron = rt.first(/["'`]((?:[\d*/,-]+\s+){4}[\d*/,-]+)["'`]/g);
  if (quotedCron) {
    rt.takeMatch(quotedCron);
    return { schedule: (quotedCron[1] as string).trim().replace(/\s+/g, ' ') };
  }
  const readers: (() => string | null | undefined)[] = [
    // every N minutes / hours; N분마다, N시간마다
    () => {
      const m = rt.first(
        new RegExp(
          String.raw`\b(?:every|each)\s+(${NUMBER})?\s*(?:-\s*)?(minutes?|mins?|hours?|hrs?)\b|\b(${NUMBER})\s*-?\s*(minute|hour)ly\b|(\d{1,2}|한|두|세|네|다섯|여섯)\s*(분|시간)\s*(?:마다|간격으로|에\s*한\s*번(?:씩)?|주기로)(?!\s*(?:재시도|다시))`,
          'gi',
        ),
      );
      if (!m) return undefined;
      const n = m[1] ? numberOf(m[1]) : m[3] ? numberOf(m[3]) : m[5] ? numberOf(m[5]) : 1;
      const unit = (m[2] ?? m[4] ?? m[6] ?? '').toLowerCase();
      const minutes = /^(min|분)/.test(unit);
      if (!Number.isInteger(n) || n < 1 || (minutes ? n > 59 : n > 23)) return undefined;
      rt.takeMatch(m);
      if (minutes) return n === 1 ? '* * * * *' : `*/${n} * * * *`;
      return n === 1 ? '@hourly' : `0 */${n} * * *`;
    },
    // half-hourly
    () => {
      const m = rt.first(/\bevery\s+half\s+(?:an\s+)?hour\b|\bhalf[-\s]hourly\b|30분\s*마다/gi);
      if (!m) return undefined;
      rt.takeMatch(m);
      return '*/30 * * * *';
    },
    // weekdays / weekends / named days, with an optional time
    () => {
      const en = new RegExp(
        String.raw`\b(?:(?:every|each|on)\s+)?(?:(weekdays?|week\s*days|business\s+days|working\s+days)|(weekends?)|((?:${EN_DAY})(?:\s*(?:,|and|&|-|to|through)\s*(?:${EN_DAY}))*))(?:\s*(?:,\s*)?(?:in\s+the\s+morning\s+)?${EN_TIME})?(?:\s+in\s+the\s+(morning|evening))?`,
        'gi',
      );
      const m = rt.first(en);
      if (m && /\d|midnight|noon|day|mon|tue|wed|thu|fri|sat|sun|week/i.test(m[0])) {
        const clock = enClock(m, 4) ?? { hour: 0, minute: 0 };
        if (clock === BAD_TIME) return undefined;
        if (m[9]?.toLowerCase() === 'evening' && clock.hour < 12 && m[4]) clock.hour += 12;
        let days: string;
        if (m[1]) days = '1-5';
        else if (m[2]) days = '0,6';
        else {
          const range = /(\w+)\s*(?:-|to|through)\s*(\w+)/i.exec(m[3] ?? '');
          const a = range ? EN_DAYS[(range[1] as string).toLowerCase().replace(/s$/, '')] : undefined;
          const b = range ? EN_DAYS[(range[2] as string).toLowerCase().replace(/s$/, '')] : undefined;
          days = a !== undefined && b !== undefined ? `${a}-${b}` : daysOf(m[3] ?? '');
        }
        if (!days) return undefined;
        rt.takeMatch(m);
        const weekly = rt.first(/\b(?:weekly|every\s+week|once\s+a\s+week)\b/gi);
        if (weekly) rt.takeMatch(weekly);
        return `${clock.minute} ${clock.hour} * * ${days}`;
      }
      const ko = new RegExp(
        String.raw`(?:매주\s*)?(?:(평일|주중)|(주말)|((?:${KO_DAY})(?:\s*(?:,|와|과|및|하고|~|-)\s*(?:${KO_DAY}))*))\s*(?:마다|에|의)?\s*(?:${KO_TIME})?`,
        'g',
      );
      const k = rt.first(ko);
      if (!k) return undefined;
      const clock = koClock(k, 4) ?? { hour: 0, minute: 0 };
      if (clock === BAD_TIME) return undefined;
      let days: string;
      if (k[1]) days = '1-5';
      else if (k[2]) days = '0,6';
      else {
        const range = /([일월화수목금토])요일\s*[~-]\s*([일월화수목금토])요일/.exec(k[3] ?? '');
        days = range ? `${KO_DAYS[range[1] as string]}-${KO_DAYS[range[2] as string]}` : daysOf(k[3] ?? '');
      }
      rt.takeMatch(k);
      return `${clock.minute} ${clock.hour} * * ${days}`;
    },
    // monthly on a day
    () => {
      const en = new RegExp(
        String.raw`\b(?:on\s+)?the\s+(\d{1,2}|first|second|third|fifth|tenth|fifteenth|twentieth)(?:st|nd|rd|th)?\s+(?:day\s+)?of\s+(?:every|each|the)\s+month(?:\s*,?\s*${EN_TIME})?`,
        'gi',
      );
      const m = rt.first(en);
      if (m) {
        const ordinal = ['first', 'second', 'third', 'fifth', 'tenth', 'fifteenth', 'twentieth'];
        const days = [1, 2, 3, 5, 10, 15, 20];
        const word = ordinal.indexOf((m[1] as string).toLowerCase());
        const day = word >= 0 ? (days[word] as number) : Number(m[1]);
        if (day < 1 || day > 31) return undefined;
        const clock = enClock(m, 2) ?? { hour: 0, minute: 0 };
        if (clock === BAD_TIME) return undefined;
        rt.takeMatch(m);
        return `${clock.minute} ${clock.hour} ${day} * *`;
      }
      const k = rt.first(new RegExp(String.raw`(?:매월|매달)\s*(\d{1,2})\s*일\s*(?:에|마다)?\s*(?:${KO_TIME})?`, 'g'));
      if (!k) return undefined;
      const day = Number(k[1]);
      if (day < 1 || day > 31) return undefined;
      const clock = koClock(k, 2) ?? { hour: 0, minute: 0 };
      if (clock === BAD_TIME) return undefined;
      rt.takeMatch(k);
      return `${clock.minute} ${clock.hour} ${day} * *`;
    },
    // daily, with an optional time
    () => {
      const en = new RegExp(
        // "every day 오전 9시에": English words with a Korean time.
        String.raw`(?:\b(?:(?:every|each)\s+(?:single\s+)?(?:day|night|morning|evening)|daily|nightly|once\s+(?:a|per|every)\s+day|per\s+day|day\s+by\s+day)\b(?:\s*(?:,\s*)?${EN_TIME})?(?:\s+in\s+the\s+(morning|evening))?|\b${EN_TIME}\s+(?:every\s+day|daily|each\s+day)\b)(?:\s*(?:${KO_TIME}))?`,
        'gi',
      );
      const m = rt.first(en);
      if (m) {
        const clock = enClock(m, 1) ?? enClock(m, 7) ?? koClock(m, 12);
        if (clock === BAD_TIME) return undefined;
        // "every morning", "each evening" with no hour: which hour is not said (it was read as midnight).
        if (!clock && /morning|evening/i.test(m[0])) return undefined;
        rt.takeMatch(m);
        if (!clock) return '@daily';
        const halfGiven = Boolean(m[3] ?? m[9]);
        if ((m[6]?.toLowerCase() === 'evening' || /evening|night/i.test(m[0])) && clock.hour < 12 && m[1] && !halfGiven)
          clock.hour += 12;
        return `${clock.minute} ${clock.hour} * * *`;
      }
      const k = rt.first(
        new RegExp(
          String.raw`(?:매일|날마다|하루\s*(?:에\s*)?한\s*번(?:씩)?|매일\s*매일|일\s*단위로)\s*(?:${KO_TIME})?|(?:${KO_TIME})\s*(?:마다\s*)?(?:매일|날마다)`,
          'g',
        ),
      );
      if (!k) return undefined;
      const clock = koClock(k, 1) ?? koClock(k, 6);
      if (clock === BAD_TIME) return undefined;
      rt.takeMatch(k);
      return clock ? `${clock.minute} ${clock.hour} * * *` : '@daily';
    },
    () => {
      const m = rt.first(
        /\b(?:hourly|every\s+hour|each\s+hour|once\s+an\s+hour)\b|매\s*시간|매시\s*정각|시간마다|한\s*시간에\s*한\s*번/gi,
      );
      if (!m) return undefined;
      rt.takeMatch(m);
      return '@hourly';
    },
    () => {
      const m = rt.first(
        /\b(?:weekly|every\s+week|each\s+week|once\s+a\s+week)\b|매주|일주일\s*(?:에|마다)\s*한\s*번|주\s*1회/gi,
      );
      if (!m) return undefined;
      rt.takeMatch(m);
      return '@weekly';
    },
    () => {
      const m = rt.first(
        /\b(?:monthly|every\s+month|each\s+month|once\s+a\s+month)\b|매월|매달|한\s*달(?:에|마다)\s*한\s*번/gi,
      );
      if (!m) return undefined;
      rt.takeMatch(m);
      return '@monthly';
    },
    () => {
      const m = rt.first(/\b(?:yearly|annually|every\s+year|once\s+a\s+year)\b|매년|해마다|일\s*년에\s*한\s*번/gi);
      if (!m) return undefined;
      rt.takeMatch(m);
      return '@yearly';
    },
    () => {
      const m = rt.first(
        // (not "each id should appear only once": a uniqueness check)
        /(?<!\b(?:appears?|occurs?|shows?\s+up|exists?)(?:\s+(?:only|just))?\s+)\b(?:(?:just|only)\s+)?once\b(?!\s+(?:a|an|per|every))|\bone[-\s]?(?:time|off)\b|한\s*번만|한번만|일회성(?:으로)?|1회만/gi,
      );
      if (!m) return undefined;
      rt.takeMatch(m);
      return '@once';
    },
    () => {
      const m = rt.first(
        /\b(?:manual(?:ly)?|on[-\s]demand|no\s+schedule|(?:only\s+)?when\s+(?:i|we)\s+(?:trigger|run)\s+it|unscheduled|(?:only\s+)?when\s+triggered)\b|수동(?:으로|으로만)?|필요할\s*때(?:만)?|스케줄\s*없이/gi,
      );
      if (!m) return undefined;
      rt.takeMatch(m);
      return null;
    },
  ];
  for (const read of readers) {
    const schedule = read();
    if (schedule !== undefined) return { schedule };
  }
  return { schedule: undefined };
}
