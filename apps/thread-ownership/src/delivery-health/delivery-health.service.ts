import { Inject, Injectable, Logger } from '@nestjs/common';
import { botEventDeliveredSchema, streamName, type BotDeliveryReport } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';
import { Clock } from '@app/platform';
import { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import type { BotHealthState } from './bot-health.entity.js';
import type { DeliveryErrorKind } from './delivery-error.entity.js';
import { DeliveryHealthRepository, type Counters } from './delivery-health.repository.js';
import { timedOutDeliveries, type DeliverySignal } from './delivery-signals.js';

interface EventRef {
  idempotencyKey: string | null;
  pageId: string | null;
  psid: string | null;
}

const EVENT_CACHE = 2000;

/**
 * Turns what the NATS server reports about bot deliveries into each app's health: counters,
 * recent errors and the failing → unhealthy timeline. The happy path (an ack) costs no database
 * write: counts are flushed on each poll, and only a failing app is written to at once.
 */
@Injectable()
export class DeliveryHealthService {
  private readonly logger = new Logger(DeliveryHealthService.name);
  private readonly pending = new Map<string, { counts: Partial<Counters>; lastSuccessAt: Date | null }>();
  private readonly states = new Map<string, BotHealthState>();
  private readonly events = new Map<number, EventRef>();

  constructor(
    private readonly repository: DeliveryHealthRepository,
    private readonly nats: NatsConnectionService,
    @Inject(Clock) private readonly clock: Clock,
    private readonly settings: ThreadOwnershipSettings,
  ) {}

  get unhealthyAfterMs(): number {
    return this.settings.deliveryHealth.unhealthyAfterMs;
  }

  /**
   * The common case, handled at once: a first-delivery ack of an app that is not failing only
   * counts. False: not that case, give it to onSignal (in order).
   */
  countPlainAck(signal: DeliverySignal): boolean {
    if (signal.kind !== 'ack' || signal.deliveries !== 1 || this.states.get(signal.appId) === 'failing') return false;
    this.count(signal.appId, 'acks');
    this.pendingFor(signal.appId).lastSuccessAt = this.clock.now();
    return true;
  }

  /** An ack, nak or max-deliveries advisory from the server. */
  async onSignal(signal: DeliverySignal): Promise<void> {
    const { appId, streamSeq, deliveries } = signal;
    if (deliveries > 1 && signal.kind !== 'max_deliveries') this.count(appId, 'redeliveries');
    if (signal.kind === 'ack') {
      this.count(appId, 'acks');
      this.pendingFor(appId).lastSuccessAt = this.clock.now();
      if (deliveries > 1) await this.recordTimeouts(appId, streamSeq, deliveries - 1);
      if (this.states.get(appId) === 'failing') {
        await this.repository.markSucceeded(appId, this.clock.now());
        this.states.set(appId, 'healthy');
      }
      return;
    }
    if (signal.kind === 'nak') {
      this.count(appId, 'naks');
      await this.recordError(appId, 'nak', streamSeq, deliveries, { failing: true });
      await this.recordTimeouts(appId, streamSeq, deliveries - 1);
      return;
    }
    this.count(appId, 'maxDeliveries');
    await this.recordError(appId, 'max_deliveries', streamSeq, deliveries, { reason: `given up after ${deliveries} deliveries`, failing: true });
    await this.recordTimeouts(appId, streamSeq, deliveries);
  }

  /**
   * The bot's own account: the reason of a nak (the server's advisory of the same nak is what
   * counts), a term or a late ack (neither of which the server advises on). A bot can only
   * report on itself (the subject is checked), so at worst it makes itself look worse.
   */
  async onReport(report: BotDeliveryReport): Promise<void> {
    const { appId, streamSeq, deliveryCount, reason, idempotencyKey: key } = report;
    if (report.outcome === 'nak') return this.recordError(appId, 'nak', streamSeq, deliveryCount, { reason, key, failing: false });
    if (report.outcome === 'term') {
      this.count(appId, 'terminated');
      return this.recordError(appId, 'terminated', streamSeq, deliveryCount, { reason, key, failing: true });
    }
    await this.recordTimeout(appId, streamSeq, deliveryCount, reason, key);
  }

  async onStalled(appId: string, firstUnacked: number, reason: string): Promise<void> {
    await this.recordError(appId, 'stalled', firstUnacked, 0, { reason, failing: true });
  }

  /** Writes this replica's counts and refreshes its view of every app's state. */
  async flush(): Promise<void> {
    const batch = [...this.pending.entries()];
    this.pending.clear();
    for (const [appId, { counts, lastSuccessAt }] of batch) await this.repository.flush(appId, counts, lastSuccessAt);
    for (const row of await this.repository.findAll()) this.states.set(row.appId, row.state);
  }

  /** Apps failing for BOT_UNHEALTHY_AFTER_MS without a success become unhealthy; returns those (each once). */
  async evaluate(): Promise<string[]> {
    const now = this.clock.now();
    const unhealthy = await this.repository.markUnhealthy(new Date(now.getTime() - this.unhealthyAfterMs), now);
    for (const appId of unhealthy) this.states.set(appId, 'unhealthy');
    return unhealthy;
  }

  async prune(): Promise<void> {
    const retention = this.settings.deliveryHealth.errorsRetentionMs;
    await this.repository.pruneErrors(new Date(this.clock.now().getTime() - retention));
  }

  async unhealthyApps(): Promise<string[]> {
    return [...this.states.entries()].filter(([, state]) => state === 'unhealthy').map(([appId]) => appId);
  }

  setState(appId: string, state: BotHealthState): void {
    this.states.set(appId, state);
  }

  private async recordError(
    appId: string,
    kind: DeliveryErrorKind,
    streamSeq: number,
    deliveryCount: number,
    options: { reason?: string; key?: string; failing: boolean },
  ): Promise<void> {
    const ref = await this.eventRef(streamSeq);
    const at = this.clock.now();
    const idempotencyKey = options.key ?? ref.idempotencyKey;
    await this.repository.recordError({ appId, kind, streamSeq, deliveryCount, ...ref, idempotencyKey, reason: options.reason ?? null, at });
    if (options.failing) await this.fail(appId, at, { kind, streamSeq, deliveryCount });
  }

  private async fail(appId: string, at: Date, what: Record<string, unknown>): Promise<void> {
    const state = await this.repository.markFailing(appId, at);
    if (this.states.get(appId) !== state) this.logger.warn({ appId, ...what }, `bot app ${appId} is ${state}`);
    this.states.set(appId, state);
  }

  /** Deliveries of the event up to `upTo` that no nak or term explains ran out of time. */
  private async recordTimeouts(appId: string, streamSeq: number, upTo: number): Promise<void> {
    if (upTo < 1) return;
    const explained = await this.repository.explainedDeliveries(appId, streamSeq);
    for (const d of timedOutDeliveries(upTo, explained)) await this.recordTimeout(appId, streamSeq, d, 'no ack or nak within the ack wait: redelivered');
  }

  private async recordTimeout(appId: string, streamSeq: number, deliveryCount: number, reason: string, key?: string): Promise<void> {
    const ref = await this.eventRef(streamSeq);
    const at = this.clock.now();
    const fresh = await this.repository.recordError({ appId, kind: 'timeout', streamSeq, deliveryCount, ...ref, idempotencyKey: key ?? ref.idempotencyKey, reason, at });
    if (!fresh) return; // the bot's late report and the server's redelivery describe the same timeout
    this.count(appId, 'timeouts');
    await this.fail(appId, at, { kind: 'timeout', streamSeq, deliveryCount });
  }

  /** Which event a stream sequence is (for the error list); cached, since one event fails repeatedly. */
  private async eventRef(streamSeq: number): Promise<EventRef> {
    const hit = this.events.get(streamSeq);
    if (hit) return hit;
    let ref: EventRef = { idempotencyKey: null, pageId: null, psid: null };
    try {
      const message = await this.nats.jsm.streams.getMessage(streamName(this.nats.options.prefix, 'BOTS'), { seq: streamSeq });
      const parsed = botEventDeliveredSchema.safeParse(message?.json());
      if (parsed.success) ref = { idempotencyKey: parsed.data.idempotencyKey, pageId: parsed.data.pageId, psid: parsed.data.psid };
    } catch {
      // gone (max age) or unreadable: the error is still worth listing
    }
    if (this.events.size >= EVENT_CACHE) this.events.delete(this.events.keys().next().value as number);
    this.events.set(streamSeq, ref);
    return ref;
  }

  private pendingFor(appId: string) {
    let entry = this.pending.get(appId);
    if (!entry) this.pending.set(appId, (entry = { counts: {}, lastSuccessAt: null }));
    return entry;
  }

  private count(appId: string, counter: keyof Counters): void {
    const counts = this.pendingFor(appId).counts;
    counts[counter] = (counts[counter] ?? 0) + 1;
  }
}
