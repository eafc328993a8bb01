import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKnowledgeBase } from '../create-knowledge-base.js';
import type { Embedder } from '../embedders/embedder.js';
import { normalizeVector } from '../embedders/normalize-vector.js';

/** Vectors written into the documents as "[v:x,y,z]"; the query "alpha" is the x axis. */
const markedEmbedder: Embedder = {
  id: 'marked:3',
  dimensions: 3,
  embedDocuments: async (texts) => texts.map(vectorOf),
  embedQuery: async (text) => vectorOf(text === 'alpha' ? '[v:1,0,0]' : text),
};

function vectorOf(text: string): Float32Array {
  const values = /\[v:([^\]]+)\]/.exec(text)?.[1]?.split(',').map(Number) ?? [0, 0, 1];
  return normalizeVector(Float32Array.from(values));
}

function writeSource(root: string, name: string, pages: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, vector] of Object.entries(pages)) writeFileSync(join(dir, file), `# ${file}\n\nText ${vector}\n`);
  return dir;
}

describe('Retriever across sources', () => {
  it('ranks a page that stands out in its own source above notes that are all close to every question', async () => {
    const root = mkdtempSync(join(tmpdir(), 'retriever-sources-'));
    // notes: every one close to the query; pages: mostly unrelated, one on the query's topic
    const notes = writeSource(root, 'notes', {
      'a.md': '[v:1,0.5,0]',
      'b.md': '[v:1,0.6,0]',
      'c.md': '[v:1,0.4,0.1]',
    });
    const pages = writeSource(root, 'pages', {
      'p.md': '[v:0,1,0]',
      'q.md': '[v:0,0,1]',
      'r.md': '[v:0.1,1,1]',
      'topic.md': '[v:1,0.7,0]',
    });
    const kb = await createKnowledgeBase({ embedder: markedEmbedder });
    try {
      await kb.ingest([
        { path: notes, source: 'notes' },
        { path: pages, source: 'pages' },
      ]);
      await kb.retriever.warm();
      const search = (vectorSource: 'auto' | 'database') =>
        kb.retriever.search('alpha', { k: 2, mode: 'vector', maxPerDocument: 1, vectorSource });
      // raw cosine (the database) puts the closest note first; standardised per source, the topic page leads
      expect((await search('database'))[0]?.doc).toBe('c.md');
      expect((await search('auto')).map((r) => r.doc)).toEqual(['topic.md', 'c.md']);
    } finally {
      await kb.close();
    }
  });
});
