import { appIdSchema, botInboxPrefix } from '@app/contracts';

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
  /** NATS user and password of this bot (docs/access-control.md: user `bot-<appId>`). */
  user?: string;
  password?: string;
  /** NATS token authentication, for servers configured with one. */
  token?: string;
  /** Contents of a NATS `.creds` file (user JWT + nkey seed), for servers in operator (JWT) mode. */
  creds?: string;
  /**
   * Prefix of this bot's reply subjects. Default `_INBOX_<appId>`: the generated server
   * permissions let a bot subscribe to its own inbox only. Change it only with the permissions.
   */
  inboxPrefix?: string;
  /** Threads handled at once by this process; one thread's events are always handled in order. Default 8. */
  concurrency?: number;
  /** Timeout of every request to the suite. Default 5000 ms. */
  requestTimeoutMs?: number;
  /**
   * How often a failing event is delivered before it is given up. The suite creates the bot's
   * consumer with its own setting (BOT_MAX_DELIVER); set this only to retune it, which works
   * only where the bot's NATS permissions allow consumer updates. Default 10 when the bot
   * creates the consumer itself.
   */
  maxDeliver?: number;
  /** How long a handler may run before the event is redelivered (same rules as maxDeliver). Default 30 s. */
  ackWaitMs?: number;
  /**
   * How long start() waits for its consumer to exist when the bot may not create it (the suite
   * creates it when the app is registered on a Page). Default 30 s.
   */
  consumerWaitMs?: number;
  /** Tell the suite why an event failed (`<p>.health.<appId>`), shown in the app's recent errors. Default true. */
  reportFailures?: boolean;
  /** Where the SDK's own messages go. Default: warnings and errors to stderr, info dropped (stderrLogger). */
  logger?: BotLogger;
}

type Defaulted = 'servers' | 'prefix' | 'inboxPrefix' | 'concurrency' | 'requestTimeoutMs' | 'consumerWaitMs' | 'reportFailures' | 'logger';

export type ResolvedBotOptions = Required<Pick<BotOptions, Defaulted>> &
  Omit<BotOptions, Defaulted> & {
    /** Consumer settings used when the bot creates its consumer itself. */
    consumerDefaults: { maxDeliver: number; ackWaitMs: number };
  };

/**
 * The default logger: warnings and errors on stderr, info dropped. Not silent, because what the SDK
 * warns about is what a bot would otherwise never notice: it stopped receiving, or it receives
 * nothing at all (an app id registered on no Page). Pass `logger` to send them elsewhere.
 */
export function stderrLogger(appId: string): BotLogger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    `[bot-sdk ${appId}] ${level}: ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}`;
  return {
    info: () => undefined,
    warn: (message, fields) => console.warn(line('warn', message, fields)),
    error: (message, fields) => console.error(line('error', message, fields)),
  };
}

export function resolveOptions(options: BotOptions): ResolvedBotOptions {
  if (!appIdSchema.safeParse(options.appId).success) throw new Error(`invalid appId "${options.appId}"`);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as BotOptions;
  return {
    servers: 'nats://127.0.0.1:4222',
    prefix: 'mho',
    inboxPrefix: botInboxPrefix(options.appId),
    concurrency: 8,
    requestTimeoutMs: 5000,
    consumerWaitMs: 30_000,
    reportFailures: true,
    logger: stderrLogger(options.appId),
    ...defined,
    consumerDefaults: { maxDeliver: options.maxDeliver ?? 10, ackWaitMs: options.ackWaitMs ?? 30_000 },
  };
}
