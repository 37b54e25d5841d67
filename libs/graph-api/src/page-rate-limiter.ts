import { PageThrottledError } from './graph-api.error.js';

/** Send API classes with their own per-Page rate (§5.5). */
export type SendClass = 'text' | 'media';

export interface PageRateLimits {
  /** Sends per second per Page for text, links, reactions, stickers (Meta: 300). */
  textPerSecond?: number;
  /** Sends per second per Page for audio and video (Meta: 10). */
  mediaPerSecond?: number;
  /** Longest a send waits for its turn; beyond it, it fails at once with PageThrottledError. */
  maxWaitMs?: number;
}

export interface PageRateLimiterOptions extends PageRateLimits {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Bucket {
  /** May go below zero: a negative balance is the queue of sends already promised a later slot. */
  tokens: number;
  updatedAt: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket per Page and class (burst = one second's worth), plus per-Page pauses set from
 * Meta's usage headers. Sends beyond the rate are delayed, not failed, unless the wait would be
 * longer than `maxWaitMs`. Per process: each replica paces its own sends.
 */
export class PageRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly pauses = new Map<string, number>();
  private readonly rates: Record<SendClass, number>;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: PageRateLimiterOptions = {}) {
    this.rates = { text: positive(options.textPerSecond ?? 300, 'textPerSecond'), media: positive(options.mediaPerSecond ?? 10, 'mediaPerSecond') };
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /** Resolves when this Page may send one more message of this class. */
  async acquire(pageId: string, sendClass: SendClass = 'text'): Promise<void> {
    const key = `${pageId}:${sendClass}`;
    const slotAt = this.reserve(key, this.rates[sendClass]);
    const deadline = this.now() + this.maxWaitMs;
    for (;;) {
      // Re-read the pause after every wait: Meta may have asked for one meanwhile.
      const at = Math.max(slotAt, this.pausedUntil(pageId) ?? 0);
      const waitMs = at - this.now();
      if (waitMs <= 0) return;
      if (at > deadline) {
        this.refund(key);
        throw new PageThrottledError(pageId, at);
      }
      await this.sleep(waitMs);
    }
  }

  /** No send for this Page before `untilMs`; an earlier pause never shortens a later one. */
  pause(pageId: string, untilMs: number): void {
    this.pauses.set(pageId, Math.max(untilMs, this.pauses.get(pageId) ?? 0));
  }

  pausedUntil(pageId: string): number | undefined {
    const until = this.pauses.get(pageId);
    if (until === undefined) return undefined;
    if (until > this.now()) return until;
    this.pauses.delete(pageId);
    return undefined;
  }

  /** Takes one token; returns when it is (or becomes) available. */
  private reserve(key: string, ratePerSecond: number): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: ratePerSecond, updatedAt: now };
    bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.updatedAt) * ratePerSecond) / 1000);
    bucket.updatedAt = now;
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return bucket.tokens >= 0 ? now : now + (-bucket.tokens * 1000) / ratePerSecond;
  }

  private refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens += 1;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Audio and video have Meta's lower per-Page rate; everything else counts as text. */
export function sendClassOf(body: Record<string, unknown>): SendClass {
  const message = body.message as { attachment?: { type?: unknown } } | undefined;
  const type = message?.attachment?.type;
  return type === 'audio' || type === 'video' ? 'media' : 'text';
}
