import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { DomainError } from '@app/platform';
import { OnboardingStateRepository } from './onboarding-state.repository.js';

const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const hash = (state: string): string => createHash('sha256').update(state).digest('hex');

const MESSAGES = {
  malformed: 'the login state is missing or malformed; start the install again',
  unknown: 'the login state was not issued by this server; start the install again',
  used: 'the login state was already used; start the install again',
  expired: 'the login state expired; start the install again',
  browser: 'the install was started in another browser (state cookie missing or different); start it again here',
} as const;

/**
 * The OAuth `state` of the install flow (CSRF): 256 random bits, single use, expiring, and only
 * its hash stored. The browser also carries it in a cookie, which the controller checks.
 */
@Injectable()
export class LoginStateStore {
  constructor(private readonly repository: OnboardingStateRepository) {}

  async issue(requestedPages: string[], now: Date, ttlMs: number): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    await this.repository.purgeExpiredBefore(new Date(now.getTime() - DAY_MS));
    await this.repository.insert({ stateHash: hash(state), requestedPages, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs), usedAt: null });
    return state;
  }

  /** Spends the state; what the install was started for. */
  async consume(state: string | undefined, now: Date): Promise<{ requestedPages: string[] }> {
    if (!state || !STATE_PATTERN.test(state)) throw invalidState('malformed');
    const use = await this.repository.use(hash(state), now);
    if (!use.ok) throw invalidState(use.reason);
    return { requestedPages: use.requestedPages };
  }
}

export function invalidState(reason: keyof typeof MESSAGES): DomainError {
  return new DomainError(ErrorCode.OnboardingStateInvalid, MESSAGES[reason], { reason });
}
