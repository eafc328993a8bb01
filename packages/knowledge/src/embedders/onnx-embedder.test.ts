import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultEmbeddingModelDir, hasOnnxModel, OnnxEmbedder } from './onnx-embedder.js';

// the folder `npm run setup` fills (scripts/lib/embedding-model.mjs)
const modelDir = defaultEmbeddingModelDir();
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe('OnnxEmbedder', () => {
  it('says how to install the model when its folder is empty', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-model-'));
    expect(hasOnnxModel(empty)).toBe(false);
    await expect(new OnnxEmbedder({ modelDir: empty }).embedQuery('x')).rejects.toThrow(
      /npm run setup.*EMBEDDER=local/,
    );
  });

  it('embeds with the installed all-MiniLM-L6-v2: paraphrases close, unrelated text far, batches equal single texts', async () => {
    expect(hasOnnxModel(modelDir), `run npm run setup to install the model into ${modelDir}`).toBe(true);
    const embedder = new OnnxEmbedder({ modelDir });
    expect(embedder.id).toBe('all-minilm-l6-v2-int8:384');
    const query = await embedder.embedQuery('How do I make a failed task try again automatically?');
    const [paraphrase, unrelated, long] = await embedder.embedDocuments([
      'Set the number of retries and the delay between attempts for an operator.',
      'The cat sat on the warm mat in the afternoon sun.',
      'Send the task logs to an object store bucket so they survive restarts. '.repeat(8),
    ]);
    if (!paraphrase || !unrelated || !long) throw new Error('missing vectors');
    expect(query).toHaveLength(384);
    expect(dot(query, query)).toBeCloseTo(1, 4);
    expect(dot(query, paraphrase)).toBeGreaterThan(dot(query, unrelated) + 0.2);
    // padding in a batch with a longer text does not change a vector
    const [alone] = await embedder.embedDocuments(['The cat sat on the warm mat in the afternoon sun.']);
    if (!alone) throw new Error('missing vector');
    expect(dot(alone, unrelated)).toBeGreaterThan(0.999);
  }, 60_000);

  it('computes on a worker thread: a process embedding a batch of long chunks keeps its event loop turning', () => {
    // A child process on its main thread, as the service runs (in vitest's own workers the old blocking call did
    // not show): the built package, a 5 ms ticker, 32 chunks of ~200 word pieces (two batches).
    const script = `
      import { OnnxEmbedder } from '@airflow-mcp/knowledge';
      const embedder = new OnnxEmbedder({ modelDir: ${JSON.stringify(modelDir)} });
      await embedder.embedQuery('load the model first');
      const texts = Array.from({ length: 32 }, (_, i) => 'Airflow retries a failed task after retry_delay. '.repeat(20) + i);
      let last = performance.now(), worst = 0;
      const ticker = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 5);
      const started = performance.now();
      await embedder.embedDocuments(texts);
      clearInterval(ticker);
      console.log(JSON.stringify({ worst, took: performance.now() - started }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const { worst, took } = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
      worst: number;
      took: number;
    };
    // on the main thread the forward pass was one gap as long as the batch (1.8 s of 3.6 s); on a worker, ticks go on
    expect(worst).toBeLessThan(took / 4);
  }, 60_000);
});
