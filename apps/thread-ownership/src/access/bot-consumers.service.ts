import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type ConsumerInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { Subscription } from '@nats-io/transport-node';
import { botConsumerName, botEventsFilter, streamName } from '@app/contracts';
import { NatsConnectionService, consumerInfoOrNull } from '@app/messaging';
import { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import { PAGE_CHANGED } from '../pages/pages.service.js';
import { BotAppsRepository } from './bot-apps.repository.js';

/** The ack metric of every delivery: the delivery-health monitor counts acks and redeliveries from it. */
export const BOT_CONSUMER_SAMPLE_FREQ = '100%';

/**
 * Creates each bot's durable consumer `bot-<appId>` (at boot, whenever a Page changes, and on
 * every health poll), so a bot needs no permission to create or change consumers: a bot that
 * could would be able to filter a consumer on another bot's subjects. An existing consumer is
 * never rewritten (a bot or an operator may have tuned it), except to switch on the ack
 * metric the health monitor relies on.
 */
@Injectable()
export class BotConsumers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BotConsumers.name);
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly apps: BotAppsRepository,
    private readonly settings: ThreadOwnershipSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = this.nats.nc.subscribe(this.nats.subject(PAGE_CHANGED), {
      callback: (_error, message) => void this.ensureForPage(message.string()),
    });
    await this.ensureAll();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  get stream(): string {
    return streamName(this.nats.options.prefix, 'BOTS');
  }

  /** Returns each app's consumer info (null when it could not be read or created). */
  async ensureAll(): Promise<Map<string, ConsumerInfo | null>> {
    const infos = new Map<string, ConsumerInfo | null>();
    const appIds = await this.apps.distinctBotAppIds().catch(() => [] as string[]);
    for (const appId of appIds) infos.set(appId, await this.ensure(appId));
    return infos;
  }

  async ensureForPage(pageId: string): Promise<void> {
    for (const appId of await this.apps.botAppIdsOfPage(pageId).catch(() => [] as string[])) await this.ensure(appId);
  }

  async ensure(appId: string): Promise<ConsumerInfo | null> {
    const durable = botConsumerName(appId);
    try {
      const info = await this.info(appId);
      if (!info) return await this.nats.jsm.consumers.add(this.stream, this.configFor(appId));
      if (info.config.sample_freq) return info;
      return await this.nats.jsm.consumers.update(this.stream, durable, { sample_freq: BOT_CONSUMER_SAMPLE_FREQ });
    } catch (error) {
      this.logger.warn({ err: error, durable }, 'could not ensure the bot consumer; the next health poll retries');
      return null;
    }
  }

  /** Null when the consumer does not exist. */
  info(appId: string): Promise<ConsumerInfo | null> {
    return consumerInfoOrNull(this.nats.jsm, this.stream, botConsumerName(appId));
  }

  configFor(appId: string): ConsumerConfig {
    return {
      durable_name: botConsumerName(appId),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.nats.subject(botEventsFilter(appId)),
      ack_wait: nanos(this.settings.botConsumers.ackWaitMs),
      max_deliver: this.settings.botConsumers.maxDeliver,
      max_ack_pending: this.settings.botConsumers.maxAckPending,
      sample_freq: BOT_CONSUMER_SAMPLE_FREQ,
    } as ConsumerConfig;
  }
}
