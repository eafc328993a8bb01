import { randomUUID } from 'node:crypto';
import { AppError } from '@airflow-mcp/core';

/** The states of a task (SEP-2663). `completed`, `failed` and `cancelled` are terminal. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** Whose task it is: only the same key (and tenant) reads, updates or cancels it. */
export interface TaskOwner {
  keyId: string;
  tenant: string;
}

/** A server-to-client request a task waits on (an `elicitation/create`, ...), keyed by an id unique in the task. */
export type InputRequestMap = Record<string, { method: string; params?: Record<string, unknown> }>;

/** The answer of a task's work: a tool result (already masked), or the JSON-RPC error it failed with. */
export type TaskOutcome = { result: Record<string, unknown> } | { error: { code: number; message: string } };

/** What the work behind a task is given. */
export interface TaskControl {
  /** Aborted by tasks/cancel, by the TTL running out, and on shutdown. */
  signal: AbortSignal;
  /** The sentence tasks/get shows while the task works (already masked by the caller). */
  report(message: string): void;
  /** Parks the task in `input_required` until every request is answered through tasks/update; resolves with the answers. */
  ask(requests: InputRequestMap): Promise<Record<string, unknown>>;
}

/** A task as tasks/get shows it (wire names of SEP-2663). */
export interface TaskView {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number;
  pollIntervalMs: number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
  inputRequests?: InputRequestMap;
}

export interface TaskStoreOptions {
  /** How long a task is kept from its creation (its work is stopped when it runs out). */
  ttlMs: number;
  /** Tasks a key may hold at once; beyond it the oldest finished one is dropped, or the new one refused. */
  maxPerKey: number;
  pollIntervalMs?: number;
  /** How long cancelled work may take to stop before the task is reported cancelled anyway. */
  cancelGraceMs?: number;
  now?: () => number;
}

interface TaskRecord {
  id: string;
  owner: TaskOwner;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: number;
  updatedAt: number;
  outcome?: TaskOutcome;
  pending: InputRequestMap;
  answers: Record<string, unknown>;
  usedKeys: Set<string>;
  onAnswered?: () => void;
  controller: AbortController;
  cancelRequested: boolean;
}

const TERMINAL = new Set<TaskStatus>(['completed', 'failed', 'cancelled']);
export const isTerminal = (status: TaskStatus) => TERMINAL.has(status);

/**
 * The tasks of this process: created by task-capable tool calls on 2026-07-28, read by tasks/get, answered by
 * tasks/update, stopped by tasks/cancel. In memory (a task's work runs in this process, so its state lives here
 * too), scoped to the owner's key, bounded per key and kept for a TTL. Nothing of the call's arguments is kept.
 */
