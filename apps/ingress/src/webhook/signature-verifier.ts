import { createHmac } from 'node:crypto';
import { safeEqual } from '@app/platform';

/** The signature headers Meta may send; either can be absent (or repeated, hence string[]). */
export interface SignatureHeaders {
  sha256?: string | string[];
  sha1?: string | string[];
}

export interface SignaturePolicy {
  /** Accept the legacy `X-Hub-Signature: sha1=…` when no SHA-256 header is present. */
  acceptSha1: boolean;
}

/** `sha1_only`: only the legacy SHA-1 header came, and it is not accepted (ACCEPT_SHA1_SIGNATURE): the log says so. */
export type SignatureFailure = 'missing' | 'sha1_only' | 'malformed' | 'mismatch';
export type SignatureCheck = { valid: true; algorithm: 'sha256' | 'sha1' } | { valid: false; reason: SignatureFailure };

const FORMATS = {
  sha256: /^sha256=([0-9a-fA-F]{64})$/,
  sha1: /^sha1=([0-9a-fA-F]{40})$/,
} as const;

/**
 * Checks Meta's webhook signature: HMAC of the exact bytes received, keyed with the app secret
 * (messenger-platform.md §1.3). SHA-256 always wins when present, so a forged SHA-1 header can
 * never rescue a wrong SHA-256 one. The comparison is constant-time.
 */
export function verifySignature(raw: Uint8Array, headers: SignatureHeaders, secret: string, policy: SignaturePolicy): SignatureCheck {
  if (headers.sha256 !== undefined) return check('sha256', raw, headers.sha256, secret);
  if (headers.sha1 !== undefined) return policy.acceptSha1 ? check('sha1', raw, headers.sha1, secret) : { valid: false, reason: 'sha1_only' };
  return { valid: false, reason: 'missing' };
}

function check(algorithm: 'sha256' | 'sha1', raw: Uint8Array, header: string | string[], secret: string): SignatureCheck {
  // The format check only looks at what the caller sent, so it leaks nothing about the secret.
  const provided = typeof header === 'string' ? FORMATS[algorithm].exec(header.trim())?.[1] : undefined;
  if (provided === undefined) return { valid: false, reason: 'malformed' };
  const expected = createHmac(algorithm, secret).update(raw).digest('hex');
  return safeEqual(provided.toLowerCase(), expected) ? { valid: true, algorithm } : { valid: false, reason: 'mismatch' };
}

/** The header value Meta would send for `raw` (used by tests, tools and the benchmark). */
export function signatureFor(raw: Uint8Array | string, secret: string, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(raw).digest('hex')}`;
}
