import type { PubAck } from '@nats-io/jetstream';

/** Why JetStream did not confirm a publish. */
export type PublishFailure = 'timeout' | 'no_stream' | 'api' | 'closed' | 'invalid_ack';

/** A publish JetStream did not confirm; the message may or may not be stored (retry with the same msgID). */
export class JetStreamPublishError extends Error {
  constructor(
    message: string,
    readonly reason: PublishFailure,
    /** JetStream's own error code (`err_code`) when it answered with one. */
    readonly errCode?: number,
  ) {
    super(message);
    this.name = 'JetStreamPublishError';
  }
}

const NO_RESPONDERS = 503;
const decoder = new TextDecoder();

/**
 * Reads JetStream's answer to one publish: `{"stream","seq","duplicate"?}` when stored,
 * `{"error":{"code","err_code","description"}}` when refused, or an empty message with status
 * 503 (no responders) when no stream listens on the subject.
 */
export function parsePubAck(data: Uint8Array, statusCode: number | undefined, subject: string): PubAck {
  if (data.length === 0) {
    if (statusCode === NO_RESPONDERS) throw new JetStreamPublishError(`no stream stores ${subject} (no responders)`, 'no_stream');
    throw new JetStreamPublishError(`empty answer${statusCode ? ` (status ${statusCode})` : ''} to a publish on ${subject}`, 'invalid_ack');
  }
  let answer: { stream?: unknown; seq?: unknown; duplicate?: unknown; domain?: unknown; error?: { description?: unknown; err_code?: unknown; code?: unknown } };
  try {
    answer = JSON.parse(decoder.decode(data));
  } catch {
    throw new JetStreamPublishError(`unreadable answer to a publish on ${subject}`, 'invalid_ack');
  }
  if (answer.error) {
    const { description, err_code: errCode, code } = answer.error;
    throw new JetStreamPublishError(`JetStream refused a publish on ${subject}: ${String(description ?? code)}`, 'api', typeof errCode === 'number' ? errCode : undefined);
  }
  if (typeof answer.stream !== 'string' || answer.stream === '' || typeof answer.seq !== 'number') {
    throw new JetStreamPublishError(`invalid ack to a publish on ${subject}`, 'invalid_ack');
  }
  const ack: PubAck = { stream: answer.stream, seq: answer.seq, duplicate: answer.duplicate === true };
  if (typeof answer.domain === 'string') ack.domain = answer.domain;
  return ack;
}

interface Pending {
  subject: string;
  deadline: number;
  resolve: (ack: PubAck) => void;
  reject: (error: Error) => void;
}

/** How often expired publishes are looked for: a timeout fires at most this late. */
export const SWEEP_INTERVAL_MS = 25;

/**
 * The publishes waiting for their ack, by reply token. Timeouts are found by one periodic
 * sweep (running only while something is pending) instead of a timer per message.
 */
export class PendingAcks {
  private readonly pending = new Map<string, Pending>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get size(): number {
    return this.pending.size;
  }

  /** Resolves with the ack of `token`, or rejects after `timeoutMs`. */
  track(token: string, subject: string, timeoutMs: number): Promise<PubAck> {
    return new Promise<PubAck>((resolve, reject) => {
      this.pending.set(token, { subject, deadline: this.now() + timeoutMs, resolve, reject });
      this.sweeper ??= setInterval(this.sweep, SWEEP_INTERVAL_MS).unref();
    });
  }

  /** JetStream's answer for `token`; an unknown token (already timed out) is ignored. */
  settle(token: string, data: Uint8Array, statusCode: number | undefined): void {
    const entry = this.take(token);
    if (!entry) return;
    let ack: PubAck;
    try {
      ack = parsePubAck(data, statusCode, entry.subject);
    } catch (error) {
      entry.reject(error as Error);
      return;
    }
    entry.resolve(ack);
  }

  fail(token: string, error: Error): void {
    this.take(token)?.reject(error);
  }

  failAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(error);
  }

  /** Rejects every publish past its deadline; returns how many. */
  expire(): number {
    const now = this.now();
    let expired = 0;
    for (const [token, entry] of this.pending) {
      if (entry.deadline > now) continue;
      this.pending.delete(token);
      entry.reject(new JetStreamPublishError(`JetStream did not ack a publish on ${entry.subject} in time`, 'timeout'));
      expired++;
    }
    return expired;
  }

  private readonly sweep = (): void => {
    this.expire();
    if (this.pending.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  };

  private take(token: string): Pending | undefined {
    const entry = this.pending.get(token);
    if (entry) this.pending.delete(token);
    return entry;
  }
}
