import { AppError, isAppError, type Logger, silentLogger } from '@airflow-mcp/core';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Embedder } from '../embedders/embedder.js';
import type { KnowledgeDocument } from '../knowledge-document.js';
import type { MetadataDefaults } from '../loaders/build-document-metadata.js';
import { loadDocument } from '../loaders/load-document.js';
import { splitDocument, type DocumentChunk, type SplitOptions } from '../splitter/split-document.js';
import type { KnowledgeStore } from '../store/knowledge-store.js';
import type { StoreChange } from '../store/store-types.js';
import { englishModelText } from '../retrieval/expand-query.js';
import { buildEmbeddingText, buildSearchText } from './build-search-text.js';
import { listDocumentFiles } from './list-document-files.js';
import { readDocumentFile } from './read-document-file.js';

/** Bump when loading or splitting changes in a way that should re-embed everything. */
const INGEST_VERSION = 'ingest-v3';

export interface IngestRoot {
  /** A folder (ingested recursively; documents gone from it are removed) or one file. */
  path: string;
  /** Names the set of documents this root owns; default: the folder's absolute path. */
  source?: string;
  defaults?: MetadataDefaults;
}

export interface IngestProgress {
  done: number;
  total: number;
  path: string;
  action: 'added' | 'changed' | 'unchanged' | 'skipped' | 'removed';
}

export interface IngestSummary {
  added: string[];
  changed: string[];
  unchanged: string[];
  removed: string[];
  /** Files not ingested and why (binary, unreadable, too large, no text). */
  skipped: { path: string; reason: string }[];
  /** Files in the folders that are not documents (.md, .markdown, .mdx, .rst, .txt). */
  ignoredFiles: number;
  chunksEmbedded: number;
  durationMs: number;
}

export interface IngestOptions {
  store: KnowledgeStore;
  embedder: Embedder;
  roots: readonly (string | IngestRoot)[];
  split?: SplitOptions;
  /** Larger files are skipped (default 2 MiB). */
  maxFileBytes?: number;
  /** Chunks per embedding call, gathered across documents (default 100). */
  embedBatchSize?: number;
  onProgress?: (progress: IngestProgress) => void;
  /** Called after each committed document write, e.g. to keep a vector cache in step. */
  onChange?: (change: StoreChange) => void;
  logger?: Logger;
}

interface Pending {
  source: string;
  document: KnowledgeDocument;
  hash: string;
  chunks: DocumentChunk[];
  action: 'added' | 'changed';
}

/**
 * Loads, splits, embeds and stores documents incrementally: a document whose content hash is unchanged is
 * skipped, a changed one is re-embedded and replaced, one gone from its folder is deleted. Each document is
 * written in its own transaction after its embeddings exist, so a failure never leaves half a document.
 */
