/** Encrypts one secret (TokenCipher.seal in production); the clear value must not survive it. */
export type SealSecret = (clear: string) => string;

export interface SealedEvent {
  event: Record<string, unknown>;
  sealed?: { oneTimeNotifToken: string };
}

const OTN_TOKEN_KEY = 'one_time_notif_token';
/**
 * Marketing Messages opt-ins (§1.6, §4) carry a token that lets the Page message the user on
 * a topic: a notification token like the OTN one, so never stored in clear. Nothing in the suite
 * sends with it yet; it stays in place, sealed, for whoever adds that.
 */
const MARKETING_TOKEN_KEY = 'notification_messages_token';
const TOKEN_KEYS = new Set([OTN_TOKEN_KEY, MARKETING_TOKEN_KEY]);

/**
 * Takes a One-Time Notification token out of an event's `optin` and returns it sealed, so the
 * stored event (and every bot that reads it) never holds it in clear; a Marketing Messages token
 * is sealed where it is. Whatever the event was classified as: one that also carried a `message`
 * would otherwise keep its token in clear. Other events pass through untouched (same object).
 */
export function sealOptinTokens(event: Record<string, unknown>, seal: SealSecret): SealedEvent {
  const optin = event.optin;
  if (!isRecord(optin)) return { event };
  const marketing = typeof optin[MARKETING_TOKEN_KEY] === 'string' ? { [MARKETING_TOKEN_KEY]: seal(optin[MARKETING_TOKEN_KEY] as string) } : {};
  if (typeof optin[OTN_TOKEN_KEY] !== 'string') return MARKETING_TOKEN_KEY in marketing ? { event: { ...event, optin: { ...optin, ...marketing } } } : { event };
  const { [OTN_TOKEN_KEY]: token, ...optinWithoutToken } = optin;
  return { event: { ...event, optin: { ...optinWithoutToken, ...marketing } }, sealed: { oneTimeNotifToken: seal(token as string) } };
}

/**
 * For bodies kept whole (unroutable): replaces every OTN and Marketing Messages token, at any
 * depth, by its sealed form. Their shape is unknown, so we cannot move the token to a known place.
 */
export function sealTokensDeep(value: unknown, seal: SealSecret): unknown {
  if (Array.isArray(value)) return value.map((item) => sealTokensDeep(item, seal));
  if (!isRecord(value)) return value;
  // fromEntries defines own properties, so a `__proto__` key stays data and never sets a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, TOKEN_KEYS.has(key) && typeof item === 'string' ? seal(item) : sealTokensDeep(item, seal)]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
