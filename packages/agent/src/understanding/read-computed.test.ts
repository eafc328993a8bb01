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
const TABLES: Record<string, TableSchema> = {
  orders: table('orders', ['id', 'customer_id', 'status', 'amount', 'discount', 'created_at']),
  order_items: table('order_items', ['id', 'order_id', 'quantity', 'unit_price', 'discount']),
  products: table('products', ['id', 'name', 'sku', 'price', 'stock', 'created_at']),
  customers: table('customers', ['id', 'name', 'city', 'country', 'segment', 'created_at']),
  sessions: table('sessions', ['session_id', 'device', 'duration_ms', 'started_at']),
  payments: table('payments', ['id', 'amount', 'fee', 'paid_at']),
  page_views: table('page_views', ['id', 'path', 'duration_ms', 'ts']),
};

function vocabulary(playing: string): Vocabulary {
  const vocab = new Vocabulary(Object.values(TABLES));
  vocab.play([TABLES[playing] as TableSchema]);
  return vocab;
}

/** What readComputed finds in a request about one table, and the words it left. */
function read(playing: string, text: string) {
  const rt = new RequestText(text);
  const computed = readComputed(rt, vocabulary(playing));
  const left = rt
    .leftovers()
    .map((l) => l.text.trim())
    .filter(Boolean);
  return { computed, left };
}

describe('parseWordsExpression', () => {
  it.each([
    ['order_items', 'quantity times unit_price', 'quantity * unit_price'],
    ['orders', 'amount minus discount', 'amount - discount'],
    ['sessions', 'duration_ms divided by 1000', 'duration_ms / 1000'],
    ['products', 'price*1.1', 'price * 1.1'],
    ['orders', '(amount - discount) * 1.1', '(amount - discount) * 1.1'],
    ['orders', 'the year of created_at', 'year(created_at)'],
    ['orders', 'just the date part of created_at', 'date(created_at)'],
    ['products', 'the first 3 characters of sku', 'substr(sku, 1, 3)'],
    ['products', 'the absolute value of stock', 'abs(stock)'],
    ['customers', "city and country joined with ', '", "concat(city, ', ', country)"],
    ['customers', "concatenates name, ' - ' and segment", "concat(name, ' - ', segment)"],
    ['sessions', 'duration_ms divided by 60000, rounded to 1 decimal', 'round(duration_ms / 60000, 1)'],
    ['sessions', 'device upper-cased', 'upper(device)'],
    ['payments', "fee, but 0 where it's empty", 'coalesce(fee, 0)'],
    ['orders', 'round amount to whole numbers', 'round(amount, 0)'],
    ['products', 'price에 1.1을 곱한', 'price * 1.1'],
    ['orders', 'amount에서 discount를 뺀', 'amount - discount'],
    ['sessions', 'duration_ms를 1000으로 나눈', 'duration_ms / 1000'],
    ['payments', 'amount에 fee를 더한', 'amount + fee'],
    ['customers', "name과 city를 ', '로 이어 붙여서", "concat(name, ', ', city)"],
    ['customers', 'name과 city를 공백으로 합친', "concat(name, ' ', city)"],
    ['products', 'multiply price by 1.1', 'price * 1.1'],
    ['orders', 'subtract discount from amount', 'amount - discount'],
    ['payments', 'the sum of amount and fee', 'amount + fee'],
    ['orders', '(amount - discount) * 1.1', '(amount - discount) * 1.1'],
    ['orders', 'amount - (discount * 2)', 'amount - discount * 2'],
    ['customers', "lower(name) || ' ' || upper(city)", "lower(name) || ' ' || upper(city)"],
    ['products', 'substring(sku, 1, 3)', 'substr(sku, 1, 3)'],
    ['orders', 'round(amount * 1.1, 2)', 'round(amount * 1.1, 2)'],
    ['order_items', 'quantity 곱하기 unit_price 곱하기 0.9', 'quantity * unit_price * 0.9'],
    ['orders', 'created_at의 연도', 'year(created_at)'],
    ['page_views', 'ts의 일(day)', 'day(ts)'],
    ['payments', 'paid_at의 날짜 부분만', 'date(paid_at)'],
    ['products', 'sku 앞 3글자', 'substr(sku, 1, 3)'],
    ['page_views', 'path를 대문자로 바꾼', 'upper(path)'],
    ['products', '가격을 소수점 둘째 자리까지 반올림해서', 'round(price, 2)'],
    ['orders', 'amount를 소수점 없이 반올림해서', 'round(amount, 0)'],
    ['payments', '수수료(fee)가 null이면 0으로 바꿔서', 'coalesce(fee, 0)'],
  ])('%s: %s -> %s', (playing, text, expr) => {
    expect(parseWordsExpression(text, vocabulary(playing))).toBe(expr);
  });

  it.each([
    ['orders', 'amount times'],
    ['orders', 'amount times the moon'],
    ['orders', 'the year of shipping'],
    ['products', 'price에 1.1을 더블로'],
    ['products', 'system(price)'],
    ['products', 'substr(sku)'],
    ['orders', 'multiply amount from discount'],
    ['page_views', 'ts의 시(day)'],
    ['customers', 'city and country'],
  ])('%s: refuses %s (a word not understood)', (playing, text) => {
    expect(parseWordsExpression(text, vocabulary(playing))).toBeUndefined();
  });
});

