import type { IngestSummary } from './ingest-documents.js';

/** A short human summary of an ingest, for the CLI: counts, then every skipped file with its reason. */
export function formatIngestSummary(summary: IngestSummary): string {
  const lines = [
    `added ${summary.added.length}, changed ${summary.changed.length}, removed ${summary.removed.length}, ` +
      `unchanged ${summary.unchanged.length}, skipped ${summary.skipped.length}` +
      ` (${summary.chunksEmbedded} chunks embedded in ${(summary.durationMs / 1000).toFixed(1)} s)`,
  ];
  for (const { path, reason } of summary.skipped) lines.push(`  skipped ${path}: ${reason}`);
  if (summary.ignoredFiles > 0)
    lines.push(`  ${summary.ignoredFiles} other file(s) are not documents (.md, .rst, .txt)`);
  return lines.join('\n');
}

/** One line of progress, e.g. "[#######.............] 12/40 guides/duckdb.md (added)". */
export function formatIngestProgress(progress: { done: number; total: number; path: string; action: string }): string {
  const width = 20;
  const filled = progress.total === 0 ? width : Math.round((progress.done / progress.total) * width);
  const bar = `${'#'.repeat(Math.min(width, filled))}${'.'.repeat(Math.max(0, width - filled))}`;
  return `[${bar}] ${progress.done}/${progress.total} ${progress.path} (${progress.action})`;
}
