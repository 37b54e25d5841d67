import { createHmac, randomInt } from 'node:crypto';

/**
 * Small factories for Meta webhook bodies (shapes from messenger-platform.md §1.2/§1.6), shared
 * by the ingress unit tests and e2e tests. Ids are numeric strings like Meta's.
 */
export type Event = Record<string, unknown>;

let sequence = 0;
/** A fresh numeric id (15–16 digits, like Meta's), unique within the process. */
export const numericId = (): string => `${randomInt(100_000, 999_999)}${String(++sequence).padStart(9, '0')}`;
export const newMid = (): string => `m_${numericId()}`;

export const userMessage = (pageId: string, psid: string, text = 'hello', timestamp = Date.now()): Event => ({
  sender: { id: psid },
  recipient: { id: pageId },
  timestamp,
  message: { mid: newMid(), text },
});

export const pageEcho = (pageId: string, psid: string, appId = '1517776481860111'): Event => ({
  sender: { id: pageId },
  recipient: { id: psid },
  timestamp: Date.now(),
  message: { is_echo: true, app_id: Number(appId), mid: newMid(), text: 'hi from the page' },
});

export const postback = (pageId: string, psid: string, payload = 'GET_STARTED'): Event => ({
  sender: { id: psid },
  recipient: { id: pageId },
  timestamp: Date.now(),
  postback: { mid: newMid(), title: 'Get Started', payload },
});

export const readReceipt = (pageId: string, psid: string, watermark = Date.now()): Event => ({
  sender: { id: psid },
  recipient: { id: pageId },
  timestamp: Date.now(),
  read: { watermark },
});

export const otnOptin = (pageId: string, psid: string, token: string): Event => ({
  sender: { id: psid },
  recipient: { id: pageId },
  timestamp: Date.now(),
  optin: { type: 'one_time_notif_req', payload: 'BACK_IN_STOCK', one_time_notif_token: token },
});

export const appRoles = (pageId: string): Event => ({
  recipient: { id: pageId },
  timestamp: Date.now(),
  app_roles: { '123456789': ['primary_receiver'] },
});

export interface EntryEvents {
  messaging?: Event[];
  standby?: Event[];
  time?: number;
}

export const entry = (pageId: string, events: EntryEvents): Record<string, unknown> => ({ id: pageId, time: events.time ?? Date.now(), ...events });

export const pageBody = (...entries: Array<Record<string, unknown>>) => ({ object: 'page', entry: entries });

export const signature256 = (payload: string | Uint8Array, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;

/** The exact bytes to POST and the headers Meta would send with them. */
export function signedRequest(body: unknown, secret: string): { payload: string; headers: Record<string, string> } {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return { payload, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature256(payload, secret) } };
}
