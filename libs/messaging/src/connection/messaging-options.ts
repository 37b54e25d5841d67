import { deriveNatsPassword } from './nats-credentials.js';

/** What a service needs to reach NATS. Read from the validated environment (see platform/config). */
export interface MessagingOptions {
  /** Service name: NATS connection name and the queue group its replicas share. */
  service: string;
  servers: string;
  prefix: string;
  user?: string;
  password?: string;
  rpcTimeoutMs: number;
}
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/**
 * `NATS_USER` / `NATS_PASSWORD` as given. A service user (`svc-<name>`) without a password, where
 * `NATS_CREDENTIALS_SECRET` is set, gets the password the generated configuration gave it
 * (derived from the secret, docs/access-control.md): so docker compose needs to hand each service
 * only its user name. Services may already do anything on NATS (`>`), so knowing the secret gives
 * them nothing more; a bot's password is never derived here.
 */
export function messagingOptionsFromEnv(service: string, env: NodeJS.ProcessEnv | Record<string, unknown>): MessagingOptions {
  const read = (key: string) => (env[key] === undefined || env[key] === '' ? undefined : String(env[key]));
  const user = read('NATS_USER');
  const secret = read('NATS_CREDENTIALS_SECRET');
  return {
    service,
    servers: read('NATS_URL') ?? 'nats://127.0.0.1:4222',
    prefix: read('NATS_PREFIX') ?? 'mho',
    user,
    password: read('NATS_PASSWORD') ?? (user?.startsWith('svc-') && secret ? deriveNatsPassword(secret, user) : undefined),
    rpcTimeoutMs: Number(read('RPC_TIMEOUT_MS') ?? 5000),
  };
}
