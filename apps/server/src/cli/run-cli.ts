import { ConfigError } from '../config.js';
import { isAppError } from '@airflow-mcp/core';
import type { CliIo } from './command.js';
import { commands } from './commands/index.js';

function help(io: CliIo): void {
  const width = Math.max(...commands.map((c) => c.name.length));
  io.stdout.write(
    `airflow-mcp: MCP service that turns data-pipeline requests into Airflow DAGs\n\nusage: airflow-mcp <command> [options]\n\ncommands:\n${commands
      .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
      .join('\n')}\n\nRun "airflow-mcp <command> --help" for a command's options.\n`,
  );
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`unknown command "${name}"\n`);
    help(io);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof ConfigError) io.stderr.write(`${error.message}\n`);
    else if (isAppError(error)) io.stderr.write(`error (${error.code}): ${error.message}\n`);
    else io.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
