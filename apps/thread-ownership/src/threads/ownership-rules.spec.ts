import { ErrorCode } from '@app/contracts';
import { DomainError } from '@app/platform';
import { describe, expect, it } from 'vitest';
import type { PageAppEntity } from '../pages/page-app.entity.js';
import { actsAsOwner, checkMetadata, checkPass, checkRelease, checkTake, requestAddressee } from './ownership-rules.js';

const app = (appId: string, over: Partial<PageAppEntity> = {}) =>
  ({ pageId: '1', appId, role: 'bot', canTake: false, subscribed: true, createdAt: new Date(), ...over }) as PageAppEntity;

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).code;
  }
  return 'no error';
};

describe('ownership rules', () => {
  it('gives an idle thread to the default app only, or to anyone without a default', () => {
    expect(actsAsOwner({ ownerAppId: null, defaultOwnerAppId: 'sales' }, 'sales')).toBe(true);
    expect(actsAsOwner({ ownerAppId: null, defaultOwnerAppId: 'sales' }, 'support')).toBe(false);
    expect(actsAsOwner({ ownerAppId: null, defaultOwnerAppId: null }, 'support')).toBe(true);
    expect(actsAsOwner({ ownerAppId: 'support', defaultOwnerAppId: 'sales' }, 'sales')).toBe(false);
  });

  it('lets only the owner pass, never to itself or to an unsubscribed app', () => {
    const owned = { ownerAppId: 'sales', defaultOwnerAppId: 'sales' };
    expect(codeOf(() => checkPass(owned, 'sales', app('support')))).toBe('no error');
    expect(codeOf(() => checkPass(owned, 'support', app('sales')))).toBe(ErrorCode.NotThreadOwner);
    expect(codeOf(() => checkPass(owned, 'sales', app('sales')))).toBe(ErrorCode.NotAllowed);
    expect(codeOf(() => checkPass(owned, 'sales', app('survey', { subscribed: false })))).toBe(ErrorCode.AppUnsubscribed);
  });

  it('lets the Page Inbox and allowed apps take, nobody else', () => {
    expect(codeOf(() => checkTake(app('263902037430900', { role: 'inbox' })))).toBe('no error');
    expect(codeOf(() => checkTake(app('support', { canTake: true })))).toBe('no error');
    expect(codeOf(() => checkTake(app('survey')))).toBe(ErrorCode.NotAllowed);
  });

  it('lets only the owner release', () => {
    expect(codeOf(() => checkRelease({ ownerAppId: 'sales', defaultOwnerAppId: null }, 'sales'))).toBe('no error');
    expect(codeOf(() => checkRelease({ ownerAppId: null, defaultOwnerAppId: 'sales' }, 'sales'))).toBe(ErrorCode.NotThreadOwner);
  });

  it('addresses requests to the owner, or the default app while idle', () => {
    expect(requestAddressee({ ownerAppId: 'sales', defaultOwnerAppId: 'x' }, 'support')).toBe('sales');
    expect(requestAddressee({ ownerAppId: null, defaultOwnerAppId: 'sales' }, 'support')).toBe('sales');
    expect(codeOf(() => requestAddressee({ ownerAppId: null, defaultOwnerAppId: null }, 'support'))).toBe(ErrorCode.NotAllowed);
    expect(codeOf(() => requestAddressee({ ownerAppId: 'sales', defaultOwnerAppId: null }, 'sales'))).toBe(ErrorCode.NotAllowed);
  });

  it('bounds metadata below 1,000 characters (Meta: "<1000")', () => {
    expect(codeOf(() => checkMetadata('x'.repeat(999)))).toBe('no error');
    expect(codeOf(() => checkMetadata('x'.repeat(1000)))).toBe(ErrorCode.MetadataTooLong);
  });
});
