// Shared by the evaluation and benchmark scripts: argument parsing, the repo root, result files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export async function loadKnowledge() {
  try {
    return await import('../dist/index.js');
  } catch (error) {
    console.error('Build the package first: npx tsc -b packages/knowledge');
    throw error;
  }
}

/** A path from the command line, relative to where the user ran npm (INIT_CWD), not to this package. */
export function resolvePath(path) {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** --name value pairs and --flags into an object, over defaults. */
export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const key = arg.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else {
      out[key] = next;
      i++;
    }
  }
  return out;
}

/** The embedders named on the command line; gemini needs GEMINI_API_KEY (scripts may read the environment). */
export function createEmbedders(knowledge, names) {
  return names.split(',').map((name) => {
    if (name === 'local') return new knowledge.LocalEmbedder();
    if (name === 'minilm') return new knowledge.OnnxEmbedder({ modelDir: knowledge.defaultEmbeddingModelDir() });
    if (name === 'gemini') {
      if (!process.env.GEMINI_API_KEY) throw new Error('--embedders gemini needs GEMINI_API_KEY');
      return new knowledge.GeminiEmbedder({ apiKey: process.env.GEMINI_API_KEY });
    }
    throw new Error(`unknown embedder ${name} (local, minilm, gemini)`);
  });
}

/** Writes JSON to bench-results/<name> at the repo root (or to `name` when it is an absolute path). */
export function writeResult(name, data) {
  const path = resolve(join(repoRoot, 'bench-results'), name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function machine() {
  return { node: process.version, platform: process.platform, arch: process.arch };
}
