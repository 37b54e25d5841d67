import { describe, expect, it } from 'vitest';
import { acceptHandshake } from './handshake.js';

const token = 'my-verify-token';
const valid = { 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' };

describe('acceptHandshake', () => {
  it('echoes the challenge for a subscribe request with our token', () => {
    expect(acceptHandshake(valid, token)).toBe('1158201444');
  });

  it.each([
    ['a wrong token', { ...valid, 'hub.verify_token': 'nope' }],
    ['a token that is only a prefix', { ...valid, 'hub.verify_token': token.slice(0, -1) }],
    ['another mode', { ...valid, 'hub.mode': 'unsubscribe' }],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': token }],
    ['a repeated token', { ...valid, 'hub.verify_token': [token, token] }],
    ['a challenge that is not a plain token', { ...valid, 'hub.challenge': '<script>alert(1)</script>' }],
    ['an over-long challenge', { ...valid, 'hub.challenge': '1'.repeat(257) }],
  ])('refuses %s', (_case, query) => {
    expect(acceptHandshake(query, token)).toBeUndefined();
  });
});
