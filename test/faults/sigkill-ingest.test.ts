import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDocument, splitDocument } from '@airflow-mcp/knowledge';
import { createPgliteClient } from '@airflow-mcp/state';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'apps', 'server', 'bin', 'airflow-mcp.js');
const DOCS = 80;

/** Document i at version v: a few sections whose text names both, so a chunk shows which version it came from. */
function documentText(i: number, v: number): string {
  const sections = 3 + ((i + v) % 4);
  let text = `---\ntitle: Document ${i}\ndoc_type: guide\ncategory: airflow\n---\n# Document ${i}\n\n`;
  for (let s = 0; s < sections; s++) {
    text += `## Section ${s}\n\n`;
    for (let p = 0; p < 6; p++) {
      text += `Paragraph ${p} of section ${s}: version-${v} of document-${i} explains retries, schedules and pools. `;
      text += `Tasks run in order; idempotent loads make reruns safe (v${v}).\n\n`;
    }
  }
  return text;
}

function writeCorpus(dir: string, version: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < DOCS; i++) writeFileSync(join(dir, `doc-${i}.md`), documentText(i, version));
}

/**
 * What the store holds must be whole documents: for each stored document, the chunks (in order) are exactly those
 * of one version of its file, never a mix and never a part. Returns the version of each document found.
 */
async function checkStore(dataDir: string): Promise<Map<string, number>> {
  const db = await createPgliteClient({ dataDir: join(dataDir, 'db') });
  try {
    const docs = await db.query<{ id: number; path: string; body: string }>(
      'SELECT id, path, body FROM knowledge.documents ORDER BY path',
    );
    const found = new Map<string, number>();
    for (const doc of docs.rows) {
      const i = Number(/doc-(\d+)\.md$/.exec(doc.path)?.[1]);
      const v = Number(/version-(\d+) of document-/.exec(doc.body)?.[1]);
      const chunks = await db.query<{ ordinal: number; text: string; dims: number }>(
        'SELECT ordinal, text, vector_dims(embedding) AS dims FROM knowledge.chunks WHERE document_id = $1 ORDER BY ordinal',
        [doc.id],
      );
      const expected = splitDocument(loadDocument({ path: doc.path, text: documentText(i, v) }));
      expect(
        chunks.rows.map((c) => c.text),
        `${doc.path} holds exactly the chunks of its version ${v}`,
      ).toEqual(expected.map((c) => c.text));
      expect(chunks.rows.map((c) => c.ordinal)).toEqual(expected.map((_, n) => n));
      expect(chunks.rows.every((c) => c.dims > 0)).toBe(true);
      found.set(doc.path, v);
    }
    return found;
  } finally {
    await db.close();
  }
}

function ingest(dataDir: string, corpus: string) {
  return spawn(process.execPath, [cli, 'ingest', corpus], {
    env: { ...process.env, DATA_DIR: dataDir, KNOWLEDGE_DIR: 'none', EMBEDDER: 'local', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * `airflow-mcp ingest` is killed with SIGKILL part-way through, round after round, while every document changes
 * between rounds: the embedded database must open again, hold only whole documents of one version each, and a
 * final ingest must finish the job.
 */
describe('SIGKILL during ingest', () => {
  it('never leaves a half-ingested document, and the next ingest completes', { timeout: 600_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigkill-ingest-'));
    const corpus = join(dataDir, 'corpus');
    let killedMidway = 0;
    for (let round = 1; round <= 6; round++) {
      writeCorpus(corpus, round);
      const killAt = 5 + Math.floor(Math.random() * (DOCS - 20));
      const child = ingest(dataDir, corpus);
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.stdout.resume();
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const done = [...stderr.matchAll(/… (\d+)\/\d+/g)].at(-1)?.[1];
        if (done && Number(done) >= killAt && child.exitCode === null) child.kill('SIGKILL');
      });
      const code = await exited;
      if (code === null) killedMidway++;
      else expect(code, stderr).toBe(0);
      const versions = await checkStore(dataDir);
      // Documents already stored are from this round or an earlier one, never a later one.
      expect([...versions.values()].every((v) => v >= 1 && v <= round)).toBe(true);
      // Every document reported done before the kill was committed, and survives it (all change each round).
      const current = [...versions.values()].filter((v) => v === round).length;
      expect(current).toBeGreaterThanOrEqual(code === null ? killAt : DOCS);
    }
    expect(killedMidway).toBeGreaterThanOrEqual(4);

    // The last corpus ingested to the end: everything at the last version, and a rerun finds nothing to do.
    const finish = spawnSync(process.execPath, [cli, 'ingest', corpus], {
      env: { ...process.env, DATA_DIR: dataDir, KNOWLEDGE_DIR: 'none', EMBEDDER: 'local', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(finish.status, finish.stderr).toBe(0);
    const versions = await checkStore(dataDir);
    expect(versions.size).toBe(DOCS);
    expect(new Set(versions.values())).toEqual(new Set([6]));
    const again = spawnSync(process.execPath, [cli, 'ingest', corpus], {
      env: { ...process.env, DATA_DIR: dataDir, KNOWLEDGE_DIR: 'none', EMBEDDER: 'local', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(again.stdout).toMatch(new RegExp(`0 added, 0 changed, ${DOCS} unchanged, 0 removed`));
  });
});
