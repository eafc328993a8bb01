import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKnowledgeBase } from '../create-knowledge-base.js';
import { createMiniLmEmbedder } from '../embedders/create-minilm-embedder.js';
import { defaultEmbeddingModelDir } from '../embedders/onnx-embedder.js';

const modelDir = defaultEmbeddingModelDir();

const PAGES: Record<string, string> = {
  'cloudwatch.md':
    '# CloudWatch task handler\n\nShip task logs to Amazon CloudWatch Logs with the remote logging handler.',
  'sensors.md': '# Bash sensor\n\nPoke a bash command until it returns exit code zero.',
  'vault.md': '# Vault secrets backend\n\nRead connections and variables from HashiCorp Vault.',
};

describe('Retriever with an English-only model', () => {
  it('finds English pages for a Korean question through the lexicon translation, on the real MiniLM model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'english-model-'));
    for (const [name, text] of Object.entries(PAGES)) writeFileSync(join(dir, name), text);
    const kb = await createKnowledgeBase({ embedder: createMiniLmEmbedder(modelDir), vectorCache: false });
    try {
      await kb.ingest([{ path: dir, source: 'docs' }]);
      const search = (query: string) => kb.retriever.search(query, { k: 1, mode: 'vector', maxPerDocument: 1 });
      // 워커/로그/클라우드워치 -> worker logs cloudwatch; 셸 스크립트 ... 성공 -> bash script; 볼트 -> vault
      expect((await search('작업 로그를 클라우드워치로 보내고 싶어요'))[0]?.doc).toBe('cloudwatch.md');
      expect((await search('셸 스크립트가 성공할 때까지 계속 확인하고 싶어요'))[0]?.doc).toBe('sensors.md');
      expect((await search('볼트에 연결 정보를 보관하고 싶어요'))[0]?.doc).toBe('vault.md');
    } finally {
      await kb.close();
    }
  }, 60_000);
});
