import type { NatsConnectionService } from '@app/messaging';
import { describe, expect, it, vi } from 'vitest';
import { StreamPosition } from './stream-position.js';

/** A NATS stand-in whose STREAM.INFO answers only when the test says so. */
function fakeNats() {
  const pending: Array<(lastSeq: number) => void> = [];
  const failures: Array<(error: Error) => void> = [];
  const info = vi.fn(
    () =>
      new Promise<{ state: { last_seq: number } }>((resolve, reject) => {
        pending.push((lastSeq) => resolve({ state: { last_seq: lastSeq } }));
        failures.push(reject);
      }),
  );
  const nats = { options: { prefix: 't1' }, writes: { defer: (send: () => void) => send() }, jsm: { streams: { info } } } as unknown as NatsConnectionService;
  const answer = async (lastSeq: number) => {
    pending.shift()!(lastSeq);
    failures.shift();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const fail = async (error: Error) => {
    pending.shift();
    failures.shift()!(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { nats, info, answer, fail };
}

describe('StreamPosition', () => {
  it('answers callers that arrive during a lookup with the next lookup, never with the one already in flight', async () => {
    const { nats, info, answer } = fakeNats();
    const sut = new StreamPosition(nats);
    const first = sut.current();
    const [second, third] = [sut.current(), sut.current()]; // arrive while the first lookup is under way
    expect(info).toHaveBeenCalledTimes(1);
    await answer(10);
    await expect(first).resolves.toBe(10);
    expect(info).toHaveBeenCalledTimes(2); // one lookup for both latecomers, started after they arrived
    await answer(12);
    await expect(second).resolves.toBe(12);
    await expect(third).resolves.toBe(12);
  });

  it('fails only the callers of a failed lookup', async () => {
    const { nats, answer, fail } = fakeNats();
    const sut = new StreamPosition(nats);
    const failed = sut.current().catch((error: Error) => error.message);
    const next = sut.current();
    await fail(new Error('no responders'));
    await expect(failed).resolves.toBe('no responders');
    await answer(7);
    await expect(next).resolves.toBe(7);
  });
});
