import { hash } from 'node:crypto';
import type { EventKind } from '@app/contracts';

export interface EventIdInput {
  pageId: string;
  channel: 'messaging' | 'standby';
  kind: EventKind;
  /** The event as Meta sent it (the id is a one-way hash, so secrets inside it do not leak). */
  event: Record<string, unknown>;
}

/** Where Meta puts the message id for the kinds that have one (messenger-platform.md §1.6). */
const MID_OF: Partial<Record<EventKind, (event: Record<string, unknown>) => unknown>> = {
  message: (event) => (event.message as { mid?: unknown } | undefined)?.mid,
  echo: (event) => (event.message as { mid?: unknown } | undefined)?.mid,
  postback: (event) => (event.postback as { mid?: unknown } | undefined)?.mid,
};

/**
 * JetStream deduplication key of one event, identical on every redelivery of the same event:
 * `<kind>:<mid>` when Meta gave it a mid (`<kind>:<mid>:standby` on the standby channel),
 * otherwise a hash of where it came from and what it says (key order does not matter, so a
 * re-serialised redelivery still matches).
 *
 * The channel is part of the key: with several Meta apps pointed at this ingress, one message
 * reaches it once per app, on `messaging` for the app Meta lets act and on `standby` for the
 * others. Keyed by mid alone, whichever copy came first was kept; a standby copy kept first would
 * reach even the thread's owner on standby only, so it could not answer. Both copies are kept
 * (the standby one reaches every bot on standby; routing cannot wait for a copy that may never come).
 */
export function eventIdFor({ pageId, channel, kind, event }: EventIdInput): string {
  const mid = MID_OF[kind]?.(event);
  if (typeof mid === 'string' && mid !== '') return channel === 'standby' ? `${kind}:${mid}:standby` : `${kind}:${mid}`;
  // Newline separators: no page id or channel can contain one, so the parts cannot run together.
  return sha256Hex(`${pageId}\n${channel}\n${canonicalJson(event)}`);
}

/**
 * The id of an event that carried a secret (an opt-in's notification token): the same input,
 * hashed with the installation's key (TokenCipher.fingerprint, HMAC-SHA256). Bots get the id as
 * their idempotency key and know everything else in the event, so an unkeyed hash would be a
 * value to test guessed tokens against. Still deterministic: a redelivery gets the same id.
 */
export function keyedEventId({ pageId, channel, event }: EventIdInput, keyedHash: (data: string) => string): string {
  return `k:${keyedHash(`${pageId}\n${channel}\n${canonicalJson(event)}`)}`;
}

/** One-shot `crypto.hash`: about half the cost of createHash().update().digest() for small inputs. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/**
 * JSON with object keys sorted at every depth; arrays keep their order. Same rules as
 * JSON.stringify otherwise. Event ids already stored depend on this exact output: it must
 * never change (event-id.spec.ts checks it against the first implementation). Written with
 * loops and string appends, not map/filter/join: it runs for every event without a mid.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i] ?? null);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(item);
  }
  return `${out}}`;
}
