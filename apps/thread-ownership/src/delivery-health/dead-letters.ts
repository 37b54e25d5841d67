import { deadBotEventSubject, type WebhookEventStored } from '@app/contracts';
import { routedDeliveries, type Recipient } from '../delivery/bot-events.js';
import type { OutboxMessage } from '../threads/threads.repository.js';

/**
 * What an unsubscribed app would have received, kept on `dead.bot.<appId>` (DEAD stream) instead
 * of being delivered: the same payload and idempotency key, so a replay after resubscribing
 * gives the bot exactly the event it missed (as routed then: channel and owner of that moment).
 */
export function deadLetterDeliveries(envelope: WebhookEventStored, unsubscribed: Recipient[], ownerAppId: string | null, excludeAppId?: string): OutboxMessage[] {
  return routedDeliveries(envelope, unsubscribed, ownerAppId, excludeAppId).map((d) => ({
    subject: deadBotEventSubject(String(d.payload.appId)),
    msgId: `dead:${d.msgId}`,
    payload: d.payload,
  }));
}
