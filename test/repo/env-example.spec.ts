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
});
