import { describe, expect, it } from 'vitest';
import { diffLines } from './line-diff.js';

describe('diffLines', () => {
  it('keeps common lines and marks the removed and added ones, in order', () => {
    const older = ['a', 'schedule="@daily"', 'c', 'd'].join('\n');
    const newer = ['a', 'schedule="@hourly"', 'c', 'e', 'd'].join('\n');
    expect(diffLines(older, newer)).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'schedule="@daily"' },
      { kind: 'add', text: 'schedule="@hourly"' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'e' },
      { kind: 'same', text: 'd' },
    ]);
  });

  it('rebuilds both texts from its lines', () => {
    const older = 'x\ny\nz\nw';
    const newer = 'y\nq\nw\nx';
    const lines = diffLines(older, newer);
    expect(
      lines
        .filter((l) => l.kind !== 'add')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(older);
    expect(
      lines
        .filter((l) => l.kind !== 'del')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(newer);
  });
});
