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

export function messagingOptionsFromEnv(service: string, env: NodeJS.ProcessEnv | Record<string, unknown>): MessagingOptions {
  const read = (key: string) => (env[key] === undefined ? undefined : String(env[key]));
  return {
    service,
    servers: read('NATS_URL') ?? 'nats://127.0.0.1:4222',
    prefix: read('NATS_PREFIX') ?? 'mho',
    user: read('NATS_USER'),
    password: read('NATS_PASSWORD'),
    rpcTimeoutMs: Number(read('RPC_TIMEOUT_MS') ?? 5000),
  };
}
