/**
 * Every subject below is relative: services and bots put `<prefix>.` in front (default `mho`),
 * so several installations or test runs can share one NATS server without colliding.
 */
export const DEFAULT_SUBJECT_PREFIX = 'mho';

export const prefixed = (prefix: string, subject: string): string => `${prefix}.${subject}`;

/** Stream names are derived from the prefix too (upper-case, `_` for separators). */
export const streamName = (prefix: string, stream: 'EVENTS' | 'BOTS' | 'DEAD'): string =>
  `${prefix.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${stream}`;
