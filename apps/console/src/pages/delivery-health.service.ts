import { Injectable } from '@nestjs/common';
import { streamName } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';
import { ThreadOwnershipClient } from '../upstream/thread-ownership.client.js';

/** What the console measures itself: the bot's durable consumer on the BOTS stream (`bot-<appId>`). */
export interface ConsumerHealth {
  exists: boolean;
  /** Deliveries not yet handed to the bot. */
  pending: number;
  /** Handed over, not yet acknowledged. */
  unacked: number;
  redelivered: number;
  /** A bot replica is pulling right now (an open pull request). */
  pulling: boolean;
  lastActiveAt: string | null;
}

export interface DeliveryHealth {
  consumer: ConsumerHealth | null;
  /** thread-ownership's own report (issue 6), when it offers one. */
  reported?: Record<string, unknown>;
}

@Injectable()
export class DeliveryHealthService {
  constructor(
    private readonly nats: NatsConnectionService,
    private readonly threadOwnership: ThreadOwnershipClient,
  ) {}

  async forApp(appId: string): Promise<DeliveryHealth> {
    const [consumer, reported] = await Promise.all([this.consumer(appId), this.threadOwnership.appHealth(appId)]);
    return reported ? { consumer, reported } : { consumer };
  }

  /** null: JetStream could not be asked. */
  private async consumer(appId: string): Promise<ConsumerHealth | null> {
    try {
      const info = await this.nats.jsm.consumers.info(streamName(this.nats.options.prefix, 'BOTS'), `bot-${appId}`);
      return {
        exists: true,
        pending: info.num_pending,
        unacked: info.num_ack_pending,
        redelivered: info.num_redelivered,
        pulling: info.num_waiting > 0,
        lastActiveAt: isoOf(info.delivered?.last_active),
      };
    } catch (error) {
      if (/not found/i.test((error as Error).message)) return { exists: false, pending: 0, unacked: 0, redelivered: 0, pulling: false, lastActiveAt: null };
      return null;
    }
  }
}

/** NATS 2.9 sends `last_active` as an ISO time, although the client types it as nanoseconds. */
function isoOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) || at.getTime() <= 0 ? null : at.toISOString();
}
