import { describe, expect, it } from 'vitest';
import { parseWordsExpression } from './parse-words-expression.js';
import { readComputed } from './read-computed.js';
import { RequestText } from './request-text.js';
import { Vocabulary, type TableSchema } from './vocabulary.js';

const table = (name: string, columns: string[]): TableSchema => ({
  name,
  columns: columns.map((c) => ({ name: c, type: 'text' as const })),
  rowCount: undefined,
});
const TABLES = [
  table('orders', ['id', 'amount', 'discount', 'created_at', 'quantity', 'unit_price', 'price', 'fee']),
  table('customers', ['id', 'name', 'city', 'country', 'segment', 'sku', 'device', 'duration_ms', 'ts']),
];

function vocabulary(): Vocabulary {
  const vocab = new Vocabulary(TABLES);
  vocab.play(TABLES);
  return vocab;
}

function read(text: string) {
  const rt = new RequestText(text);
  const computed = readComputed(rt, vocabulary());
  const left = rt
    .leftovers()
    .map((l) => l.text.trim())
    .filter(Boolean);
  return { computed, left };
}

describe('parseWordsExpression', () => {
  it.each([
    ['quantity times unit_price', 'quantity * unit_price'],
    ['amount minus discount', 'amount - discount'],
    ['duration_ms divided by 1000', 'duration_ms / 1000'],
    ['price*1.1', 'price * 1.1'],
    ['the year of created_at', 'year(created_at)'],
    ['the first 3 characters of sku', 'substr(sku, 1, 3)'],
    ["city and country joined with ', '", "concat(city, ', ', country)"],
    ['duration_ms divided by 60000, rounded to 1 decimal', 'round(duration_ms / 60000, 1)'],
    ['price에 1.1을 곱한', 'price * 1.1'],
    ['amount에서 discount를 뺀', 'amount - discount'],
    ['duration_ms를 1000으로 나눈', 'duration_ms / 1000'],
    ['quantity 곱하기 unit_price 곱하기 0.9', 'quantity * unit_price * 0.9'],
    ['created_at의 연도', 'year(created_at)'],
    ['sku 앞 3글자', 'substr(sku, 1, 3)'],
  ])('%s -> %s', (text, expr) => {
    expect(parseWordsExpression(text, vocabulary())).toBe(expr);
  });
});

describe('readComputed', () => {
  it.each([
    ['add order_year, the year of created_at', 'order_year', 'year(created_at)'],
    ['Copy orders and add order_year, the year of created_at', 'order_year', 'year(created_at)'],
    [
      'sessions: duration_ms divided by 60000, rounded to 1 decimal, as duration_min',
      'duration_min',
      'round(duration_ms / 60000, 1)',
    ],
    [
      "customers, and add a display column that concatenates name, ' - ' and segment",
      'display',
      "concat(name, ' - ', segment)",
    ],
    ['price에 1.1을 곱한 price_with_tax 컬럼을 추가해서 옮겨줘', 'price_with_tax', 'price * 1.1'],
  ])('%s', (text, name, expr) => {
    const r = read(text);
    console.log(JSON.stringify(r));
    expect(r.computed).toEqual([{ name, expr }]);
  });
});
