import { describe, expect, it } from 'vitest';
import { passwordMatches, SessionSigner } from './session-signer.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('SessionSigner', () => {
  const clock = (start: number) => {
    let now = start;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  };

  it('verifies a token it issued, until it expires', () => {
    const time = clock(1_700_000_000_000);
    const sut = new SessionSigner(SECRET, 60_000, time.now);
    const token = sut.issue();
    expect(sut.verify(token)).toMatchObject({ expiresAt: 1_700_000_060_000 });
    time.advance(59_999);
    expect(sut.verify(token)).not.toBeNull();
    time.advance(1);
    expect(sut.verify(token)).toBeNull();
  });

  it('gives every login its own id', () => {
    const sut = new SessionSigner(SECRET, 60_000);
    expect(sut.verify(sut.issue())?.id).not.toBe(sut.verify(sut.issue())?.id);
  });

  it('refuses a token signed with another secret', () => {
    const other = new SessionSigner(`${SECRET}-other`, 60_000);
    expect(new SessionSigner(SECRET, 60_000).verify(other.issue())).toBeNull();
  });

  it('refuses a token whose expiry was pushed forward', () => {
    const sut = new SessionSigner(SECRET, 60_000);
    const [version, expires, id, signature] = sut.issue().split('.');
    const extended = [version, String(Number(expires) + 86_400_000), id, signature].join('.');
    expect(sut.verify(extended)).toBeNull();
  });

  it('refuses a tampered signature, garbage and nothing', () => {
    const sut = new SessionSigner(SECRET, 60_000);
    const token = sut.issue();
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of [flipped, `${token}x`, 'v1.1.2', 'v2.1.2.3', '', undefined, null, 'a.b.c.d']) {
      expect(sut.verify(bad)).toBeNull();
    }
  });

  it('refuses a short secret at construction', () => {
    expect(() => new SessionSigner('short', 60_000)).toThrow(/at least 32/);
  });
});

describe('passwordMatches', () => {
  it('accepts only the exact password', () => {
    expect(passwordMatches('correct horse battery', 'correct horse battery')).toBe(true);
    expect(passwordMatches('correct horse batter', 'correct horse battery')).toBe(false);
    expect(passwordMatches('correct horse battery!', 'correct horse battery')).toBe(false);
    expect(passwordMatches('', 'correct horse battery')).toBe(false);
    expect(passwordMatches('Correct horse battery', 'correct horse battery')).toBe(false);
  });
});
