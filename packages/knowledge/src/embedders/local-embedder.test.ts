import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from './local-embedder.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

describe('LocalEmbedder', () => {
  const embedder = new LocalEmbedder();

  it('is deterministic, 768-dimensional and unit length', async () => {
    const [a] = await embedder.embedDocuments(['Bulk loading Parquet into DuckDB']);
    const b = await embedder.embedQuery('Bulk loading Parquet into DuckDB');
    expect(embedder.dimensions).toBe(768);
    expect(embedder.id).toBe('local-hash-v2:768');
    expect(a).toEqual(b);
    expect(cosine(b, b)).toBeCloseTo(1, 5);
  });

  it('places related wording closer than unrelated wording', async () => {
    const [doc, other] = await embedder.embedDocuments([
      'Incremental loads read only rows whose updated_at is past the saved watermark.',
      'Pools limit how many tasks run at once against a shared resource.',
    ]);
    const query = await embedder.embedQuery('incremental load with a watermark column');
    expect(cosine(query, doc as Float32Array)).toBeGreaterThan(cosine(query, other as Float32Array) + 0.1);
  });

  it('matches Korean words with different particles through stems and syllable n-grams', async () => {
    const [doc, other] = await embedder.embedDocuments([
      '테이블을 매일 다른 데이터베이스로 이관하는 방법',
      '실패한 태스크를 재시도하는 설정',
    ]);
    const query = await embedder.embedQuery('테이블 이관');
    expect(cosine(query, doc as Float32Array)).toBeGreaterThan(cosine(query, other as Float32Array) + 0.1);
  });

  it('gives the empty text a zero vector rather than NaN', async () => {
    const vector = await embedder.embedQuery('');
    expect([...vector].every((v) => v === 0)).toBe(true);
  });
});
