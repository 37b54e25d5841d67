import { Injectable } from '@nestjs/common';
import { Clock, PeriodicTask } from '@app/platform';
import { NotificationsSettings } from '../../config/settings.js';
import { tokensGauge } from '../../core/metrics.js';
import { TOKEN_STATES } from '../otn-token.entity.js';
import { TokensRepository } from '../tokens.repository.js';

/**
 * Marks expired tokens and refreshes the token gauge. Housekeeping only: the notify query itself
 * filters on expires_at, so an expired token is never used even if a sweep is late.
 */
@Injectable()
export class ExpirySweep extends PeriodicTask<number> {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.settings.sweepIntervalMs;
  }

  /** Returns how many tokens this pass expired. Callable from tests with a ManualClock. */
  sweep(): Promise<number> {
    return this.runOnce();
  }

  protected async runPass(): Promise<number> {
    const expired = await this.tokens.expireDue(this.clock.now());
    const counts = await this.tokens.countByState();
    for (const state of TOKEN_STATES) tokensGauge.set({ state }, counts.get(state) ?? 0);
    if (expired > 0) this.logger.log({ expired }, 'expired one-time notification tokens');
    return expired;
  }
}
