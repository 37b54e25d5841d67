import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OwnershipService } from './ownership.service.js';

/**
 * Returns lapsed threads to idle on a timer. Correctness does not depend on it: routing and
 * sending check the expiry themselves; the sweep makes sure the previous owner is told on time.
 */
@Injectable()
export class IdleExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdleExpiryScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ownership: OwnershipService,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.get<number>('OWNERSHIP_SWEEP_INTERVAL_MS') ?? 30_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      return await this.ownership.expireIdle();
    } catch (error) {
      this.logger.warn({ err: error }, 'idle expiry sweep failed; next run retries');
      return 0;
    }
  }
}
