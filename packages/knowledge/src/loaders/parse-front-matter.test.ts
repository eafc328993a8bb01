import { describe, expect, it } from 'vitest';
import { parseFrontMatter } from './parse-front-matter.js';

describe('parseFrontMatter', () => {
  it('reads scalars, quoted strings, inline and block lists, and returns the body', () => {
    const { data, body } = parseFrontMatter(
      [
        '---',
        'title: "DuckDB: bulk loading"',
        'doc_type: guide # a comment',
        'airflow_version: 3',
        'tags: [duckdb, "bulk load", parquet]',
        'aliases:',
        '  - fast load',
        "  - 'copy'",
        'lang: ko',
        '---',
        '# DuckDB',
        'text',
      ].join('\n'),
    );
    expect(data).toEqual({
      title: 'DuckDB: bulk loading',
      doc_type: 'guide',
      airflow_version: '3',
      tags: ['duckdb', 'bulk load', 'parquet'],
      aliases: ['fast load', 'copy'],
      lang: 'ko',
    });
    expect(body).toBe('# DuckDB\ntext');
  });

  it('folds and keeps block scalars', () => {
    const { data } = parseFrontMatter('---\nsummary: >\n  one\n  two\nnotes: |\n  a\n  b\n---\nx');
    expect(data.summary).toBe('one two');
    expect(data.notes).toBe('a\nb');
  });

  it('leaves text without front matter untouched', () => {
    expect(parseFrontMatter('# Title\n---\nnot front matter')).toEqual({
      data: {},
      body: '# Title\n---\nnot front matter',
    });
  });

  it('treats an unclosed block as body', () => {
    const text = '---\ntitle: x\nno closing line';
    expect(parseFrontMatter(text)).toEqual({ data: {}, body: text });
  });
});
