import { ConfigService } from '@nestjs/config';
import type { NotificationsEnv } from './env.js';

/** The validated settings the services use, read once at boot (typed, no string keys in services). */
export class NotificationsSettings {
  constructor(
    readonly otnEnabledByDefault: boolean,
    readonly settingsCacheMs: number,
    readonly requestThrottleMs: number,
    readonly sweepIntervalMs: number,
    readonly retry: RetrySettings,
    readonly windowWaitMs: number,
  ) {}

  static fromConfig(config: ConfigService<NotificationsEnv, true>): NotificationsSettings {
    const get = <K extends keyof NotificationsEnv>(key: K) => config.get(key, { infer: true });
    const retry: RetrySettings = {
      inlineAttempts: get('OTN_SEND_INLINE_ATTEMPTS'),
      maxAttempts: get('OTN_SEND_MAX_ATTEMPTS'),
      baseDelayMs: get('OTN_RETRY_BASE_DELAY_MS'),
      maxDelayMs: get('OTN_RETRY_MAX_DELAY_MS'),
      intervalMs: get('OTN_RETRY_INTERVAL_MS'),
      // A send that is being attempted is leased for longer than its inline attempts can take
      // (each is bounded by the RPC timeout), so the retry loop never races a live attempt.
      leaseMs: get('OTN_SEND_INLINE_ATTEMPTS') * (get('RPC_TIMEOUT_MS') + get('OTN_RETRY_BASE_DELAY_MS') * 8) + 10_000,
    };
    return new NotificationsSettings(
      get('OTN_ENABLED_BY_DEFAULT'),
      get('OTN_SETTINGS_CACHE_MS'),
      get('OTN_REQUEST_THROTTLE_MS'),
      get('OTN_SWEEP_INTERVAL_MS'),
      retry,
      get('WINDOW_WAIT_MS'),
    );
  }
}

export interface RetrySettings {
  inlineAttempts: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  intervalMs: number;
  leaseMs: number;
}
