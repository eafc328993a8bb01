import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { parseExpression } from './parse-expression.js';
import { renderExpression } from './render-expression.js';
import { sqlDialect } from './sql-dialect.js';

const cols = ['amount', 'event_type', 'user_id', 'name'];
const render = (expr: string, engine: 'sqlite' | 'duckdb' | 'postgres' | 'mysql' = 'duckdb') =>
  renderExpression(parseExpression(expr, { columns: cols }), sqlDialect(engine));

describe('expression allow-list', () => {
  it('renders arithmetic, comparisons and boolean logic with quoted identifiers', () => {
    expect(render("amount * 2 > 10 and event_type <> 'x'")).toBe(`((("amount" * 2) > 10) AND ("event_type" <> 'x'))`);
    expect(render('user_id in (1, 2) or name is not null')).toBe(`(("user_id" IN (1, 2)) OR ("name" IS NOT NULL))`);
    expect(render("amount between 1 and 5 and name not like 'a%'")).toBe(
      `(("amount" BETWEEN 1 AND 5) AND ("name" NOT LIKE 'a%'))`,
    );
    expect(render("case when amount > 100 then 'big' else 'small' end")).toBe(
      `(CASE WHEN ("amount" > 100) THEN 'big' ELSE 'small' END)`,
    );
  });

  it('adapts functions and concatenation to each engine', () => {
    expect(render("name || '!'", 'mysql')).toBe("(CONCAT(`name`, '!'))");
    expect(render('substr(name, 1, 2)', 'mysql')).toBe('SUBSTRING(`name`, 1, 2)');
    expect(render('date(name)', 'sqlite')).toBe('date("name")');
    expect(render('date(name)', 'postgres')).toBe('CAST("name" AS DATE)');
    expect(render('true', 'sqlite')).toBe('1');
  });

  it('escapes quotes inside string literals', () => {
    expect(render("name = 'O''Brien'")).toBe(`("name" = 'O''Brien')`);
    // Backslashes mean different things to MySQL and the others: refused rather than guessed.
    expect(() => render("name = 'a\\'", 'mysql')).toThrow(/backslashes/);
  });

  it.each([
    ['amount; DROP TABLE events', /";"/],
    ['amount -- comment', /comments/],
    ['amount /* x */', /comments/],
    ['system(amount)', /not on the allow-list/],
    ['password > 1', /unknown column "password"/],
    ['(select 1)', /unexpected SELECT|unknown column "select"/],
    ["name = 'unterminated", /unterminated string/],
    ['amount >', /ends too early/],
    ['amount @ 2', /character "@"/],
    ['__import__(1)', /not on the allow-list/],
    ['substr(name)', /takes 2 to 3 arguments/],
    ['"quoted" = 1', /character """/],
  ])('refuses %s', (expr, why) => {
    expect(() => parseExpression(expr, { columns: cols })).toThrow(why);
  });

  it('refuses absurd nesting and length', () => {
    expect(() => parseExpression('('.repeat(60) + '1' + ')'.repeat(60))).toThrow(/nesting/);
    expect(() => parseExpression('1+'.repeat(600) + '1')).toThrow(/longer than 1000/);
  });
});

describe('date parts', () => {
  const parts = ['year', 'month', 'day', 'hour'] as const;

  it('renders year, month, day and hour for every engine as an integer', () => {
    expect(render('year(name)', 'sqlite')).toBe(`CAST(strftime('%Y', "name") AS INTEGER)`);
    expect(render('hour(name)', 'sqlite')).toBe(`CAST(strftime('%H', "name") AS INTEGER)`);
    expect(render('month(name)', 'duckdb')).toBe(`CAST(EXTRACT(MONTH FROM CAST("name" AS TIMESTAMP)) AS INTEGER)`);
    expect(render('day(name)', 'postgres')).toBe(`CAST(EXTRACT(DAY FROM CAST("name" AS TIMESTAMP)) AS INTEGER)`);
    expect(render('year(name)', 'mysql')).toBe('YEAR(`name`)');
    expect(render('hour(name) + 1', 'mysql')).toBe('(HOUR(`name`) + 1)');
  });

  it('reads the parts of SQLite text timestamps and dates as integers (a real SQLite database)', () => {
    const db = new DatabaseSync(':memory:');
    db.exec("CREATE TABLE t (name TEXT); INSERT INTO t VALUES ('2024-03-07 09:45:12'), ('2023-12-31'), (NULL)");
    const sql = parts.map((p) => `${render(`${p}(name)`, 'sqlite')} AS ${p}`).join(', ');
    expect(
      db
        .prepare(`SELECT ${sql} FROM t`)
        .all()
        .map((r) => ({ ...r })),
    ).toEqual([
      { year: 2024, month: 3, day: 7, hour: 9 },
      { year: 2023, month: 12, day: 31, hour: 0 },
      { year: null, month: null, day: null, hour: null },
    ]);
    db.close();
  });

  it.each(parts)('%s takes exactly one argument', (part) => {
    expect(() => parseExpression(`${part}(name, 1)`, { columns: cols })).toThrow(/takes 1 arguments/);
    expect(() => parseExpression(`${part}()`, { columns: cols })).toThrow(/takes 1 arguments/);
  });
});
