import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggableError, REDACTED_PATHS, redactUrl } from './logging.module.js';

/** A pino logger configured as the services' (redaction, error serializer), writing into `lines`. */
function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, serializers: { err: loggableError } }, sink);
  return { logger, text: () => lines.join('') };
}

describe('what the logs never hold', () => {
  it('redacts secrets in request URLs: the verify token, Graph tokens, onboarding invites, login codes and states', () => {
    const url = redactUrl('/onboarding/callback?code=AQD-secret&state=s-123&pages=1,2&invite=v1.999.mac&hub.verify_token=vt');
    expect(url).toBe('/onboarding/callback?code=[redacted]&state=[redacted]&pages=1,2&invite=[redacted]&hub.verify_token=[redacted]');
  });

  it('redacts the cookies a response sets and the onboarding query parameters', () => {
    const { logger, text } = capture();
    logger.info({ req: { query: { invite: 'v1.1.mac', code: 'AQD', state: 's' } }, res: { headers: { 'set-cookie': 'mho_console_session=v1.2.3' } } }, 'response');
    expect(text()).not.toMatch(/v1\.1\.mac|AQD|mho_console_session=/);
  });

  it("drops a database error's parameters, driver error and row detail, keeps what explains it", () => {
    const { logger, text } = capture();
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), {
      query: 'INSERT INTO console.timeline …',
      parameters: ['a user message: my card is 4111'],
      driverError: { detail: 'Failing row contains (a user message: my card is 4111)' },
      detail: 'Failing row contains (a user message: my card is 4111)',
      code: '23505',
      constraint: 'timeline_pkey',
    });
    logger.warn({ err: error }, 'insert failed');
    expect(text()).not.toContain('4111');
    expect(JSON.parse(text())).toMatchObject({ err: { message: 'duplicate key value violates unique constraint', code: '23505', constraint: 'timeline_pkey' } });
  });
});
