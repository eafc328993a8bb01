#!/usr/bin/env node
// Retrieval benchmark. Part 1, the corpus: ingest throughput, and hybrid search latency with the vector half on
// the database (cold cache) vs the in-process hnsw index (warm), plus repeated queries served by the LRU.
// Part 2, synthetic 768-dimensional chunks at each --sizes: pgvector exact scan, pgvector HNSW and the hnsw cache,
// with latency, build time, recall@10 against exact search, insert throughput and resident memory.
//   node packages/knowledge/scripts/bench-search.mjs [--corpus knowledge] [--queries ...] [--reps 5]
//        [--sizes 1000,10000] [--maintenance-work-mem 512MB] [--out retrieval-bench.json] [--keep-scale]
// Build first: npx tsc -b packages/knowledge
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPgliteClient } from '@airflow-mcp/state';
import { loadKnowledge, machine, parseArgs, percentile, repoRoot, resolvePath, writeResult } from './lib.mjs';

const args = parseArgs(process.argv.slice(2), {
  corpus: join(repoRoot, 'knowledge'),
  reps: '5',
  sizes: '1000,10000',
  out: 'retrieval-bench.json',
  'maintenance-work-mem': '512MB',
});
const knowledge = await loadKnowledge();
const reps = Number(args.reps);
const mb = (bytes) => Math.round(bytes / 1024 / 1024);

function latencies(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v) => Math.round(v * 1000) / 1000;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
  };
}

async function time(fn) {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

// ---------- part 1: the corpus ----------
async function benchCorpus() {
  const corpus = resolvePath(args.corpus);
  const queriesPath = resolvePath(args.queries ?? join(corpus, 'eval', 'queries.jsonl'));
  const queries = existsSync(queriesPath)
    ? knowledge.parseEvalQueries(readFileSync(queriesPath, 'utf8')).map((q) => q.query)
    : ['how do I retry a failed task', 'incremental load by watermark', '매일 테이블 이관'];
  const embedder = new knowledge.LocalEmbedder();
  const kb = await knowledge.createKnowledgeBase({ embedder, vectorCache: false });
  const ingest = await kb.ingest([{ path: corpus, source: 'corpus' }]);
  const docs = ingest.added.length;
  const cache = new knowledge.HnswCache({ dimensions: embedder.dimensions });
  const retriever = new knowledge.Retriever({ store: kb.store, embedder, cache, resultCacheSize: 0 });
  const measure = async (options) => {
    const samples = [];
    for (let r = 0; r < reps; r++) {
      for (const q of queries) samples.push((await time(() => retriever.search(q, { k: 5, ...options }))).ms);
    }
    return latencies(samples);
  };
  await measure({}); // warm up PGlite's plan cache and the JIT before timing
  const cold = await measure({ vectorSource: 'database' });
  const build = await time(() => retriever.warm());
  const warm = await measure({});
  const lruRetriever = new knowledge.Retriever({ store: kb.store, embedder, cache });
  for (const q of queries) await lruRetriever.search(q, { k: 5 });
  const lruSamples = [];
  for (let r = 0; r < reps; r++)
    for (const q of queries) lruSamples.push((await time(() => lruRetriever.search(q, { k: 5 }))).ms);
  const result = {
    corpus,
    documents: docs,
    chunks: ingest.chunksEmbedded,
    queries: queries.length,
    reps,
    ingest: {
      ms: ingest.durationMs,
      documentsPerSecond: Math.round((docs / ingest.durationMs) * 1000 * 10) / 10,
      chunksPerSecond: Math.round((ingest.chunksEmbedded / ingest.durationMs) * 1000 * 10) / 10,
    },
    hybridSearchMs: { coldDatabase: cold, warmHnswCache: warm, lruHit: latencies(lruSamples) },
    hnswCacheBuildMs: Math.round(build.ms),
    cacheState: retriever.cacheState,
  };
  await kb.close();
  return result;
}

// ---------- part 2: synthetic scale ----------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeGenerator(dimensions, seed) {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const centroids = Array.from({ length: 256 }, () => Float32Array.from({ length: dimensions }, gaussian));
  return (noise) => {
    const centroid = centroids[Math.floor(random() * centroids.length)];
    const v = Float32Array.from(centroid, (c) => c + noise * gaussian());
    return knowledge.normalizeVector(v);
  };
}