export async function ingestDocuments(options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const log = options.logger ?? silentLogger;
  const { store, embedder } = options;
  if (embedder.id !== store.embedderId || embedder.dimensions !== store.dimensions) {
    throw new AppError(
      'CONFLICT',
      `The store was opened for embedder "${store.embedderId}" but ingest was given "${embedder.id}": use the same one.`,
    );
  }
  const batchSize = Math.max(1, options.embedBatchSize ?? 100);
  const maxBytes = options.maxFileBytes ?? 2 * 1024 * 1024;
  const summary: IngestSummary = {
    added: [],
    changed: [],
    unchanged: [],
    removed: [],
    skipped: [],
    ignoredFiles: 0,
    chunksEmbedded: 0,
    durationMs: 0,
  };
  let done = 0;
  let total = 0;
  const progress = (path: string, action: IngestProgress['action']) => {
    done++;
    options.onProgress?.({ done, total, path, action });
  };

  let pending: Pending[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const texts = batch.flatMap((p) =>
      p.chunks.map((c) => {
        const text = buildEmbeddingText({ title: p.document.metadata.title, headingPath: c.headingPath, text: c.text });
        // an English-only model reads a Korean chunk through the lexicon, as it reads a Korean question
        return embedder.queryLanguage === 'en' ? englishModelText(text) : text;
      }),
    );
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embedDocuments(texts);
    } catch (error) {
      throw ingestFailure(error, batch, summary);
    }
    let offset = 0;
    for (const item of batch) {
      const title = item.document.metadata.title;
      const chunks = item.chunks.map((c) => ({
        ordinal: c.ordinal,
        headingPath: c.headingPath,
        text: c.text,
        searchHeading: buildSearchText(`${title} ${c.headingPath}`),
        searchText: buildSearchText(c.text),
        embedding: vectors[offset++] as Float32Array,
      }));
      const change = await store.replaceDocument({
        source: item.source,
        document: item.document,
        contentHash: item.hash,
        chunks,
      });
      options.onChange?.(change);
      summary[item.action].push(item.document.path);
      summary.chunksEmbedded += chunks.length;
      log.debug({ path: item.document.path, chunks: chunks.length, action: item.action }, 'knowledge document stored');
      progress(item.document.path, item.action);
    }
  };

  for (const root of options.roots.map((r) => (typeof r === 'string' ? { path: r } : r))) {
    const absolute = resolve(root.path);
    if (!existsSync(absolute)) {
      summary.skipped.push({ path: root.path, reason: 'no such file or folder' });
      continue;
    }
    const isFolder = statSync(absolute).isDirectory();
    const source = root.source ?? defaultSource(absolute);
    const listing = await listDocumentFiles(absolute);
    summary.ignoredFiles += listing.ignored;
    total += listing.files.length;
    const stored = new Map((await store.listDocuments({ source })).map((d) => [d.path, d]));
    const fingerprint = `${INGEST_VERSION}\n${JSON.stringify(options.split ?? {})}\n${JSON.stringify(root.defaults ?? {})}\n`;

    for (const file of listing.files) {
      const read = await readDocumentFile(file.absolutePath, { maxBytes });
      if (!read.ok) {
        summary.skipped.push({ path: file.path, reason: read.reason });
        progress(file.path, 'skipped');
        continue;
      }
      const hash = createHash('sha256').update(fingerprint).update(read.text).digest('hex');
      const previous = stored.get(file.path);
      if (previous?.contentHash === hash) {
        summary.unchanged.push(file.path);
        progress(file.path, 'unchanged');
        continue;
      }
      let document: KnowledgeDocument;
      try {
        document = loadDocument({
          path: file.path,
          text: read.text,
          ...(root.defaults ? { defaults: root.defaults } : {}),
        });
      } catch (error) {
        summary.skipped.push({ path: file.path, reason: error instanceof Error ? error.message : String(error) });
        progress(file.path, 'skipped');
        continue;
      }
      const chunks = splitDocument(document, options.split);
      if (chunks.length === 0) {
        summary.skipped.push({ path: file.path, reason: 'no text to index' });
        progress(file.path, 'skipped');
        continue;
      }
      pending.push({ source, document, hash, chunks, action: previous ? 'changed' : 'added' });
      if (pending.reduce((n, p) => n + p.chunks.length, 0) >= batchSize) await flush();
    }
    await flush();

    if (isFolder) {
      const present = new Set(listing.files.map((f) => f.path));
      for (const document of stored.values()) {
        if (present.has(document.path)) continue;
        options.onChange?.(await store.deleteDocument(document.id));
        summary.removed.push(document.path);
        progress(document.path, 'removed');
      }
    }
  }
  summary.durationMs = Math.round(performance.now() - started);
  log.info(
    {
      added: summary.added.length,
      changed: summary.changed.length,
      unchanged: summary.unchanged.length,
      removed: summary.removed.length,
      skipped: summary.skipped.length,
      chunks: summary.chunksEmbedded,
    },
    'knowledge ingest finished',
  );
  return summary;
}

function ingestFailure(error: unknown, batch: readonly Pending[], summary: IngestSummary): AppError {
  const paths = batch.map((p) => p.document.path);
  const shown = paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError(
    isAppError(error) ? error.code : 'DEPENDENCY_FAILED',
    `Embedding failed for ${shown}: ${reason} Those documents were left as they were; ` +
      `${summary.added.length + summary.changed.length} document(s) stored before the failure are kept. Run the ingest again.`,
    { cause: error, retryable: isAppError(error) ? error.retryable : true, details: { failedPaths: paths } },
  );
}

/** A root's default source name, for callers that want to name the same folder the same way. */
export function defaultSource(path: string): string {
  const absolute = resolve(path);
  return existsSync(absolute) && !statSync(absolute).isDirectory() ? dirname(absolute) : absolute;
}
