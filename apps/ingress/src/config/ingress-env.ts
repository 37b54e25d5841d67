import { appIdSchema } from '@app/contracts';
import { baseEnvShape, encryptionEnvShape, portSchema, secretSchema } from '@app/platform';
import { z } from 'zod';

const MIB = 1024 * 1024;

/**
 * `appId=secret,appId2=secret2` → a Map (a Map, not an object, so an app id such as
 * `__proto__` or `constructor` can never reach a prototype property). Issue messages name
 * the faulty position, never the secret itself.
 */
export const appSecretsSchema = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const secrets = new Map<string, string>();
    const pairs = raw === '' ? [] : raw.split(',');
    pairs.forEach((pair, index) => {
      const at = pair.indexOf('=');
      const appId = pair.slice(0, at).trim();
      const secret = pair.slice(at + 1).trim();
      if (at < 1 || secret === '' || !appIdSchema.safeParse(appId).success) {
        ctx.addIssue({ code: 'custom', message: `pair #${index + 1} must be appId=secret (app id: lowercase letters, digits, "_" or "-")` });
      } else if (secrets.has(appId)) {
        ctx.addIssue({ code: 'custom', message: `app id #${index + 1} is listed twice` });
      } else {
        secrets.set(appId, secret);
      }
    });
    return secrets;
  });

/** The ingress' configuration, validated once at boot (see platform `validateEnv`). */
export const ingressEnvSchema = z.object({
  ...baseEnvShape,
  ...encryptionEnvShape,
  INGRESS_PORT: portSchema.default(3000),
  /** Secret of the app whose webhook is the plain `/webhook` path. */
  META_APP_SECRET: secretSchema(1, 'must be set'),
  /** Secrets of further apps, served on `/webhook/:appId`. */
  META_APP_SECRETS: appSecretsSchema.default(new Map()),
  META_VERIFY_TOKEN: secretSchema(1, 'must be set'),
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(64 * MIB).default(MIB),
  /** Legacy `X-Hub-Signature` (HMAC-SHA1): off unless an operator knows they need it. */
  ACCEPT_SHA1_SIGNATURE: z.stringbool().default(false),
  /** Longest wait for JetStream's ack; Meta gives us 5 s for the whole request. */
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(50).max(4000).default(2000),
});

export type IngressEnv = z.infer<typeof ingressEnvSchema>;
