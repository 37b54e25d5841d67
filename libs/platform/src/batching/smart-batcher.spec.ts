import { describe, expect, it } from 'vitest';
import { SmartBatcher } from './smart-batcher.js';

const deferred = () => {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
};

describe('SmartBatcher', () => {
  it('writes the first item at once and groups the ones that arrive meanwhile', async () => {
    const writes: number[][] = [];
    const gate = deferred();
    const sut = new SmartBatcher<number, number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await gate.promise;
      return items.map((n) => n * 10);
    });
    const first = sut.submit(1);
    const rest = [2, 3, 4].map((n) => sut.submit(n));
    expect(writes).toEqual([[1]]);
    gate.release();
    await expect(Promise.all([first, ...rest])).resolves.toEqual([10, 20, 30, 40]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('splits at maxBatch and fails only the batch whose write failed', async () => {
    const writes: string[][] = [];
    const gate = deferred();
    const sut = new SmartBatcher<string>(async (items) => {
      writes.push(items);
      if (items[0] === 'block') await gate.promise;
      if (items.includes('bad')) throw new Error('write failed');
      return items.map(() => undefined);
    }, 2);
    const block = sut.submit('block');
    const [a, bad, c] = ['a', 'bad', 'c'].map((s) => sut.submit(s));
    gate.release();
    await expect(block).resolves.toBeUndefined();
    await expect(a).rejects.toThrow('write failed');
    await expect(bad).rejects.toThrow('write failed');
    await expect(c).resolves.toBeUndefined();
    expect(writes).toEqual([['block'], ['a', 'bad'], ['c']]);
  });
});
