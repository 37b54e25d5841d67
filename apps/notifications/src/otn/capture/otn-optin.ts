import type { WebhookEventStored } from '@app/contracts';

export interface OtnOptIn {
  topic: string;
  sealedToken: string;
}

/**
 * An OTN opt-in (§1.6 messaging_optins, `type: one_time_notif_req`): the topic is the payload of
 * our request template, the token was taken out and sealed by the ingress. Other opt-ins
 * (checkbox plugin, marketing messages) and opt-ins without a token are not ours.
 */
export function parseOtnOptIn(event: WebhookEventStored): OtnOptIn | null {
  if (event.kind !== 'optin' || !event.psid) return null;
  const optin = event.event.optin as { type?: unknown; payload?: unknown } | undefined;
  if (optin?.type !== 'one_time_notif_req') return null;
  const sealedToken = event.sealed?.oneTimeNotifToken;
  if (!sealedToken || typeof optin.payload !== 'string' || optin.payload.length === 0) return null;
  return { topic: optin.payload, sealedToken };
}
