import { describe, expect, it } from 'vitest';
import { parsePythonLiteral } from './parse-python-literal.js';

describe('parsePythonLiteral (XCom values of Airflow 2 API v1)', () => {
  it('reads the repr of plain data as JSON', () => {
    expect(parsePythonLiteral("{'rows': 42, 'target': 'duckdb:/w/a.duckdb#t', 'path': 'native'}")).toEqual({
      rows: 42,
      target: 'duckdb:/w/a.duckdb#t',
      path: 'native',
    });
    expect(parsePythonLiteral("{'tables': ['a', \"it's\"], 'n': None, 'ok': True, 'x': -1.5e-05}")).toEqual({
      tables: ['a', "it's"],
      n: null,
      ok: true,
      x: -1.5e-5,
    });
    expect(parsePythonLiteral("'caf\\xe9 \\'q\\' \\\\ \\u20ac'")).toBe("café 'q' \\ €");
    expect(parsePythonLiteral('7')).toBe(7);
  });

  it('gives anything else back as the text', () => {
    for (const text of ['datetime.datetime(2026, 1, 1, 0, 0)', '(1,)', "{'a': nan}", "{'a': 'open", 'Truex'])
      expect(parsePythonLiteral(text)).toBe(text);
  });
});
