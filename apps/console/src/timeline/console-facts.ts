import type { BotEventDelivered, OutboundMessageSent, ThreadOwnerChanged, WebhookEventStored } from '@app/contracts';
import { appLabel } from '../html/apps.js';
import type { TimelineDirection } from './timeline-entry.entity.js';

/** The thread a fact is about, and what it says about the thread's recency. */
export interface ThreadTouch {
  pageId: string;
  psid: string;
  at: Date;
  /** Set by user interactions. */
  inAt?: Date;
  summary?: string;
}

export interface NewTimelineEntry {
  dedupeKey: string;
  pageId: string;
  psid: string;
  direction: TimelineDirection;
  kind: string;
  appId: string | null;
  summary: string;
  details: Record<string, unknown>;
  at: Date;
}

/**
 * The owner as reported by a fact. An owner-changed fact carries the thread's row version (a
 * higher one wins); a bot delivery only its BOTS stream position (a newer one wins, but only while
 * the console has no owner-changed fact for the thread: those cover every change, and a delivery
 * routed late may name an owner that has already changed).
 */
export interface OwnerFact {
  appId: string | null;
  /** BOTS stream position (deliveries); 0 for owner-changed facts. */
  seq: number;
  /** thread-ownership's row version (owner-changed facts); 0 for deliveries. */
  version?: number;
}

/** What one stream message means for the console's read model. */
export interface ConsoleFact {
  thread: ThreadTouch;
  entry?: NewTimelineEntry;
  owner?: OwnerFact;
}

const MAX_TEXT = 500;
const HANDOVER_KINDS = new Set(['pass_thread_control', 'take_thread_control', 'request_thread_control', 'release_thread_control']);
const INTERACTIONS = new Set(['message', 'postback', 'reaction', 'referral']);
/** Receipts say nothing an operator needs on a timeline. */
const IGNORED = new Set(['read', 'delivery']);

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const clip = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

/** A stored webhook event (EVENTS stream, `events.webhook.<n>`): the user's side of the conversation. */
export function webhookFact(e: WebhookEventStored): ConsoleFact | undefined {
  if (e.psid === '' || IGNORED.has(e.kind)) return undefined;
  const at = new Date(e.timestamp);
  const base = { pageId: e.pageId, psid: e.psid, at };
  if (e.kind === 'echo') {
    const message = obj(e.event.message);
    const mid = str(message.mid) ?? e.eventId;
    const summary = messageSummary(message);
    // The same message as the send fact (`out:<mid>`): whichever arrives first makes the row.
    const entry = { ...base, dedupeKey: `out:${mid}`, direction: 'out' as const, kind: 'send', appId: null, summary, details: { echoAppId: str(message.app_id) ?? null } };
    return { thread: { ...base, summary }, entry };
  }
  const { direction, summary, details } = describeIncoming(e);
  const entry: NewTimelineEntry = { ...base, dedupeKey: `event:${e.eventId}`, direction, kind: e.kind, appId: null, summary, details };
  return { thread: { ...base, summary, ...(INTERACTIONS.has(e.kind) ? { inAt: at } : {}) }, entry };
}

function describeIncoming(e: WebhookEventStored): { direction: TimelineDirection; summary: string; details: Obj } {
  const ev = e.event;
  switch (e.kind) {
    case 'message':
      return { direction: 'in', summary: messageSummary(obj(ev.message)), details: { mid: str(obj(ev.message).mid) ?? null } };
    case 'postback': {
      const p = obj(ev.postback);
      const payload = str(p.payload);
      return { direction: 'in', summary: clip(`Tapped "${str(p.title) ?? 'a button'}"${payload ? ` (payload ${payload})` : ''}`), details: {} };
    }
    case 'reaction': {
      const r = obj(ev.reaction);
      const what = str(r.emoji) ?? str(r.reaction) ?? 'a reaction';
      return { direction: 'in', summary: r.action === 'unreact' ? 'Removed a reaction' : `Reacted ${what} to a message`, details: {} };
    }
    case 'referral':
      return { direction: 'in', summary: clip(`Arrived through a link (ref ${str(obj(ev.referral).ref) ?? 'none'})`), details: {} };
    case 'optin': {
      const o = obj(ev.optin);
      if (o.type === 'one_time_notif_req') {
        return { direction: 'notification', summary: clip(`Agreed to one notification about "${str(o.payload) ?? '?'}"`), details: { topic: str(o.payload) ?? null } };
      }
      return { direction: 'notification', summary: clip(`Opted in (${str(o.ref) ?? str(o.type) ?? 'plugin'})`), details: {} };
    }
    default:
      if (HANDOVER_KINDS.has(e.kind)) {
        const body = obj(ev[e.kind]);
        return { direction: 'handover', summary: `At Meta: ${handoverSummary(e.kind, body)}`, details: { metadata: str(body.metadata) ?? null } };
      }
      return { direction: 'in', summary: e.kind.replace(/_/g, ' '), details: {} };
  }
}

