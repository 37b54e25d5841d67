import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JetStreamPublisher } from '@app/messaging';
import { Clock } from '@app/platform';
import type { OutboxMessage } from '../threads/threads.repository.js';
import { OutboxRepository } from './outbox.repository.js';

/** Publishes outbox rows right after their transaction commits, and relays any a crash left behind. */
@Injectable()
export class OutboxPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxPublisher.name);
  private timer?: NodeJS.Timeout;
  private relaying = false;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly publisher: JetStreamPublisher,
    @Inject(Clock) private readonly clock: Clock,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.get<number>('OUTBOX_RELAY_INTERVAL_MS') ?? 1000;
    this.timer = setInterval(() => void this.relay(), interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Best effort: a failure here is repaired by the relay, never lost (the rows are committed). */
  async publishNow(messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.publishAll(messages);
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox publish failed; the relay will retry');
    }
  }

  async relay(): Promise<void> {
    if (this.relaying) return;
    this.relaying = true;
    try {
      const stale = await this.repository.findStale(new Date(this.clock.now().getTime() - 2000), 500);
      await this.publishAll(stale.map((row) => ({ id: row.id, subject: row.subject, msgId: row.msgId, payload: row.payload })));
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay failed; will retry');
    } finally {
      this.relaying = false;
    }
  }

  /** In order, one at a time: a thread's handover events keep their order. */
  private async publishAll(messages: OutboxMessage[]): Promise<void> {
    const published: string[] = [];
    for (const m of messages) {
      await this.publisher.publish(m.subject, m.payload, { msgID: m.msgId, correlationId: m.payload.correlationId as string | undefined });
      if (m.id) published.push(m.id);
    }
    await this.repository.markPublished(published, this.clock.now());
  }
}
