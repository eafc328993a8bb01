import { createKnowledgeService } from '@airflow-mcp/agent';
import {
  buildEmbeddingText,
  createMiniLmEmbedder,
  englishModelText,
  precomputedVectorsPath,
  readPrecomputedVectors,
  textKey,
} from '@airflow-mcp/knowledge';
import { createPgliteClient } from '@airflow-mcp/state';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const corpusDir = resolve(import.meta.dirname, '../../knowledge');
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
const model = createMiniLmEmbedder();
const noKeys = {
  gemini: { apiKey: undefined, model: 'gemini-embedding-001', baseUrl: undefined },
  openai: { baseUrl: undefined, apiKey: undefined, model: undefined },
};

// npm run setup installs the model (createMiniLmEmbedder throws naming it otherwise)
describe('the default embedder (EMBEDDER=auto, no API key)', () => {
  it('is all-MiniLM-L6-v2 in process once setup installed it, and a fresh store takes the bundled corpus from its precomputed vectors', async () => {
    const client = await createPgliteClient({});
    const knowledge = await createKnowledgeService({ embedder: 'auto', ...noKeys, client, corpusDir });
    try {
      expect(knowledge.embedder.id).toBe('all-minilm-l6-v2-int8:384');
      const summary = await knowledge.corpusReady;
      expect(summary?.added.length).toBeGreaterThan(40);
      // every chunk came from knowledge/.vectors (npm run knowledge:vectors after editing knowledge/)
      expect((knowledge.embedder as unknown as { counts: { reused: number; embedded: number } }).counts).toEqual({
        reused: summary?.chunksEmbedded,
        embedded: 0,
      });
      // the shipped vectors are this model's: chunks embedded again now point the same way
      const shipped = readPrecomputedVectors(corpusDir, model);
      const chunks = await knowledge.store.getChunks([1, 100, 200]);
      // (what ingest embeds: an English-only model reads Korean chunks through the lexicon)
      const texts = chunks.map((chunk) => englishModelText(buildEmbeddingText(chunk)));
      const fresh = await model.embedDocuments(texts);
      chunks.forEach((chunk, i) => {
        const vector = shipped?.get(textKey(texts[i] ?? ''));
        expect(vector, chunk.path).toBeDefined();
        expect(dot(vector ?? new Float32Array(), fresh[i] ?? new Float32Array())).toBeGreaterThan(0.999);
      });
      // a paraphrase with no shared keyword reaches the retries note, in English and in Korean
      const english = await knowledge.retriever.search('my job hits a flaky API: make it try again a few times', {
        k: 3,
      });
      expect(english.map((r) => r.doc).join(' ')).toMatch(/retr/);
      const korean = await knowledge.retriever.search('작업이 실패하면 잠시 뒤 자동으로 재시도하게 하려면?', { k: 3 });
      expect(korean.map((r) => r.doc).join(' ')).toMatch(/retr/);
    } finally {
      await knowledge.close();
      await client.close();
    }
  });

  it('keeps the hashing embedder for a store it filled (until ingest --reset), and falls back to it without the model', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auto-embedder-'));
    const docs = join(dataDir, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'retries.md'), '# Retries\n\nSet retries and retry_delay in default_args.\n');
    const open = async (options: { embedder: 'auto' | 'local'; reset?: boolean; modelDir?: string }) => {
      const client = await createPgliteClient({ dataDir: join(dataDir, 'db') });
      const knowledge = await createKnowledgeService({ ...noKeys, ...options, client });
      return { knowledge, close: async () => (await knowledge.close(), await client.close()) };
    };
    const first = await open({ embedder: 'local' });
    await first.knowledge.ingest([docs]);
    await first.close();

    const again = await open({ embedder: 'auto' });
    expect(again.knowledge.embedder.id).toBe('local-hash-v2:768');
    expect((await again.knowledge.retriever.search('retry delay'))[0]?.doc).toBe('retries.md');
    await again.close();

    const reset = await open({ embedder: 'auto', reset: true });
    expect(reset.knowledge.embedder.id).toBe('all-minilm-l6-v2-int8:384');
    expect(await reset.knowledge.store.countChunks()).toBe(0);
    await reset.close();

    const noModel = await open({ embedder: 'auto', reset: true, modelDir: mkdtempSync(join(tmpdir(), 'no-model-')) });
    expect(noModel.knowledge.embedder.id).toBe('local-hash-v2:768');
    await noModel.close();

    // a store MiniLM filled, with the model gone: refused at start, saying how to get the model back
    const minilm = await open({ embedder: 'auto', reset: true });
    await minilm.knowledge.ingest([docs]);
    await minilm.close();
    const client = await createPgliteClient({ dataDir: join(dataDir, 'db') });
    await expect(
      createKnowledgeService({ ...noKeys, embedder: 'auto', client, modelDir: join(dataDir, 'gone') }),
    ).rejects.toThrow(/needs the model that npm run setup installs/);
    await client.close();
  });

  it('embeds a chunk the shipped file lacks (a corpus edited without npm run knowledge:vectors) instead of failing', async () => {
    const corpus = mkdtempSync(join(tmpdir(), 'edited-corpus-'));
    writeFileSync(join(corpus, 'retries.md'), '# Retries\n\nSet retries and retry_delay in default_args.\n');
    const path = precomputedVectorsPath(corpus, 'all-minilm-l6-v2-int8:384');
    mkdirSync(join(corpus, '.vectors'));
    writeFileSync(
      path,
      JSON.stringify({ embedder: 'all-minilm-l6-v2-int8:384', dimensions: 384, vectors: { [textKey('gone')]: '' } }),
    );
    const client = await createPgliteClient({});
    // an empty entry is a malformed file, named with its path
    await expect(createKnowledgeService({ embedder: 'auto', ...noKeys, client, corpusDir: corpus })).rejects.toThrow(
      /edited-corpus-.*has 0 values, not 384/,
    );
    writeFileSync(path, JSON.stringify({ embedder: 'all-minilm-l6-v2-int8:384', dimensions: 384, vectors: {} }));
    const knowledge = await createKnowledgeService({ embedder: 'auto', ...noKeys, client, corpusDir: corpus });
    expect((await knowledge.corpusReady)?.chunksEmbedded).toBe(1);
    expect((knowledge.embedder as unknown as { counts: object }).counts).toEqual({ reused: 0, embedded: 1 });
    expect((await knowledge.retriever.search('how long between two attempts'))[0]?.doc).toBe('retries.md');
    await knowledge.close();
    await client.close();
  });
});
