import { silentLogger } from '@airflow-mcp/core';
import { loadConfig } from '../config.js';
import { ANONYMOUS_PRINCIPAL } from '../http/authenticate.js';
import { createServices } from '../services/create-services.js';
import type { CliIo } from './command.js';

/**
 * Runs one MCP tool in-process for the CLI: the same services, schemas and handler the MCP endpoint uses, with
 * progress printed to stderr. Prints the tool's summary (or the structured output with --json).
 */
export async function callTool(
  io: CliIo,
  name: string,
  input: Record<string, unknown>,
  options: { json: boolean },
): Promise<number> {
  const config = loadConfig(io.env);
  const services = await createServices({ config, log: silentLogger, mode: name });
  try {
    const tool = services.catalog.tools.find((t) => t.name === name);
    if (!tool) throw new Error(`tool ${name} is not available`);
    const controller = new AbortController();
    const output = await tool.handler(tool.input.parse(input), {
      signal: controller.signal,
      log: silentLogger,
      sessionId: undefined,
      principal: ANONYMOUS_PRINCIPAL,
      sampling: undefined,
      progress: async (p) => {
        io.stderr.write(`  … ${p.message ?? `${p.progress}/${p.total ?? '?'}`}\n`);
      },
    });
    io.stdout.write(
      options.json
        ? `${JSON.stringify(output, null, 2)}\n`
        : `${tool.summarize ? tool.summarize(output) : JSON.stringify(output, null, 2)}\n`,
    );
    return 0;
  } finally {
    await services.close();
  }
}

/** `--flag value` and `--switch` parsing for the small CLI commands. */
export function parseFlags(
  args: readonly string[],
  spec: Record<string, 'value' | 'switch'>,
): { positional: string[]; flags: Record<string, string | boolean> } | string {
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    const kind = spec[name];
    if (!kind) return `unknown option ${arg}`;
    if (kind === 'switch') flags[name] = true;
    else {
      const value = args[++i];
      if (value === undefined) return `${arg} needs a value`;
      flags[name] = value;
    }
  }
  return { positional, flags };
}
