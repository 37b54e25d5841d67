import type { NatsContext } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { callerTimeoutMsOf } from './rpc-context.js';

const ctxWith = (values: Record<string, string>) => ({ getHeaders: () => ({ get: (key: string) => values[key] ?? '' }) }) as unknown as NatsContext;

describe('callerTimeoutMsOf', () => {
  it('reads the caller timeout header', () => {
    expect(callerTimeoutMsOf(ctxWith({ 'mho-timeout-ms': '1500' }))).toBe(1500);
  });

  it.each(['', '0', '-5', '1.5', 'soon', '99999999999'])('ignores %j', (value) => {
    expect(callerTimeoutMsOf(ctxWith({ 'mho-timeout-ms': value }))).toBeUndefined();
  });

  it('is undefined without headers', () => {
    expect(callerTimeoutMsOf({ getHeaders: () => undefined } as unknown as NatsContext)).toBeUndefined();
  });
});
