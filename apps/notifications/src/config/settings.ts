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
      leaseMs: 0,
    };
    retry.leaseMs = inlineLeaseMs(retry, get('RPC_TIMEOUT_MS'));
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

/**
 * A send being attempted inline is leased for longer than its inline attempts can take (each
 * bounded by the RPC timeout, with the backoff's ceiling between them), plus 10 s, so the retry
 * loop never races a live attempt. The backoff doubles per attempt up to its cap
 * (delivery-outcome.ts backoffDelayMs), so the sum is taken attempt by attempt.
 */
export function inlineLeaseMs(retry: Pick<RetrySettings, 'inlineAttempts' | 'baseDelayMs' | 'maxDelayMs'>, rpcTimeoutMs: number): number {
  let total = 10_000 + retry.inlineAttempts * rpcTimeoutMs;
  for (let attempt = 1; attempt < retry.inlineAttempts; attempt++) total += Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return total;
}
