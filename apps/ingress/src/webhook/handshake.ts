import { safeEqual } from '@app/platform';

/** The query of Meta's verification GET (messenger-platform.md §1.1); repeated keys arrive as arrays. */
export type HandshakeQuery = Record<string, string | string[] | undefined>;

/** Meta sends an integer; anything long or odd is not Meta and is not echoed back. */
const CHALLENGE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * The challenge to echo when the request is Meta's subscription handshake with our verify
 * token, otherwise undefined (→ 403). The token comparison is constant-time.
 */
export function acceptHandshake(query: HandshakeQuery, verifyToken: string): string | undefined {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return undefined;
  if (!safeEqual(token, verifyToken)) return undefined;
  return CHALLENGE.test(challenge) ? challenge : undefined;
}
