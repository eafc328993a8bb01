import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbedder } from './create-embedder.js';

describe('createEmbedder', () => {
  it('picks Gemini on auto when there is a key, else the local embedder', () => {
    expect(createEmbedder({ gemini: { apiKey: 'k', model: 'gemini-embedding-001' } }).id).toBe(
      'gemini:gemini-embedding-001:768',
    );
    expect(createEmbedder().id).toBe('local-hash-v2:768');
    expect(createEmbedder({ kind: 'local', localDimensions: 256 }).dimensions).toBe(256);
  });

  it('builds an OpenAI-compatible embedder and names what is missing otherwise', () => {
    expect(
      createEmbedder({
        kind: 'openai',
        openai: { baseUrl: 'http://localhost:11434', model: 'bge-m3', dimensions: 1024 },
      }).id,
    ).toBe('openai:bge-m3:1024');
    expect(() => createEmbedder({ kind: 'openai', openai: { baseUrl: 'http://x' } })).toThrow(/vector size/);
    expect(() => createEmbedder({ kind: 'gemini' })).toThrow(/GEMINI_API_KEY/);
  });

  it('refuses EMBEDDER=minilm at once when the model folder is empty, naming npm run setup', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-model-'));
    expect(() => createEmbedder({ kind: 'minilm', modelDir: empty })).toThrow(
      /npm run setup installs into .*no-model-/,
    );
  });
});
