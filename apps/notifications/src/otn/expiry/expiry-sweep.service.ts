import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@app/platform';
import { NotificationsSettings } from '../../config/settings.js';
import { tokensGauge } from '../../core/metrics.js';
import { TOKEN_STATES } from '../otn-token.entity.js';
import { TokensRepository } from '../tokens.repository.js';

/**
 * Marks expired tokens and refreshes the token gauge. Housekeeping only: the notify query itself
 * filters on expires_at, so an expired token is never used even if a sweep is late.
 */
@Injectable()
export class ExpirySweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpirySweep.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly tokens: TokensRepository,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep().catch((err: unknown) => this.logger.error({ err }, 'expiry sweep failed')), this.settings.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Returns how many tokens this pass expired. Callable from tests with a ManualClock. */
  sweep(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const expired = await this.tokens.expireDue(this.clock.now());
    const counts = await this.tokens.countByState();
    for (const state of TOKEN_STATES) tokensGauge.set({ state }, counts.get(state) ?? 0);
    if (expired > 0) this.logger.log({ expired }, 'expired one-time notification tokens');
    return expired;
  }
}
