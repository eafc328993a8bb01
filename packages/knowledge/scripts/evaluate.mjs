#!/usr/bin/env node
// Retrieval evaluation: ingests a corpus into an in-memory PGlite and scores recall@k, MRR and nDCG of the
// labelled queries for vector-only, text-only and hybrid search, per language and per embedder.
//   node packages/knowledge/scripts/evaluate.mjs [--corpus knowledge] [--queries <corpus>/eval/queries.jsonl]
//        [--k 5] [--embedders local[,gemini]] [--out retrieval-eval.json] [--misses]
// Build first: npx tsc -b packages/knowledge
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbedders, loadKnowledge, machine, parseArgs, repoRoot, resolvePath, writeResult } from './lib.mjs';

const args = parseArgs(process.argv.slice(2), {
  corpus: join(repoRoot, 'knowledge'),
  k: '5',
  embedders: 'local',
  out: 'retrieval-eval.json',
});
const corpus = resolvePath(args.corpus);
const queriesPath = resolvePath(args.queries ?? join(corpus, 'eval', 'queries.jsonl'));
const k = Number(args.k);
const knowledge = await loadKnowledge();
const queries = knowledge.parseEvalQueries(readFileSync(queriesPath, 'utf8'));

const runs = [];
for (const embedder of createEmbedders(knowledge, args.embedders)) {
  const kb = await knowledge.createKnowledgeBase({ embedder, vectorCache: false });
  const ingest = await kb.ingest([{ path: corpus, source: 'corpus' }]);
  const missing = [...new Set(queries.flatMap((q) => q.relevant))].filter((doc) => !ingest.added.includes(doc));
  if (missing.length > 0) console.warn(`labelled documents not in the corpus: ${missing.join(', ')}`);
  console.log(
    `\n${embedder.id}: ${ingest.added.length} documents, ${ingest.chunksEmbedded} chunks ingested in ${ingest.durationMs} ms` +
      (ingest.skipped.length ? `; skipped ${ingest.skipped.map((s) => `${s.path} (${s.reason})`).join(', ')}` : ''),
  );
  for (const mode of ['vector', 'text', 'hybrid']) {
    const report = await knowledge.evaluateRetrieval({
      queries,
      k,
      search: (q) => kb.retriever.search(q.query, { k, mode, maxPerDocument: 1 }),
    });
    runs.push({ embedder: embedder.id, mode, ...report });
    const line = (name, m) =>
      `  ${mode.padEnd(6)} ${name.padEnd(3)} n=${String(m.queries).padStart(3)}  recall@${k} ${m.recallAtK.toFixed(3)}  MRR ${m.mrr.toFixed(3)}  nDCG ${m.ndcg.toFixed(3)}`;
    console.log(line('all', report.overall));
    for (const [lang, metrics] of Object.entries(report.byLang)) console.log(line(lang, metrics));
    if (args.misses && mode === 'hybrid') {
      for (const q of report.perQuery.filter((p) => p.firstRelevantRank === null || p.firstRelevantRank > 1)) {
        const query = queries.find((x) => x.id === q.id);
        console.log(
          `    ${q.id} [${q.lang}] rank ${q.firstRelevantRank ?? '-'}: ${query.query} -> want ${query.relevant.join(' | ')}; got ${q.retrieved.slice(0, 3).join(', ')}`,
        );
      }
    }
  }
  await kb.close();
}

const path = writeResult(args.out, {
  generatedAt: new Date().toISOString(),
  corpus,
  queries: queriesPath,
  queryCount: queries.length,
  k,
  machine: machine(),
  runs: runs.map(({ perQuery, ...summary }) => ({ ...summary, perQuery })),
});
console.log(`\nwrote ${path}`);