describe('readComputed', () => {
  it.each([
    [
      'order_items',
      'order_items with a line_total column: quantity times unit_price',
      'line_total',
      'quantity * unit_price',
    ],
    ['orders', 'orders plus a net_amount column that is amount minus discount', 'net_amount', 'amount - discount'],
    ['sessions', "add duration_s to sessions, that's duration_ms divided by 1000", 'duration_s', 'duration_ms / 1000'],
    ['products', 'products: id, name, price and price*1.1 as price_net', 'price_net', 'price * 1.1'],
    [
      'page_views',
      'page_views with duration in seconds as duration_s (duration_ms / 1000)',
      'duration_s',
      'duration_ms / 1000',
    ],
    ['orders', 'Copy orders and add order_year, the year of created_at', 'order_year', 'year(created_at)'],
    ['customers', 'customers plus signup_month (month of created_at)', 'signup_month', 'month(created_at)'],
    ['page_views', 'page_views with the day of ts as view_day', 'view_day', 'day(ts)'],
    ['products', 'products with sku_prefix = the first 3 characters of sku', 'sku_prefix', 'substr(sku, 1, 3)'],
    [
      'customers',
      "customers, and add a display column that concatenates name, ' - ' and segment",
      'display',
      "concat(name, ' - ', segment)",
    ],
    [
      'sessions',
      'sessions: duration_ms divided by 60000, rounded to 1 decimal, as duration_min',
      'duration_min',
      'round(duration_ms / 60000, 1)',
    ],
    [
      'products',
      'products 테이블에 price에 1.1을 곱한 price_with_tax 컬럼을 추가해서 옮겨줘',
      'price_with_tax',
      'price * 1.1',
    ],
    [
      'order_items',
      '주문 항목 테이블에서 quantity * unit_price를 line_total로 계산해서 넣어줘',
      'line_total',
      'quantity * unit_price',
    ],
    ['orders', 'orders에 amount에서 discount를 뺀 net_amount 컬럼 추가', 'net_amount', 'amount - discount'],
    [
      'order_items',
      'order_items에 quantity 곱하기 unit_price 곱하기 0.9 값을 discounted_total로 추가',
      'discounted_total',
      'quantity * unit_price * 0.9',
    ],
    ['orders', 'orders에 created_at의 연도를 order_year 컬럼으로 추가해줘', 'order_year', 'year(created_at)'],
    ['customers', '고객 가입 월을 created_at에서 뽑아 signup_month로 추가', 'signup_month', 'month(created_at)'],
    ['products', '상품명 길이를 name_length 컬럼으로 추가해줘', 'name_length', 'length(name)'],
    ['page_views', 'page_views에서 path를 대문자로 바꾼 path_upper 컬럼 추가', 'path_upper', 'upper(path)'],
  ])('%s: %s', (playing, text, name, expr) => {
    expect(read(playing, text).computed).toEqual([{ name, expr }]);
  });

  it.each([
    ['payments', 'payments plus net = amount - fee', 'net', 'amount - fee'],
    [
      'sessions',
      'sessions 테이블에 started_at에서 시(hour)만 뽑아서 start_hour로 넣어줘',
      'start_hour',
      'hour(started_at)',
    ],
    ['page_views', 'page_views에 ts의 일(day)을 view_day로 추가', 'view_day', 'day(ts)'],
    ['payments', 'payments에 paid_at의 날짜(date)만 pay_date로 추가', 'pay_date', 'date(paid_at)'],
    ['orders', 'orders, add a column called net_amount: amount - discount', 'net_amount', 'amount - discount'],
    ['products', 'copy products and compute margin = price - 10', 'margin', 'price - 10'],
    [
      'order_items',
      'order_items에 quantity * unit_price를 line_total로 add해줘',
      'line_total',
      'quantity * unit_price',
    ],
    ['products', 'products: take price times 1.1 and call it price_net', 'price_net', 'price * 1.1'],
    ['sessions', 'sessions, add start_hour from the hour of started_at', 'start_hour', 'hour(started_at)'],
    ['orders', 'orders with a new column net computed as amount less discount', 'net', 'amount - discount'],
    ['customers', 'customers에 created_at 연도를 signup_year로 추가', 'signup_year', 'year(created_at)'],
    [
      'order_items',
      'order_items에 quantity와 unit_price를 곱해서 line_total로 추가',
      'line_total',
      'quantity * unit_price',
    ],
  ])('%s: %s (more phrasings)', (playing, text, name, expr) => {
    expect(read(playing, text).computed).toEqual([{ name, expr }]);
  });

  it.each([
    ['sessions', 'events with device upper-cased', 'device', 'upper(device)'],
    ['payments', "payments: fee, but 0 where it's empty", 'fee', 'coalesce(fee, 0)'],
    ['orders', 'orders, round amount to whole numbers', 'amount', 'round(amount, 0)'],
    ['products', 'products 가격을 소수점 둘째 자리까지 반올림해서 넣어줘', 'price', 'round(price, 2)'],
    ['payments', '결제 수수료(fee)가 null이면 0으로 바꿔서 옮겨 주세요', 'fee', 'coalesce(fee, 0)'],
    ['payments', '결제 테이블을 옮기고, fee가 비면 0으로, 매일', 'fee', 'coalesce(fee, 0)'],
  ])('%s: %s (in place)', (playing, text, column, expr) => {
    expect(read(playing, text).computed).toEqual([{ name: column, expr, replaces: column }]);
  });

  it('takes the whole phrase and leaves the table and the verbs around it', () => {
    expect(read('orders', 'Copy orders and add order_year, the year of created_at').left).toEqual(['Copy orders and']);
    expect(read('sessions', "add duration_s to sessions, that's duration_ms divided by 1000").left).toEqual([
      'to sessions',
    ]);
    expect(read('products', 'products 테이블에 price에 1.1을 곱한 price_with_tax 컬럼을 추가해서 옮겨줘').left).toEqual(
      ['products 테이블에', '옮겨줘'],
    );
  });

  it.each([
    ['orders', 'add net_amount = amount minus the moon'],
    ['orders', 'amount times sparkle as glitter'],
    ['orders', 'plus order_year, the year of shipping'],
    ['products', 'price에 1.1을 더블로 한 price_x 컬럼 추가'],
    // Not computed columns: a rename, a cast, a filter, a target table.
    ['orders', 'copy orders with customer_id as buyer_id'],
    ['orders', 'orders with amount as integer'],
    ['orders', 'copy orders with amount over 100 as big_orders'],
    ['orders', 'orders where amount is above 100 into a table named big_orders'],
    ['orders', 'orders where amount = discount * 2'],
    ['orders', 'orders with amount = discount * 2'],
    ['orders', 'orders를 amount 기준으로 big_orders로 옮겨줘'],
  ])('%s: takes nothing of "%s"', (playing, text) => {
    const r = read(playing, text);
    expect(r.computed).toEqual([]);
  });
});
