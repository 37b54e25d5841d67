import { Injectable } from '@nestjs/common';
import { PeriodicTask } from '@app/platform';
import { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import { OwnershipService } from './ownership.service.js';

/**
 * Returns lapsed threads to idle on a timer. Correctness does not depend on it: routing and
 * sending check the expiry themselves; the sweep makes sure the previous owner is told on time.
 */
@Injectable()
export class IdleExpiryScheduler extends PeriodicTask<number> {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly settings: ThreadOwnershipSettings,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.settings.ownership.sweepIntervalMs;
  }

  /** Returns how many threads lapsed. */
  sweep(): Promise<number> {
    return this.runOnce();
  }

  protected runPass(): Promise<number> {
    return this.ownership.expireIdle();
  }
}
