import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMiniLmEmbedder } from './create-minilm-embedder.js';

describe('createMiniLmEmbedder', () => {
  it('refuses at once when the model folder is empty, naming npm run setup', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-model-'));
    expect(() => createMiniLmEmbedder(empty)).toThrow(/npm run setup installs into .*no-model-/);
  });
});
