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
    return this.recent(address).length >= this.maxFailures;
  }

  recordFailure(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.prune();
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const address of [...this.failures.keys()]) if (this.recent(address).length === 0) this.failures.delete(address);
  }
}
