import { pageIdSchema } from '@app/contracts';

/** What the emulator process needs, read from the environment. */
export interface EmulatorProcessConfig {
  port: number;
  host: string;
  appSecret?: string;
  /** access_token → Page id. */
  tokens: Record<string, string>;
  appId?: string;
  enforceThreadOwnership: boolean;
  /** The ingress webhook that `POST /_emulator/users/:psid/messages` posts to. */
  webhookUrl?: string;
}

export const DEFAULT_EMULATOR_PORT = 3900;
export const DEFAULT_EMULATOR_HOST = '127.0.0.1';

/** A bad environment variable; the message always names it. */
export class EnvError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'EnvError';
  }
}

/** Unset and empty both mean "not configured" (compose files often pass empty strings). */
function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value.length === 0 ? undefined : value;
}

function readPort(env: NodeJS.ProcessEnv): number {
  const raw = optional(env, 'EMULATOR_PORT');
  if (raw === undefined) return DEFAULT_EMULATOR_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new EnvError('EMULATOR_PORT', `must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

/** `token=pageId,token2=pageId2`; split on the last `=` so base64 padding in tokens survives. */
function readTokens(env: NodeJS.ProcessEnv): Record<string, string> {
  const raw = optional(env, 'EMULATOR_PAGE_TOKENS');
  const tokens: Record<string, string> = {};
  if (raw === undefined) return tokens;
  for (const pair of raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0)) {
    const separator = pair.lastIndexOf('=');
    const token = pair.slice(0, separator).trim();
    const pageId = pair.slice(separator + 1).trim();
    if (separator <= 0 || token.length === 0) {
      throw new EnvError('EMULATOR_PAGE_TOKENS', `expected token=pageId, got "${pair}"`);
    }
    if (!pageIdSchema.safeParse(pageId).success) {
      throw new EnvError('EMULATOR_PAGE_TOKENS', `page id must be numeric, got "${pageId}"`);
    }
    tokens[token] = pageId;
  }
  return tokens;
}

function readFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new EnvError(name, `must be true/false or 1/0, got "${raw}"`);
}

/** Absolute http(s) only: anything else would fail at the first user message, far from its cause. */
function readWebhookUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = optional(env, 'EMULATOR_WEBHOOK_URL');
  if (raw === undefined) return undefined;
  const protocol = URL.canParse(raw) ? new URL(raw).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new EnvError('EMULATOR_WEBHOOK_URL', `must be the ingress webhook as an http(s) URL (e.g. http://127.0.0.1:3000/webhook), got "${raw}"`);
  }
  return raw;
}

export function readEmulatorEnv(env: NodeJS.ProcessEnv): EmulatorProcessConfig {
  return {
    port: readPort(env),
    host: optional(env, 'EMULATOR_HOST') ?? DEFAULT_EMULATOR_HOST,
    appSecret: optional(env, 'META_APP_SECRET'),
    tokens: readTokens(env),
    appId: optional(env, 'EMULATOR_APP_ID'),
    enforceThreadOwnership: readFlag(env, 'EMULATOR_ENFORCE_THREAD_OWNER'),
    webhookUrl: readWebhookUrl(env),
  };
}
