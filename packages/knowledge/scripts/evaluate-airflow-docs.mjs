#!/usr/bin/env node
// Held-out retrieval evaluation (issue 15): Airflow's own documentation (PyPI sdists, see eval/airflow-docs/manifest.json)
// and questions written from the reader's side (eval/airflow-docs/questions.jsonl, 40% Korean). One run scores
// full-text search, each embedder's vector search and hybrid search, overall / English / Korean / the questions that
// share no content word with their answer pages, first on the docs alone and then with the bundled corpus mixed in.
//   node packages/knowledge/scripts/evaluate-airflow-docs.mjs [--embedders local,minilm] [--k 5] [--no-mixed]
//        [--out airflow-docs-eval.json] [--misses] [--vector-weight N] [--document-weight N] [--store-dir DIR]
// --store-dir keeps each embedder's PGlite store there, so a rerun embeds only what changed.
// found@k: share of questions with an answer page in the top k (pages judged by hand; several can answer one question).
// Build first: npx tsc -b packages/knowledge
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAirflowDocs, evalDir } from './airflow-docs.mjs';
import {
  createEmbedders,
  loadKnowledge,
  machine,
  parseArgs,
  percentile,
  repoRoot,
  resolvePath,
  writeResult,
} from './lib.mjs';

const args = parseArgs(process.argv.slice(2), { embedders: 'local', k: '5', out: 'airflow-docs-eval.json' });
const k = Number(args.k);
const knowledge = await loadKnowledge();
const docsRoot = ensureAirflowDocs();
const queries = knowledge.parseEvalQueries(readFileSync(join(evalDir, 'questions.jsonl'), 'utf8'));

// the no-shared-keyword subset: no content word (stemmed) of the question occurs in any of its answer pages
const pageTerms = new Map();
const termsOf = (path) => {
  if (!pageTerms.has(path))
    pageTerms.set(path, new Set(knowledge.contentTerms(readFileSync(join(docsRoot, path), 'utf8'))));
  return pageTerms.get(path);
};
const noShared = new Set(
  queries
    .filter((q) => !knowledge.contentTerms(q.query).some((term) => q.relevant.some((page) => termsOf(page).has(term))))
    .map((q) => q.id),
);
console.log(
  `${queries.length} questions (${queries.filter((q) => q.lang === 'ko').length} Korean), ${noShared.size} share no ` +
    `content word with their answer pages; corpus ${docsRoot}`,
);

const subsets = {
  all: () => true,
  en: (q) => q.lang === 'en',
  ko: (q) => q.lang === 'ko',
  'no-kw': (q) => noShared.has(q.id),
};

function summarize(report) {
  const byId = new Map(report.perQuery.map((p) => [p.id, p]));
  return Object.fromEntries(
    Object.entries(subsets).map(([name, keep]) => {
      const rows = queries.filter(keep).map((q) => byId.get(q.id));
      const found = rows.filter((r) => r.firstRelevantRank !== null).length;
      const mrr = rows.reduce((s, r) => s + (r.firstRelevantRank ? 1 / r.firstRelevantRank : 0), 0);
      return [name, { n: rows.length, found: round(found / rows.length), mrr: round(mrr / rows.length) }];
    }),
  );
}
const round = (v) => Math.round(v * 1000) / 1000;

const runs = [];
const settings = args['no-mixed'] ? [false] : [false, true];
for (const embedder of createEmbedders(knowledge, args.embedders)) {
  for (const mixed of settings) {
    const dataDir = args['store-dir']
      ? join(resolvePath(args['store-dir']), `${embedder.id.replace(/[^a-z0-9.-]+/gi, '_')}${mixed ? '-mixed' : ''}`)
      : undefined;
    const kb = await knowledge.createKnowledgeBase({ embedder, vectorCache: true, ...(dataDir ? { dataDir } : {}) });
    const roots = [{ path: docsRoot, source: 'airflow-docs' }];
    if (mixed) roots.push({ path: join(repoRoot, 'knowledge'), source: 'corpus' });
    const rssBefore = process.memoryUsage().rss;
    const ingest = await kb.ingest(roots);
    await kb.retriever.warm();
    const label = `${embedder.id}${mixed ? ' + bundled corpus' : ''}`;
    console.log(
      `\n${label}: ${ingest.added.length} documents, ${ingest.chunksEmbedded} chunks in ${ingest.durationMs} ms ` +
        `(rss +${Math.round((process.memoryUsage().rss - rssBefore) / 1048576)} MB)`,
    );
    // full-text search does not depend on the embedder: once per corpus
    const modes = runs.some((r) => r.mode === 'text' && r.mixed === mixed)
      ? ['vector', 'hybrid']
      : ['text', 'vector', 'hybrid'];
    for (const mode of modes) {
      const latencies = [];
      const report = await knowledge.evaluateRetrieval({
        queries,
        k,
        search: async (q) => {
          const started = performance.now();
          const results = await kb.retriever.search(q.query, {
            k,
            mode,
            maxPerDocument: 1,
            ...(args['vector-weight'] ? { vectorWeight: Number(args['vector-weight']) } : {}),
            ...(args['document-weight'] ? { documentWeight: Number(args['document-weight']) } : {}),
          });
          latencies.push(performance.now() - started);
          return results;
        },
      });
      const metrics = summarize(report);
      const sorted = latencies.sort((a, b) => a - b);
      const p50 = round(percentile(sorted, 50));
      runs.push({
        embedder: mode === 'text' ? 'full-text' : embedder.id,
        mode,
        mixed,
        metrics,
        p50Ms: p50,
        perQuery: report.perQuery,
      });
      const cells = Object.entries(metrics)
        .map(([name, m]) => `${name} ${m.found.toFixed(3)}/${m.mrr.toFixed(3)} (n=${m.n})`)
        .join('  ');
      console.log(`  ${mode.padEnd(6)} found@${k}/MRR  ${cells}  p50 ${p50} ms`);
      if (args.misses && mode === 'hybrid') {
        for (const q of report.perQuery.filter((p) => p.firstRelevantRank === null)) {
          const query = queries.find((x) => x.id === q.id);
          console.log(
            `    ${q.id}: ${query.query} -> want ${query.relevant.join(' | ')}; got ${q.retrieved.slice(0, 3).join(', ')}`,
          );
        }
      }
    }
    await kb.close();
  }
}

const path = writeResult(args.out, {
  generatedAt: new Date().toISOString(),
  corpus: docsRoot,
  queryCount: queries.length,
  noSharedKeyword: [...noShared],
  k,
  machine: machine(),
  runs,
});
console.log(`\nwrote ${path}`);
