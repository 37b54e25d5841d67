import { createHash } from 'node:crypto';
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
 * `<kind>:<mid>` when Meta gave it a mid, otherwise a hash of where it came from and what it
 * says (key order does not matter, so a re-serialised redelivery still matches).
 */
export function eventIdFor({ pageId, channel, kind, event }: EventIdInput): string {
  const mid = MID_OF[kind]?.(event);
  if (typeof mid === 'string' && mid !== '') return `${kind}:${mid}`;
  // Newline separators: no page id or channel can contain one, so the parts cannot run together.
  return sha256Hex(`${pageId}\n${channel}\n${canonicalJson(event)}`);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted at every depth; arrays keep their order. Same rules as JSON.stringify otherwise. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
