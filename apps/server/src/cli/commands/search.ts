import type { CliCommand } from '../command.js';
import { callTool, parseFlags } from '../call-tool.js';

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'search the knowledge base (hybrid semantic + full-text), like the search_docs tool',
  usage:
    'airflow-mcp search "<query>" [--k N] [--doc-type T] [--category C] [--airflow-version 2|3] [--lang en|ko] [--min-score 0..1] [--json]',
  async run(args, io) {
    const parsed = parseFlags(args, {
      k: 'value',
      'doc-type': 'value',
      category: 'value',
      'airflow-version': 'value',
      lang: 'value',
      'min-score': 'value',
      json: 'switch',
    });
    if (typeof parsed === 'string' || parsed.positional.length !== 1) {
      io.stderr.write(`${typeof parsed === 'string' ? `${parsed}\n` : ''}usage: ${this.usage}\n`);
      return 2;
    }
    const f = parsed.flags;
    const text = (name: string) => (typeof f[name] === 'string' ? (f[name] as string) : undefined);
    const filters = Object.fromEntries(
      (
        [
          ['doc_type', text('doc-type')],
          ['category', text('category')],
          ['airflow_version', text('airflow-version')],
          ['lang', text('lang')],
        ] as const
      ).filter(([, value]) => value !== undefined),
    );
    return callTool(
      io,
      'search_docs',
      {
        query: parsed.positional[0],
        ...(text('k') ? { k: Number(text('k')) } : {}),
        ...(text('min-score') ? { min_score: Number(text('min-score')) } : {}),
        ...(Object.keys(filters).length > 0 ? { filters } : {}),
      },
      { json: Boolean(f.json) },
    );
  },
};
