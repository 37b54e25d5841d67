import { randomUUID } from 'node:crypto';
import { botEventSubject, type BotChannel, type BotEventDelivered, type EventKind, type WebhookEventStored } from '@app/contracts';
import type { OutboxMessage } from '../threads/threads.repository.js';

export interface Recipient {
  appId: string;
}

/**
 * One stored webhook event → one delivery per bot app of the Page: the owner on `messaging`,
 * every other app on `standby`. The message id is stable (`eventId:appId`), so re-routing after a
 * crash is deduplicated by JetStream and bots see the same idempotency key.
 */
export function routedDeliveries(envelope: WebhookEventStored, bots: Recipient[], ownerAppId: string | null, excludeAppId?: string): OutboxMessage[] {
  return bots
    .filter((bot) => bot.appId !== excludeAppId)
    .map((bot) => {
      const channel: BotChannel = bot.appId === ownerAppId && envelope.channel === 'messaging' ? 'messaging' : 'standby';
      const key = `${envelope.eventId}:${bot.appId}`;
      const payload: BotEventDelivered = {
        idempotencyKey: key,
        appId: bot.appId,
        pageId: envelope.pageId,
        psid: envelope.psid,
        channel,
        kind: envelope.kind,
        timestamp: envelope.timestamp,
        ownerAppId,
        event: channel === 'standby' ? forStandby(envelope.event) : envelope.event,
        correlationId: envelope.correlationId,
      };
      return { subject: botEventSubject(bot.appId, channel), msgId: key, payload };
    });
}

/** Meta removes postback payloads from standby deliveries: only the app that sent the button sees it. */
export function forStandby(event: Record<string, unknown>): Record<string, unknown> {
  const postback = event.postback as Record<string, unknown> | undefined;
  if (!postback || !('payload' in postback)) return event;
  const { payload: _removed, ...rest } = postback;
  return { ...event, postback: rest };
}

export interface HandoverNotice {
  kind: Extract<EventKind, 'pass_thread_control' | 'take_thread_control' | 'request_thread_control' | 'release_thread_control'>;
  pageId: string;
  psid: string;
  /** Meta's body for that kind, e.g. `{ previous_owner_app_id, new_owner_app_id, metadata }`. */
  body: Record<string, unknown>;
  ownerAppId: string | null;
  at: Date;
  correlationId?: string;
}

/** A `messaging_handovers` event in Meta's shape, for each app that must hear of it. */
export function handoverDeliveries(notice: HandoverNotice, recipients: string[]): OutboxMessage[] {
  const id = randomUUID();
  const event = {
    sender: { id: notice.psid },
    recipient: { id: notice.pageId },
    timestamp: notice.at.getTime(),
    [notice.kind]: notice.body,
  };
  return [...new Set(recipients)].map((appId) => {
    const key = `handover:${id}:${appId}`;
    const payload: BotEventDelivered = {
      idempotencyKey: key,
      appId,
      pageId: notice.pageId,
      psid: notice.psid,
      channel: 'handover',
      kind: notice.kind,
      timestamp: notice.at.getTime(),
      ownerAppId: notice.ownerAppId,
      event,
      correlationId: notice.correlationId,
    };
    return { subject: botEventSubject(appId, 'handover'), msgId: key, payload };
  });
}

/**
 * `app_roles` (§2.2/§2.6) for each bot when a Page's apps change: the default app is the
 * `primary_receiver`, the others `secondary_receiver`, as Meta named the roles.
 */
export function appRolesDeliveries(pageId: string, defaultOwnerAppId: string | null, bots: string[], at: Date): OutboxMessage[] {
  const roles = Object.fromEntries(bots.map((appId) => [appId, [appId === defaultOwnerAppId ? 'primary_receiver' : 'secondary_receiver']]));
  const event = { recipient: { id: pageId }, timestamp: at.getTime(), app_roles: roles };
  return bots.map((appId) => {
    const key = `app_roles:${pageId}:${at.getTime()}:${appId}`;
    const payload: BotEventDelivered = {
      idempotencyKey: key,
      appId,
      pageId,
      psid: '',
      channel: 'handover',
      kind: 'app_roles',
      timestamp: at.getTime(),
      ownerAppId: null,
      event,
    };
    return { subject: botEventSubject(appId, 'handover'), msgId: key, payload };
  });
}
