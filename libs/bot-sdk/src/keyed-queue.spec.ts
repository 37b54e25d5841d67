import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedQueue', () => {
  it('runs one key in order even when earlier tasks are slower', async () => {
    const queue = new KeyedQueue();
    const seen: number[] = [];
    await Promise.all([30, 10, 0].map((delay, i) => queue.run('thread', async () => {
      await tick(delay);
      seen.push(i);
    })));
    expect(seen).toEqual([0, 1, 2]);
  });

  it('runs different keys concurrently', async () => {
    const queue = new KeyedQueue();
    const seen: string[] = [];
    await Promise.all([
      queue.run('a', async () => {
        await tick(30);
        seen.push('a');
      }),
      queue.run('b', async () => {
        seen.push('b');
      }),
    ]);
    expect(seen).toEqual(['b', 'a']);
  });

  it('keeps going after a failed task and forgets idle keys', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('k', async () => {
      throw new Error('boom');
    });
    const after = queue.run('k', async () => undefined);
    await expect(failed).rejects.toThrow('boom');
    await expect(after).resolves.toBeUndefined();
    await queue.idle();
    expect(queue.size).toBe(0);
  });

  it('tells waiters when any task settles, once per settled task', async () => {
    const queue = new KeyedQueue();
    let woken = 0;
    const waiter = queue.nextSettled().then(() => woken++);
    const slow = queue.run('a', async () => void (await tick(30)));
    await queue.run('b', async () => undefined);
    await waiter;
    expect(woken).toBe(1);
    const next = queue.nextSettled();
    let settledAgain = false;
    void next.then(() => (settledAgain = true));
    await tick(0);
    expect(settledAgain).toBe(false); // a fresh promise: the earlier settle does not count
    await slow;
    await next;
    expect(settledAgain).toBe(true);
  });
});
