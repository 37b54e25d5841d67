import { describe, expect, it } from 'vitest';
import { clientKey, LoginThrottle } from './login-throttle.js';

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

  it('counts an IPv6 client by its /64, and an IPv4-mapped address as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:fffe')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::7')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
    const sut = new LoginThrottle(2, 1000, () => 0);
    sut.recordFailure('2001:db8:1:2::a');
    sut.recordFailure('2001:db8:1:2::b'); // another address of the same /64
    expect(sut.isBlocked('2001:db8:1:2::c')).toBe(true);
    expect(sut.isBlocked('2001:db8:1:3::a')).toBe(false);
  });
});