export class TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly now: () => number;
  private readonly pollIntervalMs: number;
  private readonly cancelGraceMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: TaskStoreOptions) {
    this.now = options.now ?? Date.now;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.cancelGraceMs = options.cancelGraceMs ?? 5000;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** Tasks held for this key, running or finished. */
  countFor(keyId: string): number {
    this.sweep();
    let count = 0;
    for (const task of this.tasks.values()) if (task.owner.keyId === keyId) count += 1;
    return count;
  }

  /**
   * Creates a task and starts its work in the background; the task can be read as soon as this returns. Throws
   * RATE_LIMITED when the key already holds `maxPerKey` tasks that are all still running.
   */
  start(owner: TaskOwner, work: (control: TaskControl) => Promise<TaskOutcome>): TaskView {
    this.makeRoomFor(owner.keyId);
    const at = this.now();
    const task: TaskRecord = {
      id: randomUUID(),
      owner: { keyId: owner.keyId, tenant: owner.tenant },
      status: 'working',
      createdAt: at,
      updatedAt: at,
      pending: {},
      answers: {},
      usedKeys: new Set(),
      controller: new AbortController(),
      cancelRequested: false,
    };
    this.tasks.set(task.id, task);
    const control: TaskControl = {
      signal: task.controller.signal,
      report: (message) => {
        if (isTerminal(task.status)) return;
        task.statusMessage = message;
        task.updatedAt = this.now();
      },
      ask: (requests) => this.ask(task, requests),
    };
    void Promise.resolve()
      .then(() => work(control))
      .then(
        (outcome) => this.settle(task, outcome),
        (thrown: unknown) => this.settle(task, { error: jsonRpcErrorOf(thrown) }),
      );
    return this.view(task);
  }

  /** The task, when it exists, has not expired and belongs to this owner; otherwise undefined (never "whose"). */
  get(owner: TaskOwner, taskId: string): TaskView | undefined {
    const task = this.find(owner, taskId);
    return task && this.view(task);
  }

  /**
   * Delivers answers to a task's outstanding input requests; keys not outstanding are ignored. False when there is
   * no such task for this owner.
   */
  update(owner: TaskOwner, taskId: string, responses: Record<string, unknown>): boolean {
    const task = this.find(owner, taskId);
    if (!task) return false;
    if (task.status !== 'input_required') return true;
    for (const [key, answer] of Object.entries(responses)) {
      if (!(key in task.pending)) continue;
      delete task.pending[key];
      task.answers[key] = answer;
    }
    task.updatedAt = this.now();
    if (Object.keys(task.pending).length === 0) {
      task.status = 'working';
      task.onAnswered?.();
    }
    return true;
  }

  /**
   * Asks the task's work to stop (its signal is aborted). The task turns `cancelled` when the work has stopped, or
   * after the grace period if it has not; work that finished successfully first stays `completed`. Idempotent on a
   * finished task. False when there is no such task for this owner.
   */
  cancel(owner: TaskOwner, taskId: string): boolean {
    const task = this.find(owner, taskId);
    if (!task) return false;
    if (isTerminal(task.status) || task.cancelRequested) return true;
    task.cancelRequested = true;
    task.updatedAt = this.now();
    task.controller.abort(new AppError('TIMEOUT', 'The task was cancelled (tasks/cancel).'));
    setTimeout(() => {
      if (!isTerminal(task.status)) this.finish(task, 'cancelled', 'Cancelled; the work did not confirm it stopped.');
    }, this.cancelGraceMs).unref();
    return true;
  }

  /** Drops expired tasks, stopping the work of those still running. */
  sweep(): void {
    const now = this.now();
    for (const [id, task] of this.tasks) {
      if (now - task.createdAt < this.options.ttlMs) continue;
      this.tasks.delete(id);
      if (!isTerminal(task.status)) task.controller.abort(new AppError('TIMEOUT', 'The task outlived its TTL.'));
    }
  }

  /** Sweeps once a minute until close(). */
  startSweeper(everyMs = 60_000): void {
    this.sweeper ??= setInterval(() => this.sweep(), everyMs).unref();
  }

  /** Stops every running task's work and forgets all tasks (shutdown). */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const task of this.tasks.values()) {
      if (!isTerminal(task.status)) task.controller.abort(new AppError('UNAVAILABLE', 'The service is shutting down.'));
    }
    this.tasks.clear();
  }

  private find(owner: TaskOwner, taskId: string): TaskRecord | undefined {
    this.sweep();
    const task = this.tasks.get(taskId);
    if (!task || task.owner.keyId !== owner.keyId || task.owner.tenant !== owner.tenant) return undefined;
    return task;
  }

  private makeRoomFor(keyId: string): void {
    const mine = [...this.tasks.values()].filter((t) => t.owner.keyId === keyId);
    if (mine.length < this.options.maxPerKey) return;
    const oldestFinished = mine.filter((t) => isTerminal(t.status)).sort((a, b) => a.updatedAt - b.updatedAt)[0];
    if (oldestFinished) {
      this.tasks.delete(oldestFinished.id);
      return;
    }
    throw new AppError(
      'RATE_LIMITED',
      `This key already has ${this.options.maxPerKey} tasks running (MCP_MAX_TASKS_PER_KEY): cancel one with tasks/cancel or wait for one to finish, then call again.`,
      { retryable: true },
    );
  }

  private ask(task: TaskRecord, requests: InputRequestMap): Promise<Record<string, unknown>> {
    for (const key of Object.keys(requests)) {
      if (task.usedKeys.has(key)) throw new Error(`Input request key ${key} was already used in task ${task.id}.`);
    }
    if (task.controller.signal.aborted) return Promise.reject(task.controller.signal.reason);
    for (const key of Object.keys(requests)) task.usedKeys.add(key);
    task.pending = { ...requests };
    task.answers = {};
    task.status = 'input_required';
    task.updatedAt = this.now();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(task.controller.signal.reason);
      task.controller.signal.addEventListener('abort', onAbort, { once: true });
      task.onAnswered = () => {
        task.controller.signal.removeEventListener('abort', onAbort);
        task.onAnswered = undefined;
        resolve(task.answers);
      };
    });
  }

  private settle(task: TaskRecord, outcome: TaskOutcome): void {
    if (isTerminal(task.status)) return;
    const failedAfterCancel = task.cancelRequested && ('error' in outcome || outcome.result.isError === true);
    if (failedAfterCancel) {
      this.finish(task, 'cancelled', `Cancelled. ${cancelNote(outcome)}`.trim());
      return;
    }
    task.outcome = outcome;
    this.finish(
      task,
      'error' in outcome ? 'failed' : 'completed',
      'error' in outcome ? outcome.error.message : undefined,
    );
  }

  private finish(task: TaskRecord, status: TaskStatus, message: string | undefined): void {
    task.status = status;
    task.pending = {};
    task.onAnswered = undefined;
    if (message !== undefined) task.statusMessage = message;
    else delete task.statusMessage;
    task.updatedAt = this.now();
  }

  private view(task: TaskRecord): TaskView {
    return {
      taskId: task.id,
      status: task.status,
      ...(task.statusMessage === undefined ? {} : { statusMessage: task.statusMessage }),
      createdAt: new Date(task.createdAt).toISOString(),
      lastUpdatedAt: new Date(task.updatedAt).toISOString(),
      ttlMs: this.options.ttlMs,
      pollIntervalMs: this.pollIntervalMs,
      ...(task.status === 'completed' && task.outcome && 'result' in task.outcome
        ? { result: task.outcome.result }
        : {}),
      ...(task.status === 'failed' && task.outcome && 'error' in task.outcome ? { error: task.outcome.error } : {}),
      ...(task.status === 'input_required' ? { inputRequests: { ...task.pending } } : {}),
    };
  }
}

/** What a JSON-RPC error thrown by a task's work says: its own code when it has one, else -32603. */
function jsonRpcErrorOf(thrown: unknown): { code: number; message: string } {
  const code = (thrown as { code?: unknown } | null)?.code;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: typeof code === 'number' && Number.isInteger(code) ? code : -32603, message };
}

/** The text the stopped work answered with (the tool's own words on what happened to the run). */
function cancelNote(outcome: TaskOutcome): string {
  if ('error' in outcome) return '';
  const content = outcome.result.content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: { type?: unknown; text?: unknown }) =>
      block.type === 'text' && typeof block.text === 'string' ? block.text : '',
    )
    .join(' ')
    .trim();
}
