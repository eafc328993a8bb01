import { describe, expect, it } from 'vitest';
import { loadMarkdown } from '../loaders/load-markdown.js';
import { splitDocument } from './split-document.js';

function sentences(count: number, word: string): string {
  return Array.from({ length: count }, (_, i) => `Sentence ${i} talks about ${word} loading in some detail.`).join(' ');
}

describe('splitDocument', () => {
  it('keeps small sections as one chunk each, with their heading path', () => {
    const doc = loadMarkdown({ path: 'a.md', text: '# DuckDB\n\nIntro.\n\n## Bulk loading\n\nUse COPY.' });
    expect(splitDocument(doc)).toEqual([
      { ordinal: 0, headingPath: 'DuckDB', text: 'Intro.' },
      { ordinal: 1, headingPath: 'DuckDB > Bulk loading', text: 'Use COPY.' },
    ]);
  });

  it('cuts long prose near the size with overlap between consecutive chunks', () => {
    const doc = loadMarkdown({ path: 'a.md', text: `# Long\n\n${sentences(60, 'bulk')}` });
    const chunks = splitDocument(doc, { chunkSize: 500, overlap: 100 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(500);
      expect(chunk.headingPath).toBe('Long');
    }
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]?.text ?? '';
      const head = (chunks[i]?.text ?? '').slice(0, 30);
      expect(previous).toContain(head);
    }
  });

  it('never cuts a fenced code block, even one longer than the chunk size', () => {
    const code = [
      '```sql',
      ...Array.from({ length: 40 }, (_, i) => `INSERT INTO t VALUES (${i}, 'row number ${i}');`),
      '```',
    ].join('\n');
    const doc = loadMarkdown({
      path: 'a.md',
      text: `# Code\n\n${sentences(8, 'sql')}\n\n${code}\n\n${sentences(8, 'after')}`,
    });
    const chunks = splitDocument(doc, { chunkSize: 400, overlap: 80 });
    const withCode = chunks.filter((c) => c.text.includes('```'));
    expect(withCode).toHaveLength(1);
    expect(withCode[0]?.text).toContain(code);
    for (const chunk of chunks) expect((chunk.text.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('numbers chunks across sections and skips heading-only sections', () => {
    const doc = loadMarkdown({ path: 'a.md', text: '# A\n\n## B\n\ntext b\n\n## C\n\ntext c' });
    expect(splitDocument(doc).map((c) => [c.ordinal, c.headingPath])).toEqual([
      [0, 'A > B'],
      [1, 'A > C'],
    ]);
  });
});
