import { idempotencyKeySchema } from '@app/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replyKey } from './reply-key.js';

describe('replyKey', () => {
  it('is the same for the same event and ordinal, on every delivery (a known answer: keys already sent must not change)', () => {
    // SHA-256 of "message:m_abc:sales\n1", base64url without padding (`printf 'message:m_abc:sales\n1' | openssl sha256 -binary | basenc --base64url`, less the final =).
    expect(replyKey('message:m_abc:sales', 1)).toBe('reply.eziL_3pVoC2-REoLl3IPl3jEaIFNxv3nXhMbhfuiiO0');
  });

  it('differs between replies of one event and between events', () => {
    const keys = new Set([replyKey('message:m_abc:sales', 1), replyKey('message:m_abc:sales', 2), replyKey('message:m_abd:sales', 1), replyKey('message:m_abc:support', 1)]);
    expect(keys.size).toBe(4);
  });

  it('is a valid idempotency key for any event key, however long', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.integer({ min: 1, max: 1000 }), (eventKey, ordinal) => {
        expect(idempotencyKeySchema.safeParse(replyKey(eventKey, ordinal)).success).toBe(true);
      }),
    );
  });
});
