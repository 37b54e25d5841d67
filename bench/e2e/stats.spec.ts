import { describe, expect, it } from 'vitest';
import { summarizeWindows } from './stats.js';

describe('summarizeWindows', () => {
  it('puts each latency in the window of its time, keeps empty windows and drops what falls outside', () => {
    const latencies = [1, 2, 3, 4, 5];
    const at = [1000, 1500, 3100, 999, 5000]; // start 1000, 2 windows of 2 s: [1000, 3000) and [3000, 5000)
    const windows = summarizeWindows(latencies, at, 1000, 4000, 2000);
    expect(windows.map((w) => w.count)).toEqual([2, 1]);
    expect(windows[0]?.max).toBe(2);
    expect(windows[1]?.max).toBe(3);
    expect(summarizeWindows([7], [1000], 1000, 6000, 2000).map((w) => w.count)).toEqual([1, 0, 0]);
  });
});
