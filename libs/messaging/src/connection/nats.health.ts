import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthContributor } from '@app/platform';
import { NatsConnectionService } from './nats-connection.service.js';

/** NATS is healthy when the connection is open and JetStream answers within a second. */
@Injectable()
export class NatsHealth implements HealthContributor {
  constructor(
    private readonly nats: NatsConnectionService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check() {
    const indicator = this.indicators.check('nats');
    try {
      if (this.nats.nc.isClosed()) return indicator.down({ message: 'connection closed' });
      await Promise.race([this.nats.jsm.getAccountInfo(), rejectAfter(1000)]);
      return indicator.up({ server: this.nats.nc.getServer() });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}

const rejectAfter = (ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref());
