import { z } from 'zod';

/** Meta sends ids as strings or numbers; we keep strings everywhere. */
const idLike = z.union([z.string(), z.number()]).transform(String);

/**
 * One object of `entry[].messaging[]` or `entry[].standby[]`. Only the fields the suite relies
 * on are typed; everything else is kept as-is (unknown fields must never be dropped).
 */
export const messagingEventSchema = z.looseObject({
  sender: z.looseObject({ id: idLike.optional(), user_ref: z.string().optional() }).optional(),
  recipient: z.looseObject({ id: idLike }).optional(),
  timestamp: z.number().optional(),
});
export type MessagingEvent = z.infer<typeof messagingEventSchema> & Record<string, unknown>;

export const webhookEntrySchema = z.looseObject({
  id: idLike,
  time: z.number().optional(),
  messaging: z.array(z.record(z.string(), z.unknown())).optional(),
  standby: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** The POST body Meta sends to the webhook. */
export const webhookBodySchema = z.looseObject({
  object: z.string(),
  entry: z.array(webhookEntrySchema).default([]),
});
export type WebhookBody = z.infer<typeof webhookBodySchema>;

export const EVENT_KINDS = [
  'message',
  'echo',
  'postback',
  'read',
  'delivery',
  'reaction',
  'referral',
  'optin',
  'pass_thread_control',
  'take_thread_control',
  'request_thread_control',
  'release_thread_control',
  'app_roles',
  'policy_enforcement',
  'account_linking',
  'unknown',
] as const;
export const eventKindSchema = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof eventKindSchema>;

const KEY_TO_KIND: ReadonlyArray<[string, EventKind]> = [
  ['postback', 'postback'],
  ['read', 'read'],
  ['delivery', 'delivery'],
  ['reaction', 'reaction'],
  ['referral', 'referral'],
  ['optin', 'optin'],
  ['pass_thread_control', 'pass_thread_control'],
  ['take_thread_control', 'take_thread_control'],
  ['request_thread_control', 'request_thread_control'],
  ['release_thread_control', 'release_thread_control'],
  ['app_roles', 'app_roles'],
  ['policy_enforcement', 'policy_enforcement'],
  // The key's spelling is unconfirmed (§8 #12): Meta's samples have been seen with a hyphen.
  ['policy-enforcement', 'policy_enforcement'],
  ['account_linking', 'account_linking'],
];

/** Classifies one messaging object by the type-specific key Meta puts on it. */
export function classifyEvent(event: Record<string, unknown>): EventKind {
  const message = event.message as { is_echo?: unknown } | undefined;
  if (message && typeof message === 'object') return message.is_echo === true ? 'echo' : 'message';
  for (const [key, kind] of KEY_TO_KIND) if (key in event) return kind;
  return 'unknown';
}

/** Kinds by which the user interacts with the Page: they open or refresh the 24-hour window (§5.3). */
export const USER_INTERACTION_KINDS: ReadonlySet<EventKind> = new Set(['message', 'postback', 'reaction', 'referral']);

/**
 * Whether an event opens or refreshes the 24-hour window (§5.3): a user interaction, or a Send to
 * Messenger plugin opt-in (`optin.ref` from a PSID). Opt-ins to one-time or marketing
 * notifications (`optin.type`) do not (§3, §4); a checkbox opt-in names a `user_ref`, not a PSID.
 */
export function opensMessagingWindow(kind: EventKind, event: Record<string, unknown>): boolean {
  // §5.3 lists "CTM ad click *then* message" and "m.me link into an existing thread", and "a
  // reaction to a message": an ad click alone (`source: ADS`) and an `unreact` are read as not
  // opening it (the safe side: a window we think open but Meta does not is a refused send).
  if (kind === 'referral') return (event.referral as { source?: unknown } | undefined)?.source !== 'ADS';
  if (kind === 'reaction') return (event.reaction as { action?: unknown } | undefined)?.action !== 'unreact';
  if (USER_INTERACTION_KINDS.has(kind)) return true;
  if (kind !== 'optin') return false;
  const optin = event.optin as { type?: unknown; ref?: unknown; user_ref?: unknown } | undefined;
  return optin?.type === undefined && optin?.user_ref === undefined && typeof optin?.ref === 'string';
}

/** Kinds that form the `messaging_handovers` webhook field. */
export const HANDOVER_KINDS: ReadonlySet<EventKind> = new Set([
  'pass_thread_control',
  'take_thread_control',
  'request_thread_control',
  'release_thread_control',
  'app_roles',
]);

/**
 * The user of the thread: the sender for user events, the recipient for echoes (Meta reverses
 * them), empty for Page-level events such as `app_roles`.
 */
export function threadUserId(event: Record<string, unknown>, kind: EventKind): string {
  const sender = event.sender as { id?: unknown } | undefined;
  const recipient = event.recipient as { id?: unknown } | undefined;
  const id = kind === 'echo' ? recipient?.id : kind === 'app_roles' ? undefined : sender?.id;
  return id === undefined || id === null ? '' : String(id);
}
