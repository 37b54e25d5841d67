import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

export interface Session {
  /** Random id of this login (lets logs tell sessions apart without revealing the cookie). */
  id: string;
  expiresAt: number;
}

/**
 * Signed session tokens for the console's cookie: `v1.<expiresAt>.<id>.<hmac>` with
 * HMAC-SHA256 over everything before the signature. Stateless: nothing is stored, and a
 * token cannot be forged or extended without the secret.
 */
export class SessionSigner {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 32) throw new Error('the session secret must be at least 32 characters');
    this.key = createHash('sha256').update(`console-session:${secret}`).digest();
  }

  issue(): string {
    const body = `${VERSION}.${this.now() + this.ttlMs}.${randomBytes(16).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The session a token proves, or null (malformed, forged, or expired). */
  verify(token: string | undefined | null): Session | null {
    if (!token) return null;
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return null;
    const [, expires, id, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${VERSION}.${expires}.${id}`));
    const presented = Buffer.from(signature);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
    const expiresAt = Number(expires);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= this.now()) return null;
    return { id, expiresAt };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/**
 * Constant-time password check: both sides are hashed to the same length first, so neither the
 * position of the first difference nor the length of the password shows in the timing.
 */
export function passwordMatches(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
