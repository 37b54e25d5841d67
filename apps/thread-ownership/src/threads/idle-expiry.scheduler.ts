import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PeriodicTask } from '@app/platform';
import { OwnershipService } from './ownership.service.js';

/**
 * Returns lapsed threads to idle on a timer. Correctness does not depend on it: routing and
 * sending check the expiry themselves; the sweep makes sure the previous owner is told on time.
 */
@Injectable()
export class IdleExpiryScheduler extends PeriodicTask<number> {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly config: ConfigService,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.get<number>('OWNERSHIP_SWEEP_INTERVAL_MS') ?? 30_000;
  }

  /** Returns how many threads lapsed. */
  sweep(): Promise<number> {
    return this.runOnce();
  }

  protected runPass(): Promise<number> {
    return this.ownership.expireIdle();
  }
}
