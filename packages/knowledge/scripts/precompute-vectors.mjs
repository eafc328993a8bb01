#!/usr/bin/env node
// Precomputes the bundled corpus's vectors for the in-process model (issue 15), so that a fresh DATA_DIR does not
// spend tens of seconds embedding knowledge/ before its first answer: knowledge/.vectors/<embedder id>.json, one
// vector per chunk, keyed by the sha256 of the text ingest embeds. Run it after editing knowledge/ (a stale file is
// only slower: chunks it lacks are embedded at start; `--check` exits 1 when any is missing or unused).
//   npm run knowledge:vectors [-- --check]
// Build first: npx tsc -b packages/knowledge
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createEmbedders, loadKnowledge, parseArgs, repoRoot } from './lib.mjs';

const args = parseArgs(process.argv.slice(2), { embedders: 'minilm' });
const knowledge = await loadKnowledge();
const corpusDir = join(repoRoot, 'knowledge');
let failed = false;
for (const model of createEmbedders(knowledge, args.embedders)) {
  const shipped = knowledge.readPrecomputedVectors(corpusDir, model) ?? new Map();
  const vectors = new Map();
  // --check embeds nothing: a text the file lacks gets a zero vector and is not recorded
  const zeros = { ...model, embedDocuments: async (texts) => texts.map(() => new Float32Array(model.dimensions)) };
  const reusing = knowledge.withPrecomputedVectors(args.check ? zeros : model, shipped);
  // the texts come from ingest itself (into a throwaway in-memory store), so the keys match what it will ask for
  const recording = {
    ...reusing,
    async embedDocuments(texts) {
      const out = await reusing.embedDocuments(texts);
      texts.forEach((text, i) => {
        const key = knowledge.textKey(text);
        if (!args.check || shipped.has(key)) vectors.set(key, out[i]);
      });
      return out;
    },
  };
  const kb = await knowledge.createKnowledgeBase({ embedder: recording, vectorCache: false });
  const summary = await kb.ingest([{ path: corpusDir, source: 'bundled-corpus' }]);
  await kb.close();
  const wanted = summary.chunksEmbedded;
  const path = knowledge.precomputedVectorsPath(corpusDir, model.id);
  const unused = [...shipped.keys()].filter((key) => !vectors.has(key)).length;
  if (args.check) {
    const missing = wanted - vectors.size;
    console.log(`${model.id}: ${wanted} chunks, ${missing} without a precomputed vector, ${unused} unused in ${path}`);
    if (missing > 0 || unused > 0) failed = true;
    continue;
  }
  if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, knowledge.formatPrecomputedVectors(model, vectors));
  console.log(`${model.id}: wrote ${vectors.size} vectors (${wanted} chunks; ${unused} dropped) to ${path}`);
}
if (failed) {
  console.error('the precomputed vectors are stale: run npm run knowledge:vectors');
  process.exitCode = 1;
}
