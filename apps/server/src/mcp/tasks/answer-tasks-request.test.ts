import { afterEach, describe, expect, it } from 'vitest';
import { answerTasksRequest, type TasksRequest } from './answer-tasks-request.js';
import { TaskStore } from './task-store.js';
import { TASKS_EXTENSION } from './tasks-extension.js';

const alice = { keyId: 'key-alice', tenant: 'default' };
const meta = (extensions: Record<string, unknown> = { [TASKS_EXTENSION]: {} }) => ({
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': { extensions },
});

describe('answerTasksRequest', () => {
  const tasks = new TaskStore({ ttlMs: 60_000, maxPerKey: 4 });
  afterEach(() => tasks.close());
  const ask = (method: string, params: Record<string, unknown>, overrides: Partial<TasksRequest> = {}) =>
    answerTasksRequest({
      tasks,
      owner: alice,
      body: { jsonrpc: '2.0', id: 7, method, params: { _meta: meta(), ...params } },
      headers: { protocolVersion: '2026-07-28', method, name: String(params.taskId ?? params.name) },
      taskOnlyTools: new Set(['only_task']),
      ...overrides,
    });

  it('answers tasks/get with the task (resultType complete), -32602 for a task of another key', () => {
    const { taskId } = tasks.start(alice, () => new Promise(() => undefined));
    expect(ask('tasks/get', { taskId })).toMatchObject({
      status: 200,
      body: { id: 7, result: { resultType: 'complete', taskId, status: 'working' } },
    });
    expect(ask('tasks/get', { taskId }, { owner: { keyId: 'key-bob', tenant: 'default' } })).toMatchObject({
      status: 200,
      body: { error: { code: -32602 } },
    });
    expect(ask('tasks/cancel', { taskId })).toMatchObject({ body: { result: { resultType: 'complete' } } });
  });

  it('refuses a Mcp-Name that is not params.taskId with -32020 (HTTP 400)', () => {
    const answer = ask(
      'tasks/get',
      { taskId: 'a' },
      { headers: { protocolVersion: '2026-07-28', method: 'tasks/get', name: 'b' } },
    );
    expect(answer).toMatchObject({ status: 400, body: { error: { code: -32020 } } });
  });

  it('refuses a client that did not declare the extension with -32021 naming it', () => {
    const answer = answerTasksRequest({
      tasks,
      owner: alice,
      body: { jsonrpc: '2.0', id: 1, method: 'tasks/get', params: { taskId: 'x', _meta: meta({}) } },
      headers: { protocolVersion: '2026-07-28', method: 'tasks/get', name: 'x' },
      taskOnlyTools: new Set(),
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { error: { code: -32021, data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } } } },
    });
  });

  it('refuses a call of a task-only tool from a client without the extension, leaves other calls to the SDK', () => {
    const body = (name: string) => ({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, _meta: meta({}) } });
    const request = (name: string) => ({
      tasks,
      owner: alice,
      body: body(name),
      headers: { protocolVersion: '2026-07-28', method: 'tools/call', name },
      taskOnlyTools: new Set(['only_task']),
    });
    expect(answerTasksRequest(request('only_task'))).toMatchObject({ status: 400, body: { error: { code: -32021 } } });
    expect(answerTasksRequest(request('create_dag'))).toBeUndefined();
    expect(ask('tools/list', {})).toBeUndefined();
  });

  it('leaves an invalid envelope to the SDK classifier’s own answer', () => {
    const answer = answerTasksRequest({
      tasks,
      owner: alice,
      body: {
        jsonrpc: '2.0',
        id: 3,
        method: 'tasks/get',
        params: { taskId: 'x', _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } },
      },
      headers: { protocolVersion: '2026-07-28', method: 'tasks/get', name: 'x' },
      taskOnlyTools: new Set(),
    });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: -32602 } } });
  });
});
