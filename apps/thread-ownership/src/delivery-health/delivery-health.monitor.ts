import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConsumerInfo } from '@nats-io/jetstream';
import { millis } from '@nats-io/nats-core';
import type { Subscription } from '@nats-io/transport-node';
import { botDeliveryReportSchema, botDeliveryReportSubject, botEventsFilter, streamName } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';
import { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import { BotConsumers } from '../access/bot-consumers.service.js';
import { DeliveryHealthService } from './delivery-health.service.js';
import { parseSignal, signalSubjects } from './delivery-signals.js';
import { nextBySubject } from './next-by-subject.js';
import { UnhealthyApps } from './unhealthy-apps.service.js';

/** Replicas share the advisories: each one is handled by one replica. */
const QUEUE = 'thread-ownership-health';
const PRUNE_EVERY_POLLS = 120;
const STALL_MIN_MS = 60_000;

/**
 * Listens to what the NATS server says about bot deliveries (and to the bots' failure reports),
 * and on a timer: makes sure every bot consumer exists, notices consumers that stopped moving,
 * flushes counters and applies the unhealthy rule.
 */
@Injectable()
export class DeliveryHealthMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryHealthMonitor.name);
  private readonly subscriptions: Subscription[] = [];
  private readonly progress = new Map<string, { floor: number; since: number }>();
  private readonly lastAck = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  /** Signals and reports waiting on the chain. */
  private queued = 0;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private polls = 0;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly health: DeliveryHealthService,
    private readonly unhealthy: UnhealthyApps,
    private readonly consumers: BotConsumers,
    private readonly settings: ThreadOwnershipSettings,
  ) {}

  private get pollMs(): number {
    return this.settings.deliveryHealth.pollMs;
  }

  onApplicationBootstrap(): void {
    const stream = streamName(this.nats.options.prefix, 'BOTS');
    for (const subject of signalSubjects(stream)) {
      this.subscribe(subject, (subj, body) => {
        const signal = parseSignal(subj, body, stream);
        if (!signal) return;
        if (signal.kind === 'ack') this.lastAck.set(signal.appId, Date.now());
        // One signal per bot ack (thousands a second): a plain ack skips the ordered chain
        // unless something is queued on it, which must keep its place before the ack.
        if (this.queued === 0 && this.health.countPlainAck(signal)) return;
        this.serially(() => this.health.onSignal(signal));
      });
    }
    this.subscribe(this.nats.subject(botDeliveryReportSubject('*')), (subject, body) => {
      const report = botDeliveryReportSchema.safeParse(body);
      // The app id is the one in the subject (NATS permissions), never the one in the body.
      if (report.success) this.serially(() => this.health.onReport({ ...report.data, appId: subject.split('.').at(-1) ?? '' }));
    });
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.unsubscribe();
    await this.polling;
    await this.chain;
    await this.health.flush().catch(() => undefined);
  }

  /** One pass of the timer; exposed so a caller can force one. */
  poll(): Promise<void> {
    this.polling ??= this.runPoll().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async runPoll(): Promise<void> {
    try {
      const infos = await this.consumers.ensureAll();
      for (const [appId, info] of infos) if (info) await this.checkProgress(appId, info);
      await this.chain;
      await this.health.flush();
      for (const appId of await this.health.evaluate()) await this.unhealthy.disable(appId);
      for (const appId of await this.health.unhealthyApps()) await this.unhealthy.repair(appId);
      if (++this.polls % PRUNE_EVERY_POLLS === 0) await this.health.prune();
    } catch (error) {
      this.logger.warn({ err: error }, 'delivery health poll failed; the next one retries');
    }
  }

  /**
   * Events waiting and nothing acknowledged for a long while (twice the ack wait, at least a
   * minute): no replica pulls, or all are stuck. Slow single events are timeouts, not stalls.
   */
  private async checkProgress(appId: string, info: ConsumerInfo): Promise<void> {
    const floor = info.ack_floor.stream_seq;
    const outstanding = info.num_pending + info.num_ack_pending;
    const seen = this.progress.get(appId);
    const acked = (this.lastAck.get(appId) ?? 0) > (seen?.since ?? 0);
    if (!seen || seen.floor !== floor || outstanding === 0 || acked) {
      this.progress.set(appId, { floor, since: Date.now() });
      return;
    }
    const waitedMs = Date.now() - seen.since;
    if (waitedMs < Math.max(2 * millis(info.config.ack_wait ?? 0), 2 * this.pollMs, STALL_MIN_MS)) return;
    const first = await nextBySubject(this.nats.jsm, info.stream_name, this.nats.subject(botEventsFilter(appId)), floor + 1).catch(() => null);
    const reason = `${outstanding} event(s) waiting, none acknowledged for ${Math.round(waitedMs / 1000)} s (${info.num_waiting} pull request(s) open)`;
    await this.health.onStalled(appId, first?.seq ?? floor + 1, reason);
  }

  private subscribe(subject: string, handle: (subject: string, body: unknown) => void): void {
    const subscription = this.nats.nc.subscribe(subject, {
      queue: QUEUE,
      callback: (error, message) => {
        if (error) return;
        let body: unknown;
        try {
          body = message.json();
        } catch {
          return;
        }
        handle(message.subject, body);
      },
    });
    this.subscriptions.push(subscription);
  }

  /** Signals are handled in arrival order, one at a time (a nak before the redelivery's ack). */
  private serially(work: () => Promise<void>): void {
    this.queued += 1;
    this.chain = this.chain
      .then(work)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'delivery health signal not recorded'))
      .finally(() => (this.queued -= 1));
  }
}
