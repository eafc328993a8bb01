import { describe, expect, it } from 'vitest';
import { formatIngestProgress, formatIngestSummary } from './format-ingest-summary.js';

describe('formatIngestSummary', () => {
  it('counts every outcome and names skipped files with their reasons', () => {
    const text = formatIngestSummary({
      added: ['a.md', 'b.md'],
      changed: ['c.md'],
      unchanged: [],
      removed: ['d.md'],
      skipped: [{ path: 'logo.md', reason: 'binary file' }],
      ignoredFiles: 3,
      chunksEmbedded: 12,
      durationMs: 1520,
    });
    expect(text.split('\n')).toEqual([
      'added 2, changed 1, removed 1, unchanged 0, skipped 1 (12 chunks embedded in 1.5 s)',
      '  skipped logo.md: binary file',
      '  3 other file(s) are not documents (.md, .rst, .txt)',
    ]);
  });

  it('draws a progress bar', () => {
    expect(formatIngestProgress({ done: 5, total: 10, path: 'x.md', action: 'added' })).toBe(
      '[##########..........] 5/10 x.md (added)',
    );
  });
});
