import { createKnowledgeService } from '@airflow-mcp/agent';
import { silentLogger } from '@airflow-mcp/core';
import { resolve } from 'node:path';
import { loadConfig } from '../../config.js';
import { knowledgeOptions } from '../../services/knowledge-options.js';
import { embeddedDatabaseDir, openDatabase } from '../../services/open-database.js';
import type { CliCommand } from '../command.js';

export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'ingest markdown / reStructuredText folders or files into the knowledge base (incremental)',
  usage:
    'airflow-mcp ingest [paths...] [--reset]    without paths: the bundled knowledge/ corpus. Unchanged documents are skipped, removed ones deleted; --reset empties the store first (after switching EMBEDDER).',
  async run(args, io) {
    const config = loadConfig(io.env);
    const paths = args.filter((a) => !a.startsWith('--'));
    const db = await openDatabase(config, undefined, { mode: 'ingest' });
    const knowledge = await createKnowledgeService({
      ...knowledgeOptions(config),
      client: db,
      corpusDir: undefined,
      vectorsFrom: config.knowledgeDir,
      reset: args.includes('--reset'),
      logger: silentLogger,
    });
    try {
      const roots = paths.length ? paths.map((p) => resolve(p)) : config.knowledgeDir ? [config.knowledgeDir] : [];
      if (roots.length === 0) {
        io.stderr.write(`nothing to ingest: give paths, or set KNOWLEDGE_DIR\nusage: ${this.usage}\n`);
        return 2;
      }
      const summary = await knowledge.ingest(
        roots.map((path) => (path === config.knowledgeDir ? { path, source: 'bundled-corpus' } : { path })),
        { onProgress: (p) => io.stderr.write(`  … ${p.done}/${p.total}\r`) },
      );
      io.stdout.write(
        `ingested into ${config.databaseUrl ? 'PostgreSQL' : embeddedDatabaseDir(config)} with ${knowledge.embedder.id}: ` +
          `${summary.added.length} added, ${summary.changed.length} changed, ${summary.unchanged.length} unchanged, ` +
          `${summary.removed.length} removed, ${summary.skipped.length} skipped; ${summary.chunksEmbedded} chunks embedded in ${(summary.durationMs / 1000).toFixed(1)} s\n`,
      );
      for (const s of summary.skipped) io.stderr.write(`  skipped ${s.path}: ${s.reason}\n`);
      return 0;
    } finally {
      await knowledge.close();
      await db.close();
    }
  },
};