/** A send accepted by Meta (`events.outbound.sent`): a bot's or an agent's message, or a notification. */
export function outboundFact(f: OutboundMessageSent): ConsoleFact {
  const at = new Date(f.sentAt);
  const base = { pageId: f.pageId, psid: f.psid, at };
  const payload = obj(obj(f.message.attachment).payload);
  let direction: TimelineDirection = 'out';
  let kind = 'send';
  let summary = messageSummary(f.message);
  if (payload.template_type === 'one_time_notif_req') {
    direction = 'notification';
    kind = 'otn_request';
    summary = clip(`Asked to notify once about "${str(payload.payload) ?? '?'}": ${str(payload.title) ?? ''}`.trim());
  } else if (f.oneTimeNotification) {
    direction = 'notification';
    kind = 'otn_send';
    summary = clip(`One-time notification: ${summary}`);
  }
  const details = { messageId: f.messageId, messagingType: f.messagingType ?? null, tag: f.tag ?? null };
  return { thread: { ...base, summary }, entry: { ...base, dedupeKey: `out:${f.messageId}`, direction, kind, appId: f.appId, summary, details } };
}

/**
 * A delivery to one bot (BOTS stream, `bot.<appId>.<channel>`): it names the thread's owner at
 * that moment. A handover reaches every app involved, so its entry is keyed without the app.
 */
export function botDeliveryFact(d: BotEventDelivered, seq: number): ConsoleFact | undefined {
  if (d.psid === '') return undefined;
  const at = new Date(d.timestamp);
  const fact: ConsoleFact = { thread: { pageId: d.pageId, psid: d.psid, at }, owner: { appId: d.ownerAppId, seq } };
  if (d.channel !== 'handover' || !HANDOVER_KINDS.has(d.kind)) return fact;
  const body = obj(d.event[d.kind]);
  const suffix = `:${d.appId}`;
  const key = d.idempotencyKey.endsWith(suffix) ? d.idempotencyKey.slice(0, -suffix.length) : d.idempotencyKey;
  const summary = handoverSummary(d.kind, body, d.appId);
  const details = { metadata: str(body.metadata) ?? null, from: str(body.previous_owner_app_id) ?? null, to: str(body.new_owner_app_id) ?? null, reason: str(body.reason) ?? null };
  const actor = str(body.new_owner_app_id) ?? str(body.requested_owner_app_id) ?? null;
  fact.thread.summary = summary;
  fact.entry = { pageId: d.pageId, psid: d.psid, at, dedupeKey: `bot:${key}`, direction: 'handover', kind: d.kind, appId: actor, summary, details };
  return fact;
}

/**
 * A committed change of owner (`events.thread.owner.changed`): the owner, live, for every change.
 * The timeline entry is only for changes no bot was told about (a plain release, a default claim,
 * a human agent taking an idle thread): the others arrive as handover deliveries, with their own entry.
 */
export function ownerChangedFact(f: ThreadOwnerChanged): ConsoleFact {
  const at = new Date(f.at);
  const fact: ConsoleFact = { thread: { pageId: f.pageId, psid: f.psid, at }, owner: { appId: f.ownerAppId, seq: 0, version: f.version } };
  if (f.notifiedAppIds.length > 0) return fact;
  const summary = ownerChangeSummary(f);
  const details = { metadata: f.metadata, from: f.previousOwnerAppId, to: f.ownerAppId, action: f.action };
  fact.thread.summary = summary;
  fact.entry = { pageId: f.pageId, psid: f.psid, at, dedupeKey: `owner:${f.pageId}:${f.psid}:${f.version}`, direction: 'handover', kind: `owner_${f.action}`, appId: f.actorAppId, summary, details };
  return fact;
}

function ownerChangeSummary(f: ThreadOwnerChanged): string {
  const [from, to] = [appLabel(f.previousOwnerAppId), appLabel(f.ownerAppId)];
  switch (f.action) {
    case 'release':
      return `${from} released the thread`;
    case 'idle_timeout':
      return `${from}'s ownership lapsed (idle timeout)`;
    case 'default':
      return `${to} got the idle thread (default app or routing rule)`;
    case 'external':
      return `At Meta: the thread moved from ${from} to ${to}`;
    case 'take':
      return `${to} took the thread from ${from}`;
    case 'bot_unhealthy':
      return `${from} stopped taking its deliveries; the thread went to ${to}`;
    case 'app_removed':
      return `${from} was removed from the Page; the thread is idle`;
    default:
      return `${from} passed the thread to ${to}`;
  }
}

function handoverSummary(kind: string, body: Obj, addressee?: string): string {
  const from = appLabel(str(body.previous_owner_app_id));
  const to = appLabel(str(body.new_owner_app_id));
  switch (kind) {
    case 'pass_thread_control':
      return `${from} passed the thread to ${to}`;
    case 'take_thread_control':
      return `${to} took the thread from ${from}`;
    case 'request_thread_control':
      return `${appLabel(str(body.requested_owner_app_id))} asked ${appLabel(addressee)} for the thread`;
    case 'release_thread_control':
      return body.reason === 'idle_timeout' ? `${from}'s ownership lapsed (idle timeout)` : `${from} released the thread`;
    default:
      return kind.replace(/_/g, ' ');
  }
}

/** One line for a Messenger `message` object (text, quick reply, attachments, template). */
export function messageSummary(message: Obj): string {
  const text = str(message.text);
  const quick = str(obj(message.quick_reply).payload);
  if (text) return clip(quick ? `${text} (quick reply ${quick})` : text);
  const attachments = Array.isArray(message.attachments) ? message.attachments.map(obj) : message.attachment ? [obj(message.attachment)] : [];
  if (attachments.length > 0) {
    return attachments
      .map((a) => {
        const template = str(obj(a.payload).template_type);
        return template ? `[${template} template]` : `[${str(a.type) ?? 'attachment'}]`;
      })
      .join(' ');
  }
  return '[message]';
}
