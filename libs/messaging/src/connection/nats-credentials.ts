import { createHmac, randomBytes } from 'node:crypto';

/** NATS user names: one per bot app, one per service. */
export const botNatsUser = (appId: string): string => `bot-${appId}`;
export const serviceNatsUser = (service: string): string => `svc-${service}`;

/**
 * Passwords are derived from one secret (NATS_CREDENTIALS_SECRET) and the user name, so the
 * configuration can be regenerated whenever an app is added without changing anyone else's
 * password, and nothing but the secret has to be stored. Rotating the secret rotates them all.
 */
export function deriveNatsPassword(secret: string, user: string): string {
  return createHmac('sha256', secret).update(`nats-user:${user}`).digest('base64url');
}

/** A fresh secret for installations that have none yet (printed once by scripts/nats-config.ts). */
export const newCredentialsSecret = (): string => randomBytes(32).toString('base64url');
