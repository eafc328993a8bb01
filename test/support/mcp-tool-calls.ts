import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';

export type ToolResult = {
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  content: { text?: string }[];
};

/** The parts of create_dag's structured output the end-to-end suites read. */
export interface CreateDagOutput {
  dag_id: string;
  file: string | null;
  planner: string;
  spec: { tasks: { id: string; type: string }[]; dependencies: [string, string][] };
  checks: { step: string; ok: boolean }[];
  run?: {
    run_id: string;
    state: string;
    rows: number | null;
    target: string;
    tasks: { task_id: string; state: string | null }[];
    failed_logs?: { task_id: string; lines: string[] }[];
  };
  /** What the planner understood (the parts the suites read). */
  understood?: Record<string, unknown> & { tables: Record<string, unknown>[] };
  message: string;
  code: string;
}

/**
 * Tool calls through a real MCP client (`client()` once connected), with the long timeout DAG runs need. createDag
 * expects success with every check of the ladder passed, and records each deployed file in `dagFiles`.
 */
export function mcpToolCalls(client: () => Client) {
  const dagFiles: string[] = [];
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client().callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as ToolResult;
  const createDag = async (args: Record<string, unknown>) => {
    const result = await call('create_dag', args);
    expect(result.isError, result.content[0]?.text).toBeFalsy();
    const out = result.structuredContent as unknown as CreateDagOutput;
    expect(out.checks.filter((c) => !c.ok)).toEqual([]);
    if (out.file) dagFiles.push(out.file);
    return out;
  };
  return { call, createDag, dagFiles };
}
