import type { Logger } from '@airflow-mcp/core';
import type { z } from 'zod';
import type { Scope } from '../config.js';

/** Who is calling: resolved from the bearer key (or the loopback default when authentication is off). */
export interface Principal {
  /** A stable, non-secret id of the key (a prefix of its hash), or "anonymous". */
  keyId: string;
  tenant: string;
  scopes: readonly Scope[];
}

export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

/** The connected client's own model, present only when the client declared the sampling capability. */
export interface SamplingClient {
  createMessage(request: {
    systemPrompt: string;
    messages: readonly { role: 'user' | 'assistant'; text: string }[];
    maxTokens: number;
    temperature?: number;
  }): Promise<{ text: string; model: string }>;
}

export interface ToolContext {
  signal: AbortSignal;
  log: Logger;
  sessionId: string | undefined;
  principal: Principal;
  /** Sends an MCP progress notification when the caller asked for progress; a no-op otherwise. */
  progress(update: ProgressUpdate): Promise<void>;
  sampling: SamplingClient | undefined;
  /**
   * The longest wait for a run this call may take, in seconds, when it differs from the service's MCP_WAIT_BOUND_S:
   * a call running as a task (2026-07-28 Tasks extension) is not holding a request open, so it may wait longer.
   */
  waitBoundS?: number;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/**
 * One MCP tool: schemas, annotations, the scope it needs, and a handler that returns the structured output.
 * Handlers throw AppError for anything the caller should read; the registry turns it into an error result.
 */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  scope: Scope;
  handler(input: z.infer<I>, context: ToolContext): Promise<z.infer<O>>;
  /** The text content shown next to the structured result; defaults to pretty JSON. */
  summarize?(output: z.infer<O>): string;
  /**
   * The input field holding the plain-language request: a NEEDS_CLARIFICATION refusal becomes a question to a client
   * that can answer one (input_required / elicitation), and the answer is merged into this field.
   */
  clarifiedField?: keyof z.infer<I> & string;
  /**
   * Whether this call runs as a task when the client takes tasks (2026-07-28, Tasks extension declared): answered
   * at once with the task, the work followed in the background, its result read with tasks/get.
   */
  runsAsTask?(input: z.infer<I>): boolean;
  /**
   * The MCP App (a `ui://` resource, ui/mcp-apps.ts) that shows this tool's results in hosts that render apps:
   * advertised as the tool's `_meta.ui.resourceUri` (MCP Apps extension). The answer itself is the same for every
   * client: text content and structuredContent, which the host hands to the app.
   */
  app?: string;
  /** Resource links (to a run and its logs, ...) added to a successful answer's content. */
  links?(output: z.infer<O>): readonly ResourceLinkContent[];
}

export interface ResourceLinkContent {
  type: 'resource_link';
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}

/** A document-like MCP resource (knowledge documents and the like). */
export interface ResourceProvider {
  list(): Promise<readonly { uri: string; name: string; title?: string; description?: string; mimeType: string }[]>;
  /** `caller` scopes what the resource shows (a run of another tenant's DAG is not there for this caller). */
  read(uri: string, caller: Principal): Promise<{ uri: string; mimeType: string; text: string } | undefined>;
  /** URI template these resources follow, e.g. `knowledge://docs/{path}`. */
  uriTemplate: string;
  name: string;
  description: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolDefinition = ToolDefinition<any, any>;
