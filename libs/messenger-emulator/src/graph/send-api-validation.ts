import { messageTagSchema, messagingTypeSchema } from '@app/contracts';
import { invalidParameter } from './graph-errors.js';
import type { GraphParams } from './graph-request.js';

/** Meta: text is UTF-8 and at most 2000 characters (§5.1). */
export const MAX_TEXT_LENGTH = 2000;
export const MAX_QUICK_REPLIES = 13;
export const MAX_MESSAGE_METADATA_LENGTH = 1000;
const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];

/** Exactly one of these addresses the user. */
export type SendRecipient =
  | { kind: 'id'; psid: string }
  | { kind: 'one_time_notif_token'; token: string }
  | { kind: 'user_ref'; userRef: string };

export interface ThreadControlRequest {
  controlType: 'pass' | 'release';
  appId?: string;
}

export interface ValidSendRequest {
  recipient: SendRecipient;
  content: 'message' | 'sender_action';
  messagingType?: string;
  tag?: string;
  threadControl?: ThreadControlRequest;
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function readRecipient(params: GraphParams): SendRecipient {
  const recipient = params.recipient;
  if (recipient === undefined) throw invalidParameter('The parameter recipient is required');
  if (!isObject(recipient)) throw invalidParameter('param recipient must be a JSON object');
  const id = recipient.id;
  if (nonEmptyString(id) || typeof id === 'number') return { kind: 'id', psid: String(id) };
  const otnToken = recipient.one_time_notif_token;
  if (nonEmptyString(otnToken)) return { kind: 'one_time_notif_token', token: otnToken };
  if (nonEmptyString(recipient.user_ref)) return { kind: 'user_ref', userRef: recipient.user_ref };
  throw invalidParameter('param recipient must have one of id, one_time_notif_token or user_ref');
}

function checkMessage(message: unknown): void {
  if (!isObject(message)) throw invalidParameter('param message must be a JSON object');
  const { text, attachment, attachments, quick_replies: quickReplies, metadata } = message;
  if (text === undefined && attachment === undefined && attachments === undefined) {
    throw invalidParameter('param message must be non-empty: it needs text, attachment or attachments');
  }
  if (text !== undefined && typeof text !== 'string') throw invalidParameter('param message[text] must be a string');
  // Counted in UTF-16 units, like the suite's own contract (`z.string().max(2000)`).
  if (typeof text === 'string' && text.length > MAX_TEXT_LENGTH) {
    throw invalidParameter(`Length of param message[text] must be less than or equal to ${MAX_TEXT_LENGTH}`);
  }
  if (Array.isArray(quickReplies) && quickReplies.length > MAX_QUICK_REPLIES) {
    throw invalidParameter(`param message[quick_replies] must have at most ${MAX_QUICK_REPLIES} elements`);
  }
  if (typeof metadata === 'string' && metadata.length >= MAX_MESSAGE_METADATA_LENGTH) {
    throw invalidParameter(`Length of param message[metadata] must be less than ${MAX_MESSAGE_METADATA_LENGTH}`);
  }
}

function readContent(params: GraphParams): ValidSendRequest['content'] {
  const hasMessage = params.message !== undefined;
  const senderAction = params.sender_action;
  if (hasMessage && senderAction !== undefined) throw invalidParameter('Only one of message or sender_action may be set');
  if (senderAction !== undefined) {
    if (typeof senderAction !== 'string' || !SENDER_ACTIONS.includes(senderAction)) {
      throw invalidParameter(`param sender_action must be one of {${SENDER_ACTIONS.join(', ')}}`);
    }
    return 'sender_action';
  }
  if (!hasMessage) throw invalidParameter('Must send either message or sender_action');
  checkMessage(params.message);
  return 'message';
}

function readMessagingType(params: GraphParams): { messagingType?: string; tag?: string } {
  const messagingType = params.messaging_type;
  const tag = params.tag;
  if (messagingType !== undefined && !messagingTypeSchema.safeParse(messagingType).success) {
    const allowed = messagingTypeSchema.options.join(', ');
    throw invalidParameter(`param messaging_type must be one of {${allowed}} - got "${String(messagingType)}"`);
  }
  if (messagingType === 'MESSAGE_TAG' && tag === undefined) {
    throw invalidParameter('param tag is required when messaging_type is MESSAGE_TAG');
  }
  if (tag !== undefined && messagingType !== 'MESSAGE_TAG') {
    throw invalidParameter('param tag is only allowed with messaging_type MESSAGE_TAG');
  }
  // Since 27 Apr 2026 Meta answers the retired tags with error 100 (§5.2).
  if (tag !== undefined && !messageTagSchema.safeParse(tag).success) {
    throw invalidParameter(`param tag must be one of {${messageTagSchema.options.join(', ')}} - got "${String(tag)}"`);
  }
  return { messagingType: messagingType as string | undefined, tag: tag as string | undefined };
}

function readThreadControl(params: GraphParams): ThreadControlRequest | undefined {
  const control = params.thread_control;
  if (control === undefined) return undefined;
  if (!isObject(control)) throw invalidParameter('param thread_control must be a JSON object');
  // Meta: control_type omitted means release (§2.4).
  const controlType = control.control_type ?? 'release';
  if (controlType !== 'pass' && controlType !== 'release') {
    throw invalidParameter('param thread_control[control_type] must be one of {pass, release}');
  }
  const appId = control.app_id;
  return { controlType, appId: appId === undefined || appId === null ? undefined : String(appId) };
}

/** Checks a Send API request the way Graph does at a basic level; throws Meta's code 100 error. */
export function validateSendRequest(params: GraphParams): ValidSendRequest {
  const recipient = readRecipient(params);
  const content = readContent(params);
  const { messagingType, tag } = readMessagingType(params);
  // One-time notifications are their own permission: Meta does not combine them with tags.
  if (recipient.kind === 'one_time_notif_token' && tag !== undefined) {
    throw invalidParameter('A message sent with a one_time_notif_token cannot have a tag');
  }
  return { recipient, content, messagingType, tag, threadControl: readThreadControl(params) };
}
