import { secretSchema } from '@app/platform';
import { z } from 'zod';
import { DEFAULT_SERVICE_USERS } from './nats-config.js';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** NATS access control and the consumers the suite creates for bots (docs/access-control.md). */
export const accessEnvShape = {
  /** Every NATS password of the generated configuration is derived from it (≥ 32 characters). Optional: without it GET /access/nats-config and /access/bots/:appId answer 503 ACCESS_CONTROL_NOT_CONFIGURED. */
  NATS_CREDENTIALS_SECRET: z.preprocess((v) => (v === '' ? undefined : v), secretSchema(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional()),
  /** The NATS account of the installation's users (JetStream streams belong to it: do not rename it later). */
  NATS_ACCOUNT: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('MHO'),
  /** Service users of the generated configuration (svc-<name>). */
  NATS_SERVICE_USERS: z
    .string()
    .default(DEFAULT_SERVICE_USERS.join(','))
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  /** Settings of each bot's durable consumer `bot-<appId>`, created by the suite. */
  BOT_ACK_WAIT_MS: ms(30_000),
  BOT_MAX_DELIVER: z.coerce.number().int().min(1).default(10),
  BOT_MAX_ACK_PENDING: z.coerce.number().int().min(1).default(256),
};
