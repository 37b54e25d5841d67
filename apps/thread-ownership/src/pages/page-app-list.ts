import { PAGE_INBOX_APP_ID } from '@app/contracts';
import type { AppRole, PageAppEntity } from './page-app.entity.js';

/** An app as an operator asks for it: what is left out is decided by the rules below. */
export interface RequestedApp {
  appId: string;
  role?: AppRole;
  canTake?: boolean;
  subscribed?: boolean;
}

/** An app row as it is written. */
export interface AppRow {
  appId: string;
  role: AppRole;
  canTake: boolean;
  subscribed: boolean;
}

const defaultRole = (appId: string): AppRole => (appId === PAGE_INBOX_APP_ID ? 'inbox' : 'bot');

/** The Page Inbox is Meta's app for human agents: it is the inbox, and nothing else is. */
export const roleFits = (appId: string, role: AppRole | undefined): boolean => role === undefined || (role === 'inbox') === (appId === PAGE_INBOX_APP_ID);
export const ROLE_MISFIT = `role "inbox" is the Page Inbox's (app id ${PAGE_INBOX_APP_ID}) and only its`;

const rowsOf = (stored: PageAppEntity[]): AppRow[] => stored.map(({ appId, role, canTake, subscribed }) => ({ appId, role, canTake, subscribed }));

/**
 * The app list of a (re-)registration: role and canTake as given, else their defaults (the Page
 * Inbox always may take); `subscribed` as given, else as stored. Subscription is state the
 * delivery-health monitor keeps (it unsubscribes an app whose webhook Meta disabled): registering
 * the Page again, e.g. to add a bot, must not resubscribe a failing app behind the operator's back.
 * The Page Inbox (human agents) always takes part.
 */
export function registrationApps(requested: RequestedApp[], stored: PageAppEntity[]): AppRow[] {
  const withInbox = requested.some((a) => a.appId === PAGE_INBOX_APP_ID) ? requested : [...requested, { appId: PAGE_INBOX_APP_ID }];
  const before = new Map(stored.map((a) => [a.appId, a]));
  return withInbox.map((a) => ({
    appId: a.appId,
    role: a.role ?? defaultRole(a.appId),
    canTake: a.appId === PAGE_INBOX_APP_ID ? true : (a.canTake ?? false),
    subscribed: a.subscribed ?? before.get(a.appId)?.subscribed ?? true,
  }));
}

/**
 * The app list with one app added or changed: what the change leaves out keeps its stored value
 * (a new app: a bot that may not take, subscribed). Every other app stays as it is.
 */
export function withApp(stored: PageAppEntity[], change: RequestedApp): AppRow[] {
  const rows = rowsOf(stored);
  const current = rows.find((a) => a.appId === change.appId);
  const next: AppRow = {
    appId: change.appId,
    role: change.role ?? current?.role ?? defaultRole(change.appId),
    canTake: change.appId === PAGE_INBOX_APP_ID ? true : (change.canTake ?? current?.canTake ?? false),
    subscribed: change.subscribed ?? current?.subscribed ?? true,
  };
  return current ? rows.map((a) => (a.appId === change.appId ? next : a)) : [...rows, next];
}

/** The app list without one app; every other app stays as it is. */
export function withoutApp(stored: PageAppEntity[], appId: string): AppRow[] {
  return rowsOf(stored).filter((a) => a.appId !== appId);
}
