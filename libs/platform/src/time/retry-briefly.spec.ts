import { describe, expect, it } from 'vitest';
import { retryBriefly } from './retry-briefly.js';

describe('retryBriefly', () => {
  it('tries again after each failure until it succeeds, telling onRetry each time', async () => {
    let calls = 0;
    const heard: number[] = [];
    const result = await retryBriefly(async () => (++calls < 3 ? Promise.reject(new Error(`fail ${calls}`)) : 'done'), (_e, tries) => heard.push(tries), [1, 1, 1]);
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(heard).toEqual([1, 2]);
  });

  it('rethrows the last failure once the delays are used up', async () => {
    let calls = 0;
    await expect(retryBriefly(async () => Promise.reject(new Error(`fail ${++calls}`)), () => undefined, [1, 1])).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
  });
});
