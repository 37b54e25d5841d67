import { z } from 'zod';

/**
 * A fact published by thread-ownership for every committed change of a thread's owner (pass,
 * take, release, idle expiry, default claim, Page Inbox moves at Meta, an unhealthy bot's threads
 * handed on), on the EVENTS stream (subject `events.thread.owner.changed`, JetStream message id
 * `owner:<pageId>:<psid>:<version>`). It is written to the outbox in the change's own
 * transaction, so it is never lost, and may arrive twice (same message id). For read models such
 * as the operator console: nothing routes it and no bot receives it. Unlike the handover events
 * bots get, there is one for every change, a plain release included.
 */
export const THREAD_OWNER_CHANGED_SUBJECT = 'events.thread.owner.changed';

export const threadOwnerChangedSchema = z.object({
  pageId: z.string(),
  psid: z.string(),
  /** null: the thread was idle. */
  previousOwnerAppId: z.string().nullable(),
  /** null: the thread is idle now. */
  ownerAppId: z.string().nullable(),
  /** As in the audit log: `default` is an idle thread claimed by its default app or a routing rule; `external` a move made at Meta (Page Inbox). */
  action: z.enum(['pass', 'take', 'release', 'default', 'idle_timeout', 'external', 'bot_unhealthy', 'app_removed']),
  /** The app that asked for the change; null when the suite decided (default claim, idle expiry). */
  actorAppId: z.string().nullable(),
  metadata: z.string().nullable(),
  /** The thread's row version after the change: orders one thread's facts (a higher version is newer). */
  version: z.number().int().positive(),
  /** EVENTS stream position from which the new owner applies (events stored up to it belong to the previous owner). */
  streamSeq: z.number().int().nonnegative(),
  /** The bots that got a `messaging_handovers` event about this change (none for a plain release or a default claim). */
  notifiedAppIds: z.array(z.string()),
  /** ISO 8601. */
  at: z.string(),
  correlationId: z.string().optional(),
});
export type ThreadOwnerChanged = z.infer<typeof threadOwnerChangedSchema>;
