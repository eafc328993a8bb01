import { describe, expect, it } from 'vitest';
import { mergeClarification } from './merge-clarification.js';

describe('mergeClarification', () => {
  it('adds the answer as a sentence of its own', () => {
    expect(mergeClarification('Move the orders table from SQLite shop.db', 'Into DuckDB file out.duckdb', [])).toBe(
      'Move the orders table from SQLite shop.db. Into DuckDB file out.duckdb',
    );
    expect(mergeClarification('Move orders.', 'daily', [])).toBe('Move orders. daily');
  });

  it('takes out the words the question quoted, whatever their case, and tidies the punctuation left behind', () => {
    expect(
      mergeClarification('Move orders into out.duckdb, Blorpify the totals, every day', 'only paid orders', [
        'blorpify the totals',
      ]),
    ).toBe('Move orders into out.duckdb, every day. only paid orders');
    expect(mergeClarification('Move orders, zork', 'hourly', ['zork'])).toBe('Move orders. hourly');
  });

  it('leaves the request as it is when a quoted phrase is not in it', () => {
    expect(mergeClarification('Move orders', 'hourly', ['elsewhere'])).toBe('Move orders. hourly');
  });

  it('is the answer alone when nothing else is left', () => {
    expect(mergeClarification('zork', 'Move orders from a.db into b.duckdb', ['zork'])).toBe(
      'Move orders from a.db into b.duckdb',
    );
  });
});
