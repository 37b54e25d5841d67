import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { threadPartition, webhookEventSubject, type WebhookEventStored } from '@app/contracts';
import type { TokenCipher } from '@app/platform';

export interface Thread {
  pageId: string;
  psid: string;
}

const envelope = (thread: Thread, kind: WebhookEventStored['kind'], at: number, event: Record<string, unknown>): WebhookEventStored => ({
  eventId: `${kind}:${randomUUID()}`,
  pageId: thread.pageId,
  psid: thread.psid,
  channel: 'messaging',
  kind,
  timestamp: at,
  receivedAt: new Date(at).toISOString(),
  event: { sender: { id: thread.psid }, recipient: { id: thread.pageId }, timestamp: at, ...event },
});

export const messageEvent = (thread: Thread, at: number, text = 'hello'): WebhookEventStored =>
  envelope(thread, 'message', at, { message: { mid: `m_${randomUUID()}`, text } });

export const reactionEvent = (thread: Thread, at: number): WebhookEventStored =>
  envelope(thread, 'reaction', at, { reaction: { mid: `m_${randomUUID()}`, action: 'react', emoji: '\u2764' } });

export const readEvent = (thread: Thread, at: number): WebhookEventStored => envelope(thread, 'read', at, { read: { watermark: at } });

/** A Send to Messenger plugin opt-in (`data-ref`): it opens the 24-hour window (§5.3). */
export const pluginOptInEvent = (thread: Thread, at: number, ref = 'spring-sale'): WebhookEventStored => envelope(thread, 'optin', at, { optin: { ref } });

/** An OTN opt-in as the ingress stores it: the token is removed from `event` and sealed. */
export function otnOptInEvent(cipher: TokenCipher, thread: Thread, topic: string, token: string, at: number): WebhookEventStored {
  return {
    ...envelope(thread, 'optin', at, { optin: { type: 'one_time_notif_req', payload: topic } }),
    sealed: { oneTimeNotifToken: cipher.seal(token) },
  };
}

/** Publishes like the ingress: partitioned subject, eventId as JetStream message id. Returns the stream sequence. */
export async function publishEvent(js: JetStreamClient, prefix: string, event: WebhookEventStored): Promise<number> {
  const subject = `${prefix}.${webhookEventSubject(threadPartition(event.pageId, event.psid))}`;
  const ack = await js.publish(subject, JSON.stringify(event), { msgID: event.eventId });
  return ack.seq;
}