async function benchScale(size, { queries = 50, perDocument = 100 } = {}) {
  const dimensions = 768;
  const next = makeGenerator(dimensions, 42);
  const client = await createPgliteClient();
  const embedder = { id: 'synthetic:768', dimensions };
  const store = await knowledge.KnowledgeStore.open({ client, embedder });
  // load without the HNSW index, then build it once (what a bulk load does)
  await client.exec('DROP INDEX knowledge.chunks_embedding_hnsw');
  const insertStart = performance.now();
  for (let d = 0; d * perDocument < size; d++) {
    const document = knowledge.loadMarkdown({ path: `synthetic/doc-${d}.md`, text: `# Synthetic ${d}\n\ntext` });
    const count = Math.min(perDocument, size - d * perDocument);
    const chunks = Array.from({ length: count }, (_, i) => ({
      ordinal: i,
      headingPath: `Synthetic ${d}`,
      text: `chunk ${i}`,
      searchHeading: 'synthetic',
      searchText: `chunk ${i}`,
      embedding: next(1.2),
    }));
    await store.replaceDocument({ source: 'synthetic', document, contentHash: String(d), chunks });
  }
  const insertMs = performance.now() - insertStart;
  // pgvector builds the graph in memory when it fits maintenance_work_mem (64 MB by default)
  await client.exec(`SET maintenance_work_mem = '${args['maintenance-work-mem']}'`);
  const indexBuild = await time(() =>
    client.exec('CREATE INDEX chunks_embedding_hnsw ON knowledge.chunks USING hnsw (embedding vector_cosine_ops)'),
  );
  await store.countChunks();
  const queryVectors = Array.from({ length: queries }, () => next(1.2));

  const run = async (search) => {
    const samples = [];
    const ids = [];
    for (const q of queryVectors) {
      const { ms, result } = await time(() => search(q));
      samples.push(ms);
      ids.push(result.map((h) => h.chunkId));
    }
    return { latency: latencies(samples), ids };
  };
  const recallAgainst = (exact, other) => {
    let found = 0;
    let total = 0;
    exact.forEach((ids, i) => {
      const got = new Set(other[i]);
      total += ids.length;
      found += ids.filter((id) => got.has(id)).length;
    });
    return Math.round((found / total) * 10000) / 10000;
  };
  await store.vectorSearch(queryVectors[0], { limit: 10, mode: 'exact' });
  const exact = await run((q) => store.vectorSearch(q, { limit: 10, mode: 'exact' }));
  const pgHnsw = await run((q) => store.vectorSearch(q, { limit: 10, mode: 'index' }));
  const cache = new knowledge.HnswCache({ dimensions });
  const cacheBuild = await time(() => cache.build(store));
  const hnsw = await run(async (q) => cache.search(q, { limit: 10 }));
  const plan = await client.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    const { rows } = await tx.query(
      `EXPLAIN SELECT c.id FROM knowledge.chunks c ORDER BY c.embedding <=> $1::vector LIMIT 10`,
      [`[${Array.from(queryVectors[0]).join(',')}]`],
    );
    return rows.map((r) => Object.values(r)[0]).join(' | ');
  });
  const result = {
    chunks: size,
    dimensions,
    insert: { ms: Math.round(insertMs), chunksPerSecond: Math.round((size / insertMs) * 1000) },
    pgvectorHnswBuildMs: Math.round(indexBuild.ms),
    hnswCacheBuildMs: Math.round(cacheBuild.ms),
    top10LatencyMs: { pgvectorExact: exact.latency, pgvectorHnsw: pgHnsw.latency, hnswCache: hnsw.latency },
    recallAt10VsExact: {
      pgvectorHnsw: recallAgainst(exact.ids, pgHnsw.ids),
      hnswCache: recallAgainst(exact.ids, hnsw.ids),
    },
    pgvectorHnswPlanUsesIndex: plan.includes('chunks_embedding_hnsw'),
    rssMb: mb(process.memoryUsage().rss),
  };
  await store.close();
  return result;
}

const started = Date.now();
const corpusResult = existsSync(resolvePath(args.corpus)) ? await benchCorpus() : undefined;
if (corpusResult) console.log(JSON.stringify(corpusResult, null, 2));
const scale = [];
for (const size of String(args.sizes).split(',').filter(Boolean).map(Number)) {
  const result = await benchScale(size);
  console.log(JSON.stringify(result, null, 2));
  scale.push(result);
}
// --keep-scale with --sizes '' re-measures the corpus only and keeps the scale section of the previous file
const previousPath = join(repoRoot, 'bench-results', args.out);
if (args['keep-scale'] && scale.length === 0 && existsSync(previousPath)) {
  scale.push(...(JSON.parse(readFileSync(previousPath, 'utf8')).scale ?? []));
}
const path = writeResult(args.out, {
  generatedAt: new Date().toISOString(),
  machine: machine(),
  durationS: Math.round((Date.now() - started) / 1000),
  corpus: corpusResult,
  scale,
});
console.log(`wrote ${path}`);
