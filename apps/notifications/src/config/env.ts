import { z } from 'zod';
import { baseEnvShape, databaseEnvShape, encryptionEnvShape, portSchema, secretSchema } from '@app/platform';

const ms = (min: number) => z.coerce.number().int().min(min);
const HOUR_MS = 60 * 60 * 1000;

/** Every variable the notifications service reads; a bad one stops the boot (validateEnv). */
export const notificationsEnvSchema = z.object({
  ...baseEnvShape,
  ...databaseEnvShape,
  ...encryptionEnvShape,
  NOTIFICATIONS_PORT: portSchema.default(3002),
  /** Bearer token of the HTTP admin API (OTN settings, token inventory); the same one as thread-ownership's. */
  ADMIN_API_TOKEN: secretSchema(16),
  /**
   * Connections per replica. Each notify commits twice (reserve, outcome) and a commit waits for
   * the WAL flush, so throughput is roughly connections × commits-per-flush: more than the
   * platform's 10 lets concurrent commits share one flush.
   */
  DB_POOL_MAX: ms(1).max(200).default(10),
  /** For Pages without a page_settings row: has Meta granted OTN (Advanced Messaging) to them? */
  OTN_ENABLED_BY_DEFAULT: z.stringbool().default(false),
  /**
   * How long a replica may trust its copy of a Page's OTN setting. Every notify checks it, so a
   * read per notify would cost a database round trip on the hot path; Meta grants or withdraws
   * the feature on a scale of days, and a replica forgets its copy at once when it takes the PUT.
   */
  OTN_SETTINGS_CACHE_MS: ms(0).default(5_000),
  /**
   * Meta's rule for repeated OTN asks is UNCONFIRMED (messenger-platform.md §8.2); the nearest
   * documented rule is 613/1893016 "no multiple opt-in requests with the same topic". 24 h means
   * at most one ask per topic per conversation window (an ask can only be sent inside the 24 h
   * window anyway), which keeps us clear of spam reports without blocking a user who has spent
   * their token and is asked again the next day. Operators can raise it (e.g. 7 days).
   */
  OTN_REQUEST_THROTTLE_MS: ms(0).default(24 * HOUR_MS),
  OTN_SWEEP_INTERVAL_MS: ms(100).default(60_000),
  /** Attempts made while the bot waits for its answer; then the retry loop takes over. */
  OTN_SEND_INLINE_ATTEMPTS: ms(1).max(10).default(3),
  /** Attempts in total (inline + retry loop) before the token is given up as invalid. */
  OTN_SEND_MAX_ATTEMPTS: ms(1).max(100).default(10),
  OTN_RETRY_BASE_DELAY_MS: ms(1).default(250),
  OTN_RETRY_MAX_DELAY_MS: ms(1).default(5 * 60_000),
  OTN_RETRY_INTERVAL_MS: ms(100).default(5_000),
  /** How long a window question with `minEventSeq` waits for the consumer to catch up. */
  WINDOW_WAIT_MS: ms(0).max(30_000).default(2_000),
});
export type NotificationsEnv = z.infer<typeof notificationsEnvSchema>;
