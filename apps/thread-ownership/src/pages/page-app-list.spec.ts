import { PAGE_INBOX_APP_ID } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import type { PageAppEntity } from './page-app.entity.js';
import { registrationApps, withApp } from './page-app-list.js';

const stored = (appId: string, fields: Partial<PageAppEntity> = {}): PageAppEntity =>
  ({ pageId: '1', appId, role: appId === PAGE_INBOX_APP_ID ? 'inbox' : 'bot', canTake: false, subscribed: true, createdAt: new Date(0), ...fields }) as PageAppEntity;

describe('registrationApps', () => {
  it('takes role and canTake as given or their defaults, and always keeps the Page Inbox, which may take', () => {
    expect(registrationApps([{ appId: 'sales', canTake: true }, { appId: 'support' }], [])).toEqual([
      { appId: 'sales', role: 'bot', canTake: true, subscribed: true },
      { appId: 'support', role: 'bot', canTake: false, subscribed: true },
      { appId: PAGE_INBOX_APP_ID, role: 'inbox', canTake: true, subscribed: true },
    ]);
  });

  it("keeps an app's stored subscription unless the registration gives one, and forgets apps left out", () => {
    const before = [stored('sales', { subscribed: false, canTake: true }), stored('old'), stored(PAGE_INBOX_APP_ID, { canTake: true })];
    const apps = registrationApps([{ appId: 'sales' }, { appId: 'new', subscribed: false }], before);
    expect(apps).toEqual([
      { appId: 'sales', role: 'bot', canTake: false, subscribed: false }, // canTake as given (default), subscription kept
      { appId: 'new', role: 'bot', canTake: false, subscribed: false },
      { appId: PAGE_INBOX_APP_ID, role: 'inbox', canTake: true, subscribed: true },
    ]);
    expect(registrationApps([{ appId: 'sales', subscribed: true }], before)[0]?.subscribed).toBe(true);
  });
});

describe('withApp', () => {
  const before = [stored('sales', { canTake: true, subscribed: false }), stored(PAGE_INBOX_APP_ID, { canTake: true })];

  it('adds a new app as a subscribed bot that may not take, leaving the others as they are', () => {
    expect(withApp(before, { appId: 'survey' })).toEqual([
      { appId: 'sales', role: 'bot', canTake: true, subscribed: false },
      { appId: PAGE_INBOX_APP_ID, role: 'inbox', canTake: true, subscribed: true },
      { appId: 'survey', role: 'bot', canTake: false, subscribed: true },
    ]);
  });

  it('changes only what is given of an app already there', () => {
    expect(withApp(before, { appId: 'sales', canTake: false })[0]).toEqual({ appId: 'sales', role: 'bot', canTake: false, subscribed: false });
    expect(withApp(before, { appId: 'sales', subscribed: true })[0]).toEqual({ appId: 'sales', role: 'bot', canTake: true, subscribed: true });
  });

  it('never takes from the Page Inbox its right to take', () => {
    expect(withApp(before, { appId: PAGE_INBOX_APP_ID, canTake: false })[1]?.canTake).toBe(true);
  });
});
