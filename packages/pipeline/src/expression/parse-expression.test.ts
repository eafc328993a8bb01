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
