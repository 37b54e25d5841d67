import { Logger } from '@nestjs/common';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { streamName } from '@app/contracts';
import { validateEnv } from '@app/platform';
import { z } from 'zod';

export interface StreamSettings {
  /** How long a redelivered webhook is recognised as a duplicate by JetStream itself. */
  eventDedupeWindowMs: number;
  /** How long a re-published bot delivery (same `<eventId>:<appId>` id) is recognised as one. */
  botDedupeWindowMs: number;
  /** How long stored events and bot deliveries are kept (for replay and inspection). */
  maxAgeMs: number;
}

const windowMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The streams' settings, read by every service that may create them (the first one up does).
 * They apply when a stream is created; ensureStreams never changes an existing one.
 */
export const streamEnvSchema = z.object({
  /** Meta redelivers a failing webhook for about an hour before it disables it. */
  EVENT_DEDUPE_WINDOW_MS: windowMs(60 * 60 * 1000),
  /**
   * Covers thread-ownership re-publishing what it had already stored for the bots (a crash before
   * its ack, an outbox relay): longer outages than this reach the bots twice, with the same
   * idempotency key. Each id is held in nats-server's memory for the whole window.
   */
  BOT_DEDUPE_WINDOW_MS: windowMs(10 * 60 * 1000),
  STREAM_MAX_AGE_MS: windowMs(7 * 24 * 60 * 60 * 1000),
});

/** Throws, naming the variable, when one is not a positive whole number of milliseconds. */
export function streamSettingsFromEnv(env: NodeJS.ProcessEnv): StreamSettings {
  const parsed = validateEnv(streamEnvSchema)(env);
  return {
    eventDedupeWindowMs: parsed.EVENT_DEDUPE_WINDOW_MS,
    botDedupeWindowMs: parsed.BOT_DEDUPE_WINDOW_MS,
    maxAgeMs: parsed.STREAM_MAX_AGE_MS,
  };
}

/**
 * The three streams of an installation: webhook events, per-bot deliveries, dead letters. Facts
 * nobody may wipe: no purge of any of them, and no deleting single messages from EVENTS and BOTS
 * (DEAD deletes a letter once it is replayed). They still expire with `max_age`. Set when a stream
 * is created; an existing one keeps its settings (docs/architecture.md says how to add them).
 */
export function streamConfigs(prefix: string, settings: StreamSettings): Array<Partial<StreamConfig> & { name: string }> {
  const common = {
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    deny_purge: true,
    max_age: nanos(settings.maxAgeMs),
    num_replicas: 1,
  };
  return [
    { ...common, name: streamName(prefix, 'EVENTS'), subjects: [`${prefix}.events.>`], duplicate_window: nanos(settings.eventDedupeWindowMs), deny_delete: true },
    { ...common, name: streamName(prefix, 'BOTS'), subjects: [`${prefix}.bot.>`], duplicate_window: nanos(settings.botDedupeWindowMs), deny_delete: true },
    { ...common, name: streamName(prefix, 'DEAD'), subjects: [`${prefix}.dead.>`], duplicate_window: nanos(60 * 1000) },
  ];
}

/**
 * Creates missing streams; never changes an existing one (streams are infrastructure: a boot
 * must not rewrite what an operator tuned).
 */
export async function ensureStreams(jsm: JetStreamManager, prefix: string, settings: StreamSettings): Promise<void> {
  const logger = new Logger('Streams');
  for (const config of streamConfigs(prefix, settings)) {
    const exists = await jsm.streams.info(config.name).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    await jsm.streams.add(config).catch(async (error: Error) => {
      // Another replica may have created it between our info() and add().
      if (!(await jsm.streams.info(config.name).then(() => true, () => false))) throw error;
    });
    logger.log(`created stream ${config.name}`);
  }
}
