import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerConfig,
} from '@nats-io/jetstream';
import { millis, nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { botConsumerName, botEventsFilter, streamName } from '@app/contracts';
import type { ResolvedBotOptions } from './bot-options.js';

/** The bot's durable consumer, and its ack wait (how long a handler may run before a redelivery). */
export interface BoundConsumer {
  consumer: Consumer;
  ackWaitMs: number;
}

/**
 * The suite creates `bot-<appId>` when the app is registered, and the generated NATS
 * permissions let a bot only read it (INFO), pull from it and ack. Where a bot may manage
 * consumers (an open server), it creates a missing one itself and applies explicit tuning.
 */
export async function bindBotConsumer(nc: NatsConnection, options: ResolvedBotOptions): Promise<BoundConsumer> {
  const stream = streamName(options.prefix, 'BOTS');
  const durable = botConsumerName(options.appId);
  const deadline = Date.now() + options.consumerWaitMs;
  let mayCreate = true;
  for (;;) {
    try {
      const consumer = await jetstream(nc).consumers.get(stream, durable);
      return { consumer, ackWaitMs: await retune(nc, options, stream, durable, consumer) };
    } catch (error) {
      if (isPermissionError(error)) throw new Error(`NATS refused to let bot ${options.appId} read its consumer ${durable}: check its user and permissions (${(error as Error).message})`);
      if (!isNotFound(error)) throw error;
    }
    const outcome = mayCreate ? await tryCreate(nc, options, stream, durable) : 'forbidden';
    if (outcome === 'created') continue;
    if (outcome === 'forbidden') mayCreate = false;
    if (Date.now() > deadline) {
      throw new Error(`consumer ${durable} (stream ${stream}) does not exist${mayCreate ? '' : ' and this bot may not create it'}: is the suite running, and app ${options.appId} registered on a Page? (the suite creates it)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `forbidden`: this bot may not manage consumers; `missing`: no stream yet (the suite is not up). */
async function tryCreate(nc: NatsConnection, options: ResolvedBotOptions, stream: string, durable: string): Promise<'created' | 'forbidden' | 'missing'> {
  const { maxDeliver, ackWaitMs } = options.consumerDefaults;
  const config: Partial<ConsumerConfig> = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: `${options.prefix}.${botEventsFilter(options.appId)}`,
    max_ack_pending: Math.max(options.concurrency * 4, 256),
    ack_wait: nanos(ackWaitMs),
    max_deliver: maxDeliver,
    // The suite reads every ack from the server's metrics to keep the app's delivery health.
    sample_freq: '100%',
  };
  try {
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    await jsm.consumers.add(stream, config as ConsumerConfig);
    return 'created';
  } catch (error) {
    if (isPermissionError(error)) return 'forbidden';
    if (isNotFound(error)) return 'missing';
    throw error;
  }
}

/** Applies the bot's explicit `maxDeliver` / `ackWaitMs` where it may; returns the ack wait in force. */
async function retune(nc: NatsConnection, options: ResolvedBotOptions, stream: string, durable: string, consumer: Consumer): Promise<number> {
  const { maxDeliver, ackWaitMs } = options;
  const current = (await consumer.info(true)).config;
  const wanted: Partial<ConsumerConfig> = {};
  if (maxDeliver !== undefined && current.max_deliver !== maxDeliver) wanted.max_deliver = maxDeliver;
  if (ackWaitMs !== undefined && current.ack_wait !== nanos(ackWaitMs)) wanted.ack_wait = nanos(ackWaitMs);
  if (Object.keys(wanted).length === 0) return millis(current.ack_wait ?? 0);
  try {
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const updated = await jsm.consumers.update(stream, durable, wanted);
    return millis(updated.config.ack_wait ?? 0);
  } catch (error) {
    options.logger.warn('could not retune the consumer (the suite owns its settings)', { durable, wanted, error: String(error) });
    return millis(current.ack_wait ?? 0);
  }
}

function isPermissionError(error: unknown): boolean {
  return /permissions violation/i.test(String((error as Error)?.message ?? ''));
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === JetStreamApiCodes.ConsumerNotFound || error.code === JetStreamApiCodes.StreamNotFound);
}
