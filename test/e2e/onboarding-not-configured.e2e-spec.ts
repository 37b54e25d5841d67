import { ErrorCode } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSuite, type RunningSuite } from '../support/suite.js';

/**
 * Onboarding is optional: without META_APP_ID (as in the demo and the other e2e files) the suite
 * boots, and the install endpoints say plainly that they are not configured. A file of its own:
 * the app modules read their configuration once per process.
 */
describe('onboarding without META_APP_ID', () => {
  let suite: RunningSuite;

  beforeAll(async () => {
    suite = await startSuite();
  });
  afterAll(() => suite?.stop());

  it('answers 503 ONBOARDING_NOT_CONFIGURED and leaves the rest of the service alone', async () => {
    for (const path of ['/onboarding/start', '/onboarding/callback?code=x&state=y']) {
      const response = await fetch(`${suite.adminUrl}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.OnboardingNotConfigured);
    }
    expect((await suite.admin('GET', '/pages')).status).toBe(200);
  });
});
