import type { AppError } from '@airflow-mcp/core';
import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  inputResponse,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { mergeClarification } from './merge-clarification.js';
import { requestStateCodec } from './request-state.js';

/** At most this many questions per call; the next unclear answer gets the NEEDS_CLARIFICATION error. */
export const MAX_CLARIFICATIONS = 3;
/** The key of the one input request a clarification asks. */
const KEY = 'clarification';
const ANSWER_MAX = 1000;

interface ClarificationState {
  kind: 'clarification';
  tool: string;
  /** The request text as it was when the question was asked (the answers before merged in). */
  request: string;
  /** The words the question said were not understood: the answer stands in for them. */
  notUnderstood: string[];
  rounds: number;
}

/** Where a call stands in a clarification exchange: the request to plan now, and whether another question may follow. */
export interface Clarification {
  request: string;
  rounds: number;
  /** The client declined or cancelled the last question: answer with the error, ask nothing more. */
  declined: boolean;
}

/**
 * Whether this client can be asked a question: on 2026-07-28 it declared elicitation in the request's `_meta`; on a
 * 2025-11-25 session it declared it at initialize (the SDK then sends a real `elicitation/create`). Only form mode is
 * used, so a client that declared URL mode only is not asked.
 */
export function clientCanElicit(server: McpServer, ctx: ServerContext): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const declared = (
    envelope === undefined ? server.server.getClientCapabilities() : envelope[CLIENT_CAPABILITIES_META_KEY]
  ) as { elicitation?: { form?: unknown; url?: unknown } } | undefined;
  const elicitation = declared?.elicitation;
  if (elicitation === undefined || elicitation === null) return false;
  return elicitation.form !== undefined || elicitation.url === undefined;
}

/**
 * Reads a retried call's answer to our question (state verified by the SDK before the tool runs: only state this
 * service minted for this method and key arrives here) and merges it into the request it answered.
 */
export function readClarification(ctx: ServerContext, tool: string): Clarification | undefined {
  const state = ctx.mcpReq.requestState<Record<string, unknown>>();
  if (!isClarificationState(state) || state.tool !== tool) return undefined;
  const response = inputResponse(ctx.mcpReq.inputResponses, KEY);
  const answer = response.kind === 'elicit' && response.action === 'accept' ? response.content?.answer : undefined;
  if (typeof answer !== 'string' || answer.trim() === '') {
    return { request: state.request, rounds: state.rounds, declined: true };
  }
  const merged = mergeClarification(state.request, answer.slice(0, ANSWER_MAX), state.notUnderstood);
  return { request: merged, rounds: state.rounds, declined: false };
}

/** The question for a NEEDS_CLARIFICATION refusal: its own sentence (what was not understood, what was understood). */
export async function askForClarification(
  error: AppError,
  context: { tool: string; request: string; rounds: number; ctx: ServerContext },
): Promise<InputRequiredResult> {
  const notUnderstood = stringsOf(error.details?.not_understood);
  const state: ClarificationState = {
    kind: 'clarification',
    tool: context.tool,
    request: context.request,
    notUnderstood,
    rounds: context.rounds + 1,
  };
  return inputRequired({
    inputRequests: {
      [KEY]: inputRequired.elicit({
        message: error.message,
        requestedSchema: {
          type: 'object',
          properties: {
            answer: {
              type: 'string',
              title: 'Your answer',
              description: notUnderstood.length
                ? 'What you meant by the quoted words (it replaces them), or what else the pipeline should do'
                : 'The missing detail, in your words (it is added to the request)',
              minLength: 1,
              maxLength: ANSWER_MAX,
            },
          },
          required: ['answer'],
        },
      }),
    },
    requestState: await requestStateCodec.mint({ ...state }, context.ctx),
  });
}

function isClarificationState(value: Record<string, unknown> | undefined): value is ClarificationState & {
  [key: string]: unknown;
} {
  return (
    value?.kind === 'clarification' &&
    typeof value.tool === 'string' &&
    typeof value.request === 'string' &&
    typeof value.rounds === 'number' &&
    Array.isArray(value.notUnderstood)
  );
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
