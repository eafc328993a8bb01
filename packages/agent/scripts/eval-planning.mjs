#!/usr/bin/env node
// Planning evaluation: every request of the corpus through the rule planner, against fixture SQLite databases
// created in a temporary folder; prints exact-spec accuracy by family and language, refusal precision/recall and
// the number of SILENT DROPS (a spec returned that differs from the expectation, or returned where a refusal was
// expected), then the first mismatches with the fields that differ.
//   npm run eval:planning [-- --holdout] [-- --json] [-- --corpus <file>] [-- --mismatches 40] [-- --family <name>]
// Exit code 0 (it is a report) unless the corpus is malformed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { introspectSqlite, parseExpression } from '@airflow-mcp/pipeline';
import { createPlanningFixtures } from '../eval/planning/create-fixtures.mjs';
import { evaluatePlanning, loadCorpus, validateCorpus } from '../eval/planning/evaluate-planning.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};

const agent = await import('../dist/index.js');
// understandSpec is exported from the agent's index once the lead lands it; until then, its built module.
const understandSpec = agent.understandSpec ?? (await import('../dist/understanding/understood.js')).understandSpec;
const corpusPath = resolve(
  option('corpus', join(here, '..', 'eval', 'planning', flag('holdout') ? 'corpus-holdout.jsonl' : 'corpus.jsonl')),
);
const family = option('family', undefined);
const items = loadCorpus(corpusPath).filter((item) => family === undefined || item.family === family);
const { problems, pending } = validateCorpus(items, { parseExpression });
if (problems.length > 0) {
  console.error(`The corpus ${corpusPath} is malformed (${problems.length} problems):`);
  for (const p of problems.slice(0, 50)) console.error(`  ${p}`);
  process.exit(1);
}
if (pending.length > 0) {
  console.log(`${pending.length} expectations use functions the expression language does not have yet:`);
  for (const p of pending.slice(0, 10)) console.log(`  ${p}`);
}

const fixtureDir = mkdtempSync(join(tmpdir(), 'planning-eval-'));
let result;
try {
  createPlanningFixtures(fixtureDir);
  result = await evaluatePlanning(items, {
    fixtureDir,
    deps: {
      createRulePlanner: agent.createRulePlanner,
      detectLanguage: agent.detectLanguage,
      understandSpec,
      parseExpression,
      introspectSqlite,
    },
  });
} finally {
  rmSync(fixtureDir, { recursive: true, force: true });
}

const { summary, cases } = result;
const pct = (x) => (x === null ? '   -  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
const row = (name, g) =>
  `  ${name.padEnd(26)} n=${String(g.n).padStart(3)}  exact ${String(g.exact).padStart(3)} ${pct(g.accuracy)}  silent drops ${g.silentDrops}`;
console.log(`\nPlanning evaluation: ${corpusPath}`);
console.log(
  `exact ${summary.exact}/${summary.requests} (${pct(summary.accuracy).trim()}), SILENT DROPS ${summary.silentDrops}, ` +
    `other errors ${summary.errors}`,
);
const r = summary.refusals;
console.log(
  `refusals: expected ${r.expected}, given ${r.given}, correct ${r.correct}; precision ${pct(r.precision).trim()}, recall ${pct(r.recall).trim()}`,
);
console.log('by language:');
for (const [lang, g] of Object.entries(summary.byLanguage)) console.log(row(lang, g));
console.log('by family:');
for (const [family, g] of Object.entries(summary.byFamily)) console.log(row(family, g));

const mismatches = cases.filter((c) => !c.exact);
const limit = Number(option('mismatches', '40'));
if (mismatches.length > 0)
  console.log(`\nfirst ${Math.min(limit, mismatches.length)} of ${mismatches.length} mismatches:`);
for (const c of mismatches.slice(0, limit)) {
  console.log(`- ${c.id} [${c.lang}] ${c.silentDrop ? 'SILENT DROP ' : ''}${JSON.stringify(c.request)}`);
  for (const d of c.diffs) console.log(`    ${d}`);
}

if (flag('json')) {
  const out = join(repoRoot, 'bench-results', flag('holdout') ? 'planning-eval-holdout.json' : 'planning-eval.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ generatedAt: new Date().toISOString(), corpus: corpusPath, summary, cases }, null, 2)}\n`,
  );
  console.log(`\nwrote ${out}`);
}
