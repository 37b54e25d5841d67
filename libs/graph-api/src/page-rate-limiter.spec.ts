import { describe, expect, it } from 'vitest';
import { PageThrottledError } from './graph-api.error.js';
import { PageRateLimiter, sendClassOf } from './page-rate-limiter.js';

/**
 * Virtual time: sleepers wake in time order once every pending promise has settled, so a
 * second of sends takes no real second.
 */
class FakeTime {
  now = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];
  private scheduled = false;
  readonly clock = () => this.now;
  readonly sleep = (ms: number) =>
    new Promise<void>((wake) => {
      this.timers.push({ at: this.now + ms, wake });
      this.tick();
    });

  private tick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the microtask queue drains: every concurrent sleeper has registered by then.
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) return;
      this.now = Math.max(this.now, next.at);
      next.wake();
      if (this.timers.length > 0) this.tick();
    });
  }
}

function limiter(time: FakeTime, options: ConstructorParameters<typeof PageRateLimiter>[0] = {}) {
  return new PageRateLimiter({ now: time.clock, sleep: time.sleep, maxWaitMs: 600_000, ...options });
}

/** Starts all acquisitions at once; resolves with the virtual time each one was let through. */
async function burst(sut: PageRateLimiter, time: FakeTime, count: number, pageId = 'P', sendClass: 'text' | 'media' = 'text') {
  return Promise.all(Array.from({ length: count }, () => sut.acquire(pageId, sendClass).then(() => time.now)));
}

describe('PageRateLimiter', () => {
  it('600 sends at 300/s take at least one second, and never run ahead of the rate', async () => {
    const time = new FakeTime();
    const sut = limiter(time, { textPerSecond: 300 });
    const times = (await burst(sut, time, 600)).sort((a, b) => a - b);
    expect(times.at(-1)).toBeGreaterThanOrEqual(996);
    expect(times.at(-1)).toBeLessThanOrEqual(1010);
    // The first second's burst (300) goes at once; send i needs (i - 299) further tokens at 300/s.
    expect(times.filter((t) => t === 0)).toHaveLength(300);
    times.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(((i - 299) * 1000) / 300 - 1e-6));
  });

  it('keeps Pages apart: one busy Page does not slow another', async () => {
    const time = new FakeTime();
    const sut = limiter(time, { textPerSecond: 10 });
    await burst(sut, time, 30, 'busy');
    const before = time.now;
    await sut.acquire('quiet');
    expect(time.now).toBe(before);
  });

  it('paces audio and video at the media rate', async () => {
    const time = new FakeTime();
    const sut = limiter(time, { textPerSecond: 300, mediaPerSecond: 10 });
    const times = await burst(sut, time, 20, 'P', 'media');
    expect(Math.max(...times)).toBeCloseTo(1000, 0);
    expect(sendClassOf({ message: { attachment: { type: 'video', payload: {} } } })).toBe('media');
    expect(sendClassOf({ message: { attachment: { type: 'audio', payload: {} } } })).toBe('media');
    expect(sendClassOf({ message: { attachment: { type: 'image', payload: {} } } })).toBe('text');
    expect(sendClassOf({ message: { text: 'hi' } })).toBe('text');
  });

  it('refills over time: after a quiet second a full burst goes at once again', async () => {
    const time = new FakeTime();
    const sut = limiter(time, { textPerSecond: 100 });
    await burst(sut, time, 100);
    time.now += 1000;
    const start = time.now;
    const times = await burst(sut, time, 100);
    expect(times.every((t) => t === start)).toBe(true);
  });

  it('holds a paused Page until the pause ends, and lets others go', async () => {
    const time = new FakeTime();
    const sut = limiter(time);
    sut.pause('P', 5_000);
    sut.pause('P', 2_000); // an earlier end never shortens the pause
    expect(sut.pausedUntil('P')).toBe(5_000);
    await sut.acquire('other');
    expect(time.now).toBe(0);
    await sut.acquire('P');
    expect(time.now).toBe(5_000);
    expect(sut.pausedUntil('P')).toBeUndefined();
  });

  it('fails fast (no wait) with PageThrottledError when the wait would exceed maxWaitMs', async () => {
    const time = new FakeTime();
    const sut = limiter(time, { maxWaitMs: 1_000 });
    sut.pause('P', 3 * 60_000);
    const error = await sut.acquire('P').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageThrottledError);
    expect(error).toMatchObject({ pageId: 'P', retryAt: 180_000, status: 429, code: 613 });
    expect(time.now).toBe(0);
  });

  it('gives the token back when a send gives up, so refused sends do not slow later ones', async () => {
    const time = new FakeTime();
    const sut = limiter(time, { textPerSecond: 10, maxWaitMs: 50 });
    await burst(sut, time, 10); // bucket empty; the next token is 100 ms away
    const refused = await Promise.all(Array.from({ length: 5 }, () => sut.acquire('P').catch((e: unknown) => e)));
    expect(refused.every((e) => e instanceof PageThrottledError)).toBe(true);
    time.now += 100;
    await sut.acquire('P'); // had the refused sends kept their tokens, this one would be 500 ms away and refused too
    expect(time.now).toBe(100);
  });

  it('rejects nonsense rates', () => {
    expect(() => new PageRateLimiter({ textPerSecond: 0 })).toThrow(RangeError);
  });
});
