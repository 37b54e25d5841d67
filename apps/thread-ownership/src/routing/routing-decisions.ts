import { PAGE_INBOX_APP_ID, USER_INTERACTION_KINDS, type WebhookEventStored } from '@app/contracts';

/**
 * What Meta's own handover webhooks (to the suite's app) say about the Page Inbox:
 * - the inbox took the thread (a human replied or moved it to Main) → the inbox owns it;
 * - the inbox passed it back (a human clicked Done) → null: back to our side (the caller gives
 *   it to the default app, as Meta gives it to the primary receiver).
 * Returns the new owner, or undefined when the event says nothing about ownership.
 */
export function ownerFromMetaHandover(envelope: WebhookEventStored, current: string | null): string | null | undefined {
  const body = (envelope.event[envelope.kind] ?? {}) as Record<string, unknown>;
  const newOwner = body.new_owner_app_id === undefined || body.new_owner_app_id === null ? null : String(body.new_owner_app_id);
  const previous = body.previous_owner_app_id === undefined || body.previous_owner_app_id === null ? null : String(body.previous_owner_app_id);
  if (envelope.kind !== 'pass_thread_control' && envelope.kind !== 'take_thread_control') return undefined;
  if (newOwner === PAGE_INBOX_APP_ID) return current === PAGE_INBOX_APP_ID ? undefined : PAGE_INBOX_APP_ID;
  if (previous === PAGE_INBOX_APP_ID && current === PAGE_INBOX_APP_ID) return null;
  return undefined;
}

/** A human replied from the Page Inbox: Conversation Routing gives the inbox control (§2.4). */
export function isInboxEcho(envelope: WebhookEventStored): boolean {
  if (envelope.kind !== 'echo') return false;
  const message = envelope.event.message as { app_id?: unknown } | undefined;
  return message?.app_id !== undefined && String(message.app_id) === PAGE_INBOX_APP_ID;
}

export function isUserInteraction(envelope: WebhookEventStored): boolean {
  return USER_INTERACTION_KINDS.has(envelope.kind);
}

/** Events that start a conversation for an idle thread: the user said or did something. */
export function claimsIdleThread(envelope: WebhookEventStored): boolean {
  return isUserInteraction(envelope) || envelope.kind === 'optin';
}

/** Meta's own handover events are translated into ours, not forwarded to bots as they are. */
export function isMetaHandover(envelope: WebhookEventStored): boolean {
  return ['pass_thread_control', 'take_thread_control', 'request_thread_control', 'release_thread_control', 'app_roles'].includes(envelope.kind);
}
