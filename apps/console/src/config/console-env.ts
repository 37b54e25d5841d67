import { baseEnvShape, databaseEnvShape, portSchema, secretSchema } from '@app/platform';
import { z } from 'zod';

const HOUR_MS = 60 * 60 * 1000;

export const trustProxySchema = z
  .string()
  .default('')
  .transform((value): boolean | string => {
    const trimmed = value.trim();
    if (trimmed === '' || trimmed === 'false') return false;
    return trimmed === 'true' ? true : trimmed;
  });

export type CookieSecure = boolean | 'auto';

export const cookieSecureSchema = z
  .union([z.literal('auto'), z.stringbool()], { error: 'must be auto, true or false' })
  .default('auto')
  .transform((value): CookieSecure => value);

/** The operator console's configuration, validated once at boot (see platform `validateEnv`). */
export const consoleEnvSchema = z.object({
  ...baseEnvShape,
  ...databaseEnvShape,
  CONSOLE_PORT: portSchema.default(3003),
  /** The operators' password (login form); compared in constant time. */
  CONSOLE_PASSWORD: secretSchema(8),
  /** Signs the session cookie (HMAC-SHA256). Changing it logs every operator out. */
  CONSOLE_SESSION_SECRET: secretSchema(32, 'must be at least 32 characters (openssl rand -base64 32)'),
  CONSOLE_SESSION_TTL_MS: z.coerce.number().int().min(60_000).max(30 * 24 * HOUR_MS).default(12 * HOUR_MS),
  /**
   * The session cookie's `Secure` flag: `auto` (the default) sets it on a login that arrived over
   * HTTPS (directly, or per X-Forwarded-Proto from a proxy CONSOLE_TRUST_PROXY trusts), so a TLS
   * deployment gets it without a setting and a plain-HTTP one (the demo) still logs in; `true`
   * always (a browser then keeps the cookie only over HTTPS or on localhost); `false` never.
   */
  CONSOLE_COOKIE_SECURE: cookieSecureSchema,
  /**
   * Behind a TLS proxy, which proxies to believe about the client's address (X-Forwarded-For):
   * empty (none, the default), `true` (any), or comma-separated proxy addresses/CIDRs. The login throttle
   * counts wrong passwords per client address: without this, every client behind the proxy
   * shares the proxy's address, and ten wrong guesses by anyone lock every operator out.
   */
  CONSOLE_TRUST_PROXY: trustProxySchema,
  /** The thread-ownership admin API (pages, threads, operator actions). */
  THREAD_OWNERSHIP_URL: z.string().url().default('http://127.0.0.1:3001'),
  /** The notifications HTTP API (one-time notification token inventory, settings). */
  NOTIFICATIONS_URL: z.string().url().default('http://127.0.0.1:3002'),
  /** Bearer token of the thread-ownership admin API. */
  ADMIN_API_TOKEN: secretSchema(16),
  /** Timeout of each call the console makes to the other services. */
  CONSOLE_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
});
export type ConsoleEnv = z.infer<typeof consoleEnvSchema>;
