import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency direction (docs/decisions/0014-a-state-package-and-one-composition-root.md):
 * apps/server -> packages/agent -> {knowledge, pipeline, airflow, llm} -> state -> core; knowledge sits on state,
 * the others on core. The server also reaches state (it opens the database) and pipeline (the sample database and
 * the spec's JSON Schema) directly: each name is imported from the package that defines it.
 * Reads every import in the sources and fails on one against the direction, a deep /src/ import,
 * a framework import outside apps/server, or hnswlib-node outside its one module.
 */
const root = join(import.meta.dirname, '..', '..');
const allowed: Record<string, readonly string[]> = {
  core: [],
  state: ['core'],
  knowledge: ['core', 'state'],
  pipeline: ['core'],
  airflow: ['core'],
  llm: ['core'],
  agent: ['core', 'state', 'knowledge', 'pipeline', 'airflow', 'llm'],
  server: ['core', 'state', 'pipeline', 'agent'],
};
const serverOnly = [/^fastify/, /^@modelcontextprotocol\//, /^pino/, /^prom-client/];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'dist' || name === 'node_modules' ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern =
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) found.push((match[1] ?? match[2] ?? match[3]) as string);
  return found;
}

const projects = [
  ...Object.keys(allowed)
    .filter((p) => p !== 'server')
    .map((name) => ({ name, dir: join(root, 'packages', name, 'src') })),
  { name: 'server', dir: join(root, 'apps', 'server', 'src') },
];

describe('package layering', () => {
  const violations: string[] = [];
  const hnswImporters: string[] = [];
  for (const project of projects) {
    for (const file of sourceFiles(project.dir)) {
      const where = relative(root, file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const internal = /^@airflow-mcp\/([^/]+)(\/.*)?$/.exec(spec);
        if (internal) {
          const target = internal[1] as string;
          if (internal[2] !== undefined) violations.push(`${where}: deep import "${spec}" (import the package root)`);
          if (target !== project.name && !(allowed[project.name] ?? []).includes(target)) {
            violations.push(`${where}: ${project.name} must not import ${target}`);
          }
        }
        if (spec.includes('/apps/') || /^\.\.\/(\.\.\/)*apps\//.test(spec)) violations.push(`${where}: imports apps/`);
        if (/\/src\//.test(spec) && (spec.startsWith('.') || spec.startsWith('@'))) {
          const resolved = spec.startsWith('.') ? join(file, '..', spec) : spec;
          if (!resolved.startsWith(project.dir))
            violations.push(`${where}: reaches into another package's src: "${spec}"`);
        }
        if (project.name !== 'server' && serverOnly.some((p) => p.test(spec))) {
          violations.push(`${where}: "${spec}" is only for apps/server`);
        }
        if (spec === 'hnswlib-node' && !file.endsWith('.test.ts')) hnswImporters.push(where);
      }
    }
  }

  it('imports only along the dependency direction', () => {
    expect(violations).toEqual([]);
  });

  it('keeps the browser console (apps/console) to its own files: it reaches the service only over /mcp', () => {
    const consoleDir = join(root, 'apps', 'console', 'src');
    const files = sourceFiles(consoleDir).filter((file) => !file.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(0);
    const outside = files.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => !spec.startsWith('.') || !join(file, '..', spec).startsWith(consoleDir))
        .map((spec) => `${relative(root, file)}: "${spec}"`),
    );
    expect(outside).toEqual([]);
  });

  it('reaches the native hnswlib-node addon through one module at most', () => {
    expect(hnswImporters.length).toBeLessThanOrEqual(1);
  });

  it('finds the sources it checks', () => {
    expect(sourceFiles(join(root, 'packages', 'core', 'src')).length).toBeGreaterThan(0);
    expect(sourceFiles(join(root, 'apps', 'server', 'src')).length).toBeGreaterThan(0);
  });

  it('sees every import form it checks', () => {
    const sample = [
      "import { a } from '@airflow-mcp/agent';",
      "export { b } from './b.js';",
      "import type { C } from '@airflow-mcp/core/src/c.js';",
      "const d = await import('hnswlib-node');",
      "import 'side-effect';",
    ].join('\n');
    expect(importsOf(sample)).toEqual([
      '@airflow-mcp/agent',
      './b.js',
      '@airflow-mcp/core/src/c.js',
      'hnswlib-node',
      'side-effect',
    ]);
  });
});
