import { ConfigService } from '@nestjs/config';
import type { ConsoleEnv, CookieSecure } from './console-env.js';

/** The validated settings the console's services use (typed; no string keys in services). */
export class ConsoleSettings {
  constructor(
    readonly password: string,
    readonly sessionSecret: string,
    readonly sessionTtlMs: number,
    readonly cookieSecure: CookieSecure,
    readonly threadOwnershipUrl: string,
    readonly notificationsUrl: string,
    readonly adminToken: string,
    readonly upstreamTimeoutMs: number,
  ) {}

  static fromConfig(config: ConfigService<ConsoleEnv, true>): ConsoleSettings {
    const get = <K extends keyof ConsoleEnv>(key: K) => config.get(key, { infer: true });
    return new ConsoleSettings(
      get('CONSOLE_PASSWORD'),
      get('CONSOLE_SESSION_SECRET'),
      get('CONSOLE_SESSION_TTL_MS'),
      get('CONSOLE_COOKIE_SECURE'),
      get('THREAD_OWNERSHIP_URL').replace(/\/+$/, ''),
      get('NOTIFICATIONS_URL').replace(/\/+$/, ''),
      get('ADMIN_API_TOKEN'),
      get('CONSOLE_UPSTREAM_TIMEOUT_MS'),
    );
  }
}
