import { nanos } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { streamConfigs, streamSettingsFromEnv } from './streams.js';

describe('stream settings', () => {
  it('defaults: events deduped for an hour, bot deliveries for 10 minutes, kept 7 days', () => {
    expect(streamSettingsFromEnv({})).toEqual({ eventDedupeWindowMs: 3_600_000, botDedupeWindowMs: 600_000, maxAgeMs: 604_800_000 });
  });

  it('gives each stream its own window', () => {
    const configs = streamConfigs('p', streamSettingsFromEnv({ EVENT_DEDUPE_WINDOW_MS: '120000', BOT_DEDUPE_WINDOW_MS: '30000' }));
    expect(Object.fromEntries(configs.map((c) => [c.name, c.duplicate_window]))).toEqual({
      P_EVENTS: nanos(120_000),
      P_BOTS: nanos(30_000),
      P_DEAD: nanos(60_000),
    });
  });

  it('lets nobody purge a stream, nor delete single events or deliveries (dead letters are deleted once replayed)', () => {
    const configs = streamConfigs('p', streamSettingsFromEnv({}));
    expect(configs.map((c) => [c.name, c.deny_purge, c.deny_delete ?? false])).toEqual([
      ['P_EVENTS', true, true],
      ['P_BOTS', true, true],
      ['P_DEAD', true, false],
    ]);
  });

  it.each([
    ['EVENT_DEDUPE_WINDOW_MS', 'an hour'],
    ['BOT_DEDUPE_WINDOW_MS', '-5'],
    ['STREAM_MAX_AGE_MS', '1.5'],
  ])('refuses %s=%s at boot, naming the variable', (name, value) => {
    expect(() => streamSettingsFromEnv({ [name]: value })).toThrow(new RegExp(`Invalid configuration:[\\s\\S]*${name}`));
  });
});
