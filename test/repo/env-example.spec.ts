import { readFileSync } from 'node:fs';
import { streamSettingsFromEnv } from '@app/messaging';
import { describe, expect, it } from 'vitest';
import { consoleEnvSchema } from '../../apps/console/src/config/console-env.js';
import { ingressEnvSchema } from '../../apps/ingress/src/config/ingress-env.js';
import { readEmulatorEnv } from '../../apps/messenger-emulator/src/env.js';
import { notificationsEnvSchema } from '../../apps/notifications/src/config/env.js';
import { threadOwnershipEnvSchema } from '../../apps/thread-ownership/src/config/thread-ownership-env.js';

/** `KEY=` lines of .env.example (comments and blank lines aside). */
function documentedKeys(): Set<string> {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  return new Set(text.split('\n').map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]).filter((key): key is string => key !== undefined));
}

/**
 * `KEY=value` of .env.example as docker compose reads an env_file (compose-go's dotenv parser):
 * spaces after `=` go, then an unquoted value ends at ` #`. So in `KEY=   # note` the value is
 * `# note`, not empty: such a line would boot a service with its comment as the setting.
 */
function documentedValues(): Record<string, string> {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  const entries = text.split('\n').map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null);
  return Object.fromEntries(entries.map((m) => [m[1], composeValue(m[2]!)]));
}

function composeValue(raw: string): string {
  const value = raw.trimStart();
  if (/^["']/.test(value)) return value.slice(1, value.indexOf(value[0]!, 1));
  const comment = value.indexOf(' #');
  return (comment >= 0 ? value.slice(0, comment) : value).trimEnd();
}

/** The variables a reader function looks up, found by handing it an environment that records reads. */
function keysRead(read: (env: NodeJS.ProcessEnv) => unknown): string[] {
  const seen = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get: (_target, key) => {
      if (typeof key === 'string') seen.add(key);
      return undefined;
    },
  });
  read(env);
  return [...seen];
}

describe('.env.example', () => {
  const documented = documentedKeys();
  const services: Record<string, string[]> = {
    ingress: Object.keys(ingressEnvSchema.shape),
    'thread-ownership': Object.keys(threadOwnershipEnvSchema.shape),
    notifications: Object.keys(notificationsEnvSchema.shape),
    console: Object.keys(consoleEnvSchema.shape),
    'messenger-emulator': keysRead(readEmulatorEnv),
    streams: keysRead(streamSettingsFromEnv),
  };

  it.each(Object.entries(services))('documents every variable %s reads', (_service, keys) => {
    expect(keys.length).toBeGreaterThan(1);
    expect(keys.filter((key) => !documented.has(key))).toEqual([]);
  });

  it('has no value that is really a comment (compose would pass the comment on as the setting)', () => {
    expect(composeValue('   # a note')).toBe('# a note'); // what compose does with such a line
    expect(Object.entries(documentedValues()).filter(([, value]) => value.startsWith('#'))).toEqual([]);
  });

  // Copying the example file must not boot with its public placeholder credentials.
  it.each([
    ['ingress', ingressEnvSchema, ['META_APP_SECRET', 'META_VERIFY_TOKEN', 'TOKEN_ENCRYPTION_KEY']],
    ['thread-ownership', threadOwnershipEnvSchema, ['ADMIN_API_TOKEN', 'META_APP_SECRET', 'TOKEN_ENCRYPTION_KEY']],
    ['notifications', notificationsEnvSchema, ['ADMIN_API_TOKEN', 'TOKEN_ENCRYPTION_KEY']],
    ['console', consoleEnvSchema, ['ADMIN_API_TOKEN', 'CONSOLE_PASSWORD', 'CONSOLE_SESSION_SECRET']],
  ] as const)('%s refuses its placeholder secrets at boot', (_service, schema, secrets) => {
    const parsed = schema.safeParse(documentedValues());
    const refused = parsed.success ? [] : parsed.error.issues.map((issue) => String(issue.path[0]));
    expect([...new Set(refused)].sort()).toEqual([...secrets].sort());
  });
});
