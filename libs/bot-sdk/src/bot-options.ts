export interface BotLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface BotOptions {
  /** The bot's app id, as registered on the Page(s) it serves. */
  appId: string;
  /** NATS servers, comma-separated. Default `nats://127.0.0.1:4222`. */
  servers?: string;
  /** Installation subject prefix (the suite's NATS_PREFIX). Default `mho`. */
  prefix?: string;
  /** NATS credentials of this bot (see docs/bot-protocol.md, access control). */
  user?: string;
  password?: string;
  /** Threads handled at once by this process; one thread's events are always handled in order. Default 8. */
  concurrency?: number;
  /** Timeout of every request to the suite. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** How often a failing event is retried before it is given up (and reported). Default 10. */
  maxDeliver?: number;
  /** How long a handler may run before the event is redelivered. Default 30 s. */
  ackWaitMs?: number;
  logger?: BotLogger;
}

export type ResolvedBotOptions = Required<Omit<BotOptions, 'user' | 'password'>> & Pick<BotOptions, 'user' | 'password'>;

const silent: BotLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function resolveOptions(options: BotOptions): ResolvedBotOptions {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(options.appId)) throw new Error(`invalid appId "${options.appId}"`);
  return {
    servers: 'nats://127.0.0.1:4222',
    prefix: 'mho',
    concurrency: 8,
    requestTimeoutMs: 5000,
    maxDeliver: 10,
    ackWaitMs: 30_000,
    logger: silent,
    ...options,
  };
}
