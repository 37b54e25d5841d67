import { Logger } from '@nestjs/common';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { streamName } from '@app/contracts';

export interface StreamSettings {
  /** How long a redelivered webhook is recognised as a duplicate by JetStream itself. */
  eventDedupeWindowMs: number;
  /** How long stored events and bot deliveries are kept (for replay and inspection). */
  maxAgeMs: number;
}

export function streamSettingsFromEnv(env: NodeJS.ProcessEnv): StreamSettings {
  return {
    eventDedupeWindowMs: Number(env.EVENT_DEDUPE_WINDOW_MS ?? 60 * 60 * 1000),
    maxAgeMs: Number(env.STREAM_MAX_AGE_MS ?? 7 * 24 * 60 * 60 * 1000),
  };
}

/** The three streams of an installation: webhook events, per-bot deliveries, dead letters. */
export function streamConfigs(prefix: string, settings: StreamSettings): Array<Partial<StreamConfig> & { name: string }> {
  const common = {
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.maxAgeMs),
    num_replicas: 1,
  };
  return [
    { ...common, name: streamName(prefix, 'EVENTS'), subjects: [`${prefix}.events.>`], duplicate_window: nanos(settings.eventDedupeWindowMs) },
    { ...common, name: streamName(prefix, 'BOTS'), subjects: [`${prefix}.bot.>`], duplicate_window: nanos(10 * 60 * 1000) },
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
