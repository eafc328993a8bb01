import { describe, expect, it } from 'vitest';
import { loadMarkdown } from './load-markdown.js';

const text = [
  '---',
  'title: DuckDB bulk loads',
  'doc_type: guide',
  'category: databases',
  'airflow_version: "2.x and 3.x"',
  'tags: [duckdb]',
  '---',
  '# DuckDB',
  '',
  'Intro paragraph.',
  '',
  '## Bulk loading',
  '',
  'Use COPY.',
  '',
  '```python',
  '# not a heading',
  'con.execute("COPY t FROM \'x.parquet\'")',
  '```',
  '',
  '### Parquet `read_parquet`',
  'Fast.',
  '',
  'Setext heading',
  '--------------',
  'Under setext.',
].join('\n');

describe('loadMarkdown', () => {
  const doc = loadMarkdown({ path: 'databases/duckdb.md', text });

  it('reads the front matter into normalised metadata', () => {
    expect(doc.metadata).toEqual({
      title: 'DuckDB bulk loads',
      docType: 'guide',
      category: 'databases',
      airflowVersion: '2,3',
      lang: 'en',
      tags: ['duckdb'],
    });
    expect(doc.body.startsWith('# DuckDB')).toBe(true);
  });

  it('builds heading paths and keeps fenced code whole, even with # lines inside', () => {
    expect(doc.sections.map((s) => s.headingPath)).toEqual([
      ['DuckDB'],
      ['DuckDB', 'Bulk loading'],
      ['DuckDB', 'Bulk loading', 'Parquet read_parquet'],
      ['DuckDB', 'Setext heading'],
    ]);
    const bulk = doc.sections[1];
    expect(bulk?.blocks).toEqual([
      { kind: 'text', text: 'Use COPY.' },
      { kind: 'code', text: '```python\n# not a heading\ncon.execute("COPY t FROM \'x.parquet\'")\n```' },
    ]);
  });

  it('falls back to the first heading and the folder for title and category; detects Korean', () => {
    const ko = loadMarkdown({ path: 'guides/x.md', text: '# 테이블 이관\n\n매일 데이터를 옮기는 방법입니다.' });
    expect(ko.metadata).toMatchObject({ title: '테이블 이관', category: 'guides', lang: 'ko', airflowVersion: 'any' });
  });

  it('keeps an unclosed fence as code to the end', () => {
    const d = loadMarkdown({ path: 'a.md', text: '# A\n```\ncode\n## not heading' });
    expect(d.sections).toEqual([{ headingPath: ['A'], blocks: [{ kind: 'code', text: '```\ncode\n## not heading' }] }]);
  });
});
