import { ErrorCode, METADATA_MAX_LENGTH } from '@app/contracts';
import { DomainError } from '@app/platform';
import type { PageAppEntity } from '../pages/page-app.entity.js';

/** The facts a rule needs about one thread at one moment (read under the thread's lock). */
export interface OwnershipFacts {
  ownerAppId: string | null;
  defaultOwnerAppId: string | null;
}

/**
 * Who acts for an idle thread: with a default app (Conversation Routing), only it; without one
 * ("zero config"), any app may pass (§2.4).
 */
export function actsAsOwner(facts: OwnershipFacts, appId: string): boolean {
  if (facts.ownerAppId !== null) return facts.ownerAppId === appId;
  return facts.defaultOwnerAppId === null || facts.defaultOwnerAppId === appId;
}

export function checkMetadata(metadata: string | undefined): void {
  if (metadata !== undefined && metadata.length > METADATA_MAX_LENGTH) {
    throw new DomainError(ErrorCode.MetadataTooLong, `metadata is ${metadata.length} characters; at most ${METADATA_MAX_LENGTH}`);
  }
}

export function checkPass(facts: OwnershipFacts, actor: string, target: PageAppEntity): void {
  if (!actsAsOwner(facts, actor)) throw notOwner(actor);
  if (target.appId === actor) throw new DomainError(ErrorCode.NotAllowed, 'an app cannot pass a thread to itself');
  if (!target.subscribed) throw new DomainError(ErrorCode.AppUnsubscribed, `target app ${target.appId} is unsubscribed`);
}

export function checkTake(actor: PageAppEntity): void {
  if (actor.role !== 'inbox' && !actor.canTake) {
    throw new DomainError(ErrorCode.NotAllowed, `app ${actor.appId} is not allowed to take threads on this page`);
  }
}

export function checkRelease(facts: OwnershipFacts, actor: string): void {
  if (facts.ownerAppId !== actor) throw notOwner(actor);
}

/** The app a request goes to: the owner, or the default app while the thread is idle. */
export function requestAddressee(facts: OwnershipFacts, actor: string): string {
  const addressee = facts.ownerAppId ?? facts.defaultOwnerAppId;
  if (addressee === null) throw new DomainError(ErrorCode.NotAllowed, 'the thread is idle and the page has no default app: take or pass instead');
  if (addressee === actor) throw new DomainError(ErrorCode.NotAllowed, `app ${actor} already controls the thread`);
  return addressee;
}

export function notOwner(appId: string): DomainError {
  return new DomainError(ErrorCode.NotThreadOwner, `app ${appId} is not the thread owner`, { code: 10, error_subcode: 2018300 });
}
