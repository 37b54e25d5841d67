import { describe, expect, it } from 'vitest';
import { cookieSecureSchema } from './console-env.js';

describe('CONSOLE_COOKIE_SECURE', () => {
  it('defaults to auto and reads auto, true and false', () => {
    expect(cookieSecureSchema.parse(undefined)).toBe('auto');
    expect(cookieSecureSchema.parse('auto')).toBe('auto');
    expect(cookieSecureSchema.parse('true')).toBe(true);
    expect(cookieSecureSchema.parse('false')).toBe(false);
  });

  it('refuses anything else with a message that says what it takes', () => {
    const result = cookieSecureSchema.safeParse('sometimes');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be auto, true or false');
  });
});
