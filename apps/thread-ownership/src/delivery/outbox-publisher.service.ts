import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JetStreamPublisher } from '@app/messaging';
import { Clock } from '@app/platform';
import { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import type { OutboxMessage } from '../threads/threads.repository.js';
import { OutboxRepository } from './outbox.repository.js';

/**
 * How long "published" marks are collected before they go to the database together. Far below
 * the relay's 2 s: a row is not relayed again because its mark is still waiting.
 */
const MARK_DELAY_MS = 100;
/** Published rows are pruned every this many relay passes (a minute at the default interval), this many at a time. */
const PRUNE_EVERY_RELAYS = 60;
const PRUNE_BATCH = 5000;

/** Publishes outbox rows right after their transaction commits, and relays any a crash left behind. */
@Injectable()
export class OutboxPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxPublisher.name);
  private timer?: NodeJS.Timeout;
  private relaying = false;
  private relays = 0;
  private unmarked: string[] = [];
  private markTimer?: NodeJS.Timeout;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly publisher: JetStreamPublisher,
    @Inject(Clock) private readonly clock: Clock,
    private readonly settings: ThreadOwnershipSettings,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.settings.outbox.relayIntervalMs;
    this.timer = setInterval(() => void this.relay(), interval);
    this.timer.unref();
  }

  /** Marks still waiting go out while the database is still open (it closes in the shutdown hooks). */
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.markTimer);
    await this.markNow();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearTimeout(this.markTimer);
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
      if (++this.relays % PRUNE_EVERY_RELAYS === 0) await this.prune();
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay failed; will retry');
    } finally {
      this.relaying = false;
    }
  }

  /** Published rows only served this relay; the audit log keeps the history. Unpublished rows stay. */
  async prune(): Promise<number> {
    const retentionMs = this.settings.outbox.retentionMs;
    return this.repository.prunePublished(new Date(this.clock.now().getTime() - retentionMs), PRUNE_BATCH);
  }

  /**
   * All at once: the publisher sends in call order on the service's one NATS connection, so
   * JetStream stores a thread's handover events in order without waiting for each ack in turn.
   * The "published" marks are not waited for but collected (one statement per MARK_DELAY_MS
   * instead of one per operation): losing them only makes the relay publish the rows again, and
   * JetStream drops the repeats. A row whose publish failed stays unmarked, for the relay.
   */
  private async publishAll(messages: OutboxMessage[]): Promise<void> {
    const outcomes = await Promise.allSettled(
      messages.map((m) => this.publisher.publish(m.subject, m.payload, { msgID: m.msgId, correlationId: m.payload.correlationId as string | undefined })),
    );
    const published = messages.filter((m, i) => m.id !== undefined && outcomes[i]?.status === 'fulfilled').map((m) => m.id as string);
    this.markLater(published);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private markLater(ids: string[]): void {
    if (ids.length === 0) return;
    this.unmarked.push(...ids);
    this.markTimer ??= setTimeout(() => void this.markNow(), MARK_DELAY_MS);
  }

  private async markNow(): Promise<void> {
    const ids = this.unmarked;
    [this.unmarked, this.markTimer] = [[], undefined];
    if (ids.length === 0) return;
    try {
      await this.repository.markPublished(ids, this.clock.now());
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox rows not marked published; the relay will publish them again');
    }
  }
}
