import { PAGE_INBOX_APP_ID } from '@app/contracts';

/** How an app is named to operators: the Page Inbox by its role, bots by their id. */
export function appLabel(appId: string | null | undefined): string {
  if (appId === null || appId === undefined || appId === '') return 'nobody';
  return appId === PAGE_INBOX_APP_ID ? 'Page Inbox' : appId;
}
