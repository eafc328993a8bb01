import { describe, expect, it } from 'vitest';
import { readRowsMoved } from './read-rows-moved.js';

describe('readRowsMoved', () => {
  it('sums the rows of the successful tasks, reading a few results at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const client = {
      async returnValue(_dagId: string, _runId: string, taskId: string): Promise<unknown> {
        asked.push(taskId);
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        if (taskId === 'check') return true;
        if (taskId === 'none') return undefined;
        return { rows: Number(taskId.slice(1)) };
      },
    };
    const tasks = [
      ...Array.from({ length: 10 }, (_, i) => ({ task_id: `t${i + 1}`, state: 'success' })),
      { task_id: 'check', state: 'success' },
      { task_id: 'none', state: 'success' },
      { task_id: 't100', state: 'failed' },
    ];
    expect(await readRowsMoved(client, 'd', 'r', tasks)).toBe(55);
    expect(asked).not.toContain('t100');
    expect(asked).toHaveLength(12);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('is null when no task reported rows', async () => {
    const client = { returnValue: async () => ({ ok: true }) };
    expect(await readRowsMoved(client, 'd', 'r', [{ task_id: 'a', state: 'success' }])).toBeNull();
    expect(await readRowsMoved(client, 'd', 'r', [])).toBeNull();
  });
});
