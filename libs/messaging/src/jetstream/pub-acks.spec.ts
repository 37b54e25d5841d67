import { afterEach, describe, expect, it, vi } from 'vitest';
import { JetStreamPublishError, PendingAcks, parsePubAck, SWEEP_INTERVAL_MS } from './pub-acks.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const failure = (fn: () => unknown): JetStreamPublishError => {
  try {
    fn();
  } catch (error) {
    return error as JetStreamPublishError;
  }
  throw new Error('expected a throw');
};

describe('parsePubAck', () => {
  it('reads a stored message and a duplicate', () => {
    expect(parsePubAck(bytes('{"stream":"P_EVENTS","seq":7}'), undefined, 'p.events.webhook.1')).toEqual({ stream: 'P_EVENTS', seq: 7, duplicate: false });
    expect(parsePubAck(bytes('{"stream":"P_EVENTS","seq":7,"duplicate":true}'), undefined, 's')).toEqual({ stream: 'P_EVENTS', seq: 7, duplicate: true });
    expect(parsePubAck(bytes('{"stream":"S","domain":"hub","seq":1}'), undefined, 's')).toEqual({ stream: 'S', domain: 'hub', seq: 1, duplicate: false });
  });

  it('turns a JetStream API error into a rejection with its description and code', () => {
    const error = failure(() =>
      parsePubAck(bytes('{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"},"stream":"S","seq":0}'), undefined, 'p.events.x'),
    );
    expect(error).toBeInstanceOf(JetStreamPublishError);
    expect(error).toMatchObject({ reason: 'api', errCode: 10077 });
    expect(error.message).toContain('maximum messages exceeded');
    expect(error.message).toContain('p.events.x');
  });

  it('turns the no-responders status (no stream on the subject) into a rejection', () => {
    expect(failure(() => parsePubAck(new Uint8Array(0), 503, 'p.events.x'))).toMatchObject({ reason: 'no_stream' });
  });

  it.each([
    ['an empty answer without status', new Uint8Array(0)],
    ['not JSON', bytes('+OK')],
    ['no stream', bytes('{"seq":1}')],
    ['an empty stream name', bytes('{"stream":"","seq":1}')],
    ['no sequence', bytes('{"stream":"S"}')],
  ])('refuses %s as an invalid ack', (_case, data) => {
    expect(failure(() => parsePubAck(data, undefined, 's'))).toMatchObject({ reason: 'invalid_ack' });
  });
});

describe('PendingAcks', () => {
  afterEach(() => vi.useRealTimers());

  const tracker = () => {
    const clock = { now: 1000 };
    return { clock, acks: new PendingAcks(() => clock.now) };
  };

  it('resolves a publish with its ack and forgets it', async () => {
    const { acks } = tracker();
    const acked = acks.track('a', 's', 100);
    acks.settle('a', bytes('{"stream":"S","seq":3}'), undefined);
    await expect(acked).resolves.toEqual({ stream: 'S', seq: 3, duplicate: false });
    expect(acks.size).toBe(0);
  });

  it('rejects a publish whose answer is an error, and ignores answers nobody waits for', async () => {
    const { acks } = tracker();
    const refused = acks.track('a', 's', 100);
    acks.settle('a', new Uint8Array(0), 503);
    acks.settle('a', bytes('{"stream":"S","seq":3}'), undefined);
    acks.settle('unknown', bytes('{"stream":"S","seq":4}'), undefined);
    await expect(refused).rejects.toMatchObject({ reason: 'no_stream' });
    expect(acks.size).toBe(0);
  });

  it('expires only the publishes past their own deadline', async () => {
    const { clock, acks } = tracker();
    const short = acks.track('a', 'p.events.1', 100);
    const long = acks.track('b', 's', 500);
    clock.now += 99;
    expect(acks.expire()).toBe(0);
    clock.now += 1;
    expect(acks.expire()).toBe(1);
    await expect(short).rejects.toMatchObject({ reason: 'timeout', message: expect.stringContaining('p.events.1') });
    acks.settle('b', bytes('{"stream":"S","seq":9}'), undefined);
    await expect(long).resolves.toMatchObject({ seq: 9 });
  });

  it('rejects everything pending at once (connection closed)', async () => {
    const { acks } = tracker();
    const pending = [acks.track('a', 's', 100), acks.track('b', 's', 100)];
    acks.failAll(new JetStreamPublishError('closed', 'closed'));
    for (const p of pending) await expect(p).rejects.toMatchObject({ reason: 'closed' });
    expect(acks.size).toBe(0);
  });

  it('sweeps with one timer while something is pending, and stops it when nothing is', async () => {
    vi.useFakeTimers();
    const { clock, acks } = tracker();
    const timedOut = [acks.track('a', 's', 50), acks.track('b', 's', 50)];
    expect(vi.getTimerCount()).toBe(1);
    clock.now += 50;
    vi.advanceTimersByTime(SWEEP_INTERVAL_MS);
    for (const p of timedOut) await expect(p).rejects.toMatchObject({ reason: 'timeout' });
    expect(acks.size).toBe(0);
    vi.advanceTimersByTime(SWEEP_INTERVAL_MS);
    expect(vi.getTimerCount()).toBe(0);
  });
});
