/**
 * Pure builders of Messenger webhook bodies, shaped exactly as messenger-platform.md §1.2 / §1.6.
 * They only build objects: signing and posting is the UserSimulator's job.
 */

/** One object of `entry[].messaging[]` or `entry[].standby[]`. */
export interface MessengerWebhookEvent {
  sender?: { id: string };
  recipient: { id: string };
  timestamp: number;
  [kind: string]: unknown;
}

/** The thread and time of a user-originated event. */
export interface UserEventBase {
  pageId: string;
  psid: string;
  timestamp: number;
}

export interface WebhookEntryInput {
  pageId: string;
  time: number;
  messaging?: MessengerWebhookEvent[];
  standby?: MessengerWebhookEvent[];
}

export interface MessengerWebhookBody {
  object: 'page';
  entry: Array<{ id: string; time: number; messaging?: MessengerWebhookEvent[]; standby?: MessengerWebhookEvent[] }>;
}

export interface IncomingMessage {
  mid: string;
  text?: string;
  quick_reply?: { payload: string };
  reply_to?: { mid: string; is_self_reply?: boolean };
  attachments?: Array<{ type: string; payload?: Record<string, unknown> }>;
  [field: string]: unknown;
}

export type ReactionName = 'smile' | 'angry' | 'sad' | 'wow' | 'love' | 'like' | 'dislike' | 'other';

export interface ReactionDetails {
  mid: string;
  reaction?: ReactionName;
  emoji?: string;
  action?: 'react' | 'unreact';
}

/** User → Page events: sender is the PSID, recipient the Page. */
function userEvent(base: UserEventBase, kind: string, value: unknown): MessengerWebhookEvent {
  return { sender: { id: base.psid }, recipient: { id: base.pageId }, timestamp: base.timestamp, [kind]: value };
}

export function buildMessageEvent(base: UserEventBase, message: IncomingMessage): MessengerWebhookEvent {
  return userEvent(base, 'message', message);
}

export function buildTextMessageEvent(
  base: UserEventBase,
  mid: string,
  text: string,
  extra: Partial<IncomingMessage> = {},
): MessengerWebhookEvent {
  return buildMessageEvent(base, { mid, text, ...extra });
}

export function buildQuickReplyEvent(
  base: UserEventBase,
  mid: string,
  text: string,
  payload: string,
): MessengerWebhookEvent {
  return buildMessageEvent(base, { mid, text, quick_reply: { payload } });
}

export function buildPostbackEvent(
  base: UserEventBase,
  postback: { mid: string; title: string; payload?: string },
): MessengerWebhookEvent {
  return userEvent(base, 'postback', { ...postback });
}

export function buildReactionEvent(base: UserEventBase, details: ReactionDetails): MessengerWebhookEvent {
  const { mid, reaction = 'love', emoji = '\u2764\ufe0f', action = 'react' } = details;
  return userEvent(base, 'reaction', { reaction, emoji, action, mid });
}

export function buildReadEvent(base: UserEventBase, watermark: number): MessengerWebhookEvent {
  return userEvent(base, 'read', { watermark });
}

export function buildDeliveryEvent(base: UserEventBase, watermark: number, mids?: string[]): MessengerWebhookEvent {
  return userEvent(base, 'delivery', mids === undefined ? { watermark } : { mids, watermark });
}

/** `messaging_optins` for a One-Time Notification opt-in (§1.6, §3). */
export function buildOtnOptInEvent(base: UserEventBase, payload: string, token: string): MessengerWebhookEvent {
  return userEvent(base, 'optin', { type: 'one_time_notif_req', payload, one_time_notif_token: token });
}

/** `message_echoes`: the Page's own message, so sender and recipient are reversed. */
export function buildEchoEvent(
  base: UserEventBase,
  echo: { mid: string; appId: string | number; text?: string; metadata?: string },
): MessengerWebhookEvent {
  const message: Record<string, unknown> = { is_echo: true, app_id: echo.appId, mid: echo.mid };
  if (echo.metadata !== undefined) message.metadata = echo.metadata;
  if (echo.text !== undefined) message.text = echo.text;
  return { sender: { id: base.pageId }, recipient: { id: base.psid }, timestamp: base.timestamp, message };
}

export type HandoverKind = 'pass_thread_control' | 'take_thread_control' | 'request_thread_control';

/** `messaging_handovers` events (§2.6); `details` is the inner object exactly as Meta sends it. */
export function buildHandoverEvent(
  base: UserEventBase,
  kind: HandoverKind,
  details: Record<string, unknown>,
): MessengerWebhookEvent {
  return userEvent(base, kind, { ...details });
}

/** The POST body: one entry per input, `messaging` / `standby` only when given. */
export function buildWebhookBody(entries: WebhookEntryInput[]): MessengerWebhookBody {
  return {
    object: 'page',
    entry: entries.map(({ pageId, time, messaging, standby }) => ({
      id: pageId,
      time,
      ...(messaging === undefined ? {} : { messaging }),
      ...(standby === undefined ? {} : { standby }),
    })),
  };
}
