import type { CliCommand } from '../command.js';
import { callTool, parseFlags } from '../call-tool.js';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'state of a DAG run (the latest by default), with failed tasks and their log tails',
  usage: 'airflow-mcp status <dag_id> [run_id] [--json]',
  async run(args, io) {
    const parsed = parseFlags(args, { json: 'switch' });
    if (typeof parsed === 'string' || parsed.positional.length < 1 || parsed.positional.length > 2) {
      io.stderr.write(`${typeof parsed === 'string' ? `${parsed}\n` : ''}usage: ${this.usage}\n`);
      return 2;
    }
    const [dagId, runId] = parsed.positional;
    return callTool(
      io,
      'check_dag_status',
      { dag_id: dagId, ...(runId ? { run_id: runId } : {}) },
      { json: Boolean(parsed.flags.json) },
    );
  },
};
