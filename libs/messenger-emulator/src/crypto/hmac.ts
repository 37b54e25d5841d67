import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lowercase hex HMAC-SHA256, the form Meta uses for both webhook signatures and appsecret_proof. */
export function hmacSha256Hex(key: string, data: string | Uint8Array): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/**
 * The `X-Hub-Signature-256` header value for a webhook body. Strings are hashed as UTF-8, which is
 * what `fetch` sends, so sign the exact string (or bytes) you post.
 */
export function signBody(body: string | Uint8Array, appSecret: string): string {
  return `sha256=${hmacSha256Hex(appSecret, body)}`;
}

/** `appsecret_proof = hex(HMAC-SHA256(key = app secret, msg = access token))` (messenger-platform.md §6.5). */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return hmacSha256Hex(appSecret, accessToken);
}

/** Constant-time string comparison, so the emulator models what a careful server does. */
export function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
