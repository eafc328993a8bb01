import type { CliCommand } from '../command.js';
import { callTool, parseFlags } from '../call-tool.js';

export const createCommand: CliCommand = {
  name: 'create',
  summary: 'turn a request into a validated DAG (and deploy, run and wait), like the create_dag tool',
  usage:
    'airflow-mcp create "<request>" [--source PATH|postgres:CONN] [--target PATH|mysql:CONN] [--schedule S] [--preview] [--run] [--wait] [--json]',
  async run(args, io) {
    const parsed = parseFlags(args, {
      source: 'value',
      target: 'value',
      schedule: 'value',
      preview: 'switch',
      run: 'switch',
      wait: 'switch',
      json: 'switch',
    });
    if (typeof parsed === 'string' || parsed.positional.length !== 1) {
      io.stderr.write(`${typeof parsed === 'string' ? `${parsed}\n` : ''}usage: ${this.usage}\n`);
      return 2;
    }
    const f = parsed.flags;
    return callTool(
      io,
      'create_dag',
      {
        task_description: parsed.positional[0],
        ...(f.source ? { source_db: f.source } : {}),
        ...(f.target ? { target_db: f.target } : {}),
        ...(f.schedule ? { schedule: f.schedule } : {}),
        deploy: !f.preview,
        run: Boolean(f.run || f.wait),
        wait: Boolean(f.wait),
      },
      { json: Boolean(f.json) },
    );
  },
};
