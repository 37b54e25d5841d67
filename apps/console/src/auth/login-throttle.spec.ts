import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('blocks an address after too many failures, until the window has passed', () => {
    let now = 0;
    const sut = new LoginThrottle(3, 1000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(sut.isBlocked('1.2.3.4')).toBe(false);
      sut.recordFailure('1.2.3.4');
    }
    expect(sut.isBlocked('1.2.3.4')).toBe(true);
    expect(sut.isBlocked('5.6.7.8')).toBe(false);
    now = 1001;
    expect(sut.isBlocked('1.2.3.4')).toBe(false);
  });

  it('forgets failures after a successful login', () => {
    const sut = new LoginThrottle(2, 1000, () => 0);
    sut.recordFailure('a');
    sut.recordSuccess('a');
    sut.recordFailure('a');
    expect(sut.isBlocked('a')).toBe(false);
  });
});
