import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Delivery health of bot apps (Meta: a webhook failing for 1 hour is disabled). */
export const deliveryHealthEnvShape = {
  /** An app failing without a single success for this long is unsubscribed from its Pages. */
  BOT_UNHEALTHY_AFTER_MS: ms(60 * 60 * 1000),
  /** How often consumers are checked, counters flushed and the unhealthy rule applied. */
  BOT_HEALTH_POLL_MS: ms(30_000),
  /** Recent errors are kept this long. */
  BOT_ERRORS_RETENTION_MS: ms(7 * 24 * 60 * 60 * 1000),
};
