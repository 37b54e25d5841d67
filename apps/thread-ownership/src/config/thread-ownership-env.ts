import { baseEnvShape, databaseEnvShape, encryptionEnvShape, graphEnvShape, portSchema, secretSchema } from '@app/platform';
import { z } from 'zod';
import { accessEnvShape } from '../access/access-env.js';
import { deliveryHealthEnvShape } from '../delivery-health/delivery-health-env.js';
import { checkOnboardingEnv, onboardingEnvShape } from '../onboarding/onboarding.env.js';
import { graphClientEnvShape } from './graph-client-env.js';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const threadOwnershipEnvSchema = z.object({
  ...baseEnvShape,
  ...databaseEnvShape,
  ...encryptionEnvShape,
  ...graphEnvShape,
  ...accessEnvShape,
  ...deliveryHealthEnvShape,
  ...graphClientEnvShape,
  ...onboardingEnvShape,
  THREAD_OWNERSHIP_PORT: portSchema.default(3001),
  /** Ownership lapses after this long without activity (Meta: 24 h). */
  OWNERSHIP_IDLE_TIMEOUT_MS: ms(24 * 60 * 60 * 1000),
  OWNERSHIP_SWEEP_INTERVAL_MS: ms(30_000),
  OUTBOX_RELAY_INTERVAL_MS: ms(1000),
  /** Published outbox rows are deleted after this long (they only served the relay). */
  OUTBOX_RETENTION_MS: ms(24 * 60 * 60 * 1000),
  /**
   * Which bot sent which message is kept this long (it routes the echoes of its messages). Keep it
   * at least STREAM_MAX_AGE_MS, so that an echo replayed from the stream still finds its sender.
   */
  SENT_MESSAGE_RETENTION_MS: ms(7 * 24 * 60 * 60 * 1000),
  /**
   * The NON_PROMOTIONAL_SUBSCRIPTION tag is for news Pages in Meta's News Page Index only (§5.2):
   * refused unless the operator says the Pages of this installation are such Pages.
   */
  ALLOW_NON_PROMOTIONAL_SUBSCRIPTION: z.stringbool().default(false),
  /** Bearer token for the HTTP admin API (pages, apps, operator actions). */
  ADMIN_API_TOKEN: secretSchema(16),
}).superRefine(checkOnboardingEnv);
export type ThreadOwnershipEnv = z.infer<typeof threadOwnershipEnvSchema>;
