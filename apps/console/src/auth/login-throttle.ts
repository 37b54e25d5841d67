/**
 * Slows down password guessing: after `maxFailures` wrong passwords from one address within
 * `windowMs`, that address is refused until the window has passed. In memory, per replica:
 * enough to make guessing a long password pointless.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  isBlocked(address: string): boolean {
    return this.recent(clientKey(address)).length >= this.maxFailures;
  }

  recordFailure(address: string): void {
    const key = clientKey(address);
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.prune();
  }

  recordSuccess(address: string): void {
    this.failures.delete(clientKey(address));
  }

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const address of [...this.failures.keys()]) if (this.recent(address).length === 0) this.failures.delete(address);
  }
}

/**
 * Whom a failure counts against: an IPv4 address, or an IPv6 address's /64 (one subscriber
 * usually holds a whole /64, so rotating addresses inside it must not reset the count).
 */
export function clientKey(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (v4 || !address.includes(':')) return v4 ?? address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
