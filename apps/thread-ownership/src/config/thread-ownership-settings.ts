import { ConfigService } from '@nestjs/config';
import type { ThreadOwnershipEnv } from './thread-ownership-env.js';

export interface OwnershipSettings {
  /** Ownership lapses after this long without activity. */
  idleTimeoutMs: number;
  sweepIntervalMs: number;
}

export interface OutboxSettings {
  relayIntervalMs: number;
  retentionMs: number;
}

/** Settings of each bot's durable consumer `bot-<appId>`. */
export interface BotConsumerSettings {
  ackWaitMs: number;
  maxDeliver: number;
  maxAckPending: number;
}

export interface OutboundSettings {
  /** The Pages are news Pages (Meta's News Page Index): NON_PROMOTIONAL_SUBSCRIPTION may be used. */
  allowNonPromotionalSubscription: boolean;
}

export interface DeliveryHealthSettings {
  unhealthyAfterMs: number;
  pollMs: number;
  errorsRetentionMs: number;
}

/**
 * The validated settings the services use, read once at boot: typed, and the defaults live in one
 * place only (the env schema), never again as `?? fallback` next to a string key.
 */
export class ThreadOwnershipSettings {
  constructor(
    readonly ownership: OwnershipSettings,
    readonly outbox: OutboxSettings,
    readonly sentMessageRetentionMs: number,
    readonly botConsumers: BotConsumerSettings,
    readonly deliveryHealth: DeliveryHealthSettings,
    readonly outbound: OutboundSettings,
  ) {}

  static fromConfig(config: ConfigService<ThreadOwnershipEnv, true>): ThreadOwnershipSettings {
    const get = <K extends keyof ThreadOwnershipEnv>(key: K) => config.get(key, { infer: true });
    return new ThreadOwnershipSettings(
      { idleTimeoutMs: get('OWNERSHIP_IDLE_TIMEOUT_MS'), sweepIntervalMs: get('OWNERSHIP_SWEEP_INTERVAL_MS') },
      { relayIntervalMs: get('OUTBOX_RELAY_INTERVAL_MS'), retentionMs: get('OUTBOX_RETENTION_MS') },
      get('SENT_MESSAGE_RETENTION_MS'),
      { ackWaitMs: get('BOT_ACK_WAIT_MS'), maxDeliver: get('BOT_MAX_DELIVER'), maxAckPending: get('BOT_MAX_ACK_PENDING') },
      { unhealthyAfterMs: get('BOT_UNHEALTHY_AFTER_MS'), pollMs: get('BOT_HEALTH_POLL_MS'), errorsRetentionMs: get('BOT_ERRORS_RETENTION_MS') },
      { allowNonPromotionalSubscription: get('ALLOW_NON_PROMOTIONAL_SUBSCRIPTION') },
    );
  }
}
