import { describe, expect, it } from 'vitest';
import { inFlightWaitMs } from './notify-replay.service.js';

describe('inFlightWaitMs', () => {
  it.each([
    [undefined, 3000], // no header: fits the SDK's default 5 s
    [5000, 3000],
    [3500, 3000],
    [1500, 1000],
    [500, 0],
    [100, 0],
  ])('caller waits %s ms → a repeat waits at most %s ms for the first attempt', (callerTimeoutMs, expected) => {
    expect(inFlightWaitMs(callerTimeoutMs)).toBe(expected);
  });
});
