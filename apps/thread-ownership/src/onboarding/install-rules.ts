import { ErrorCode } from '@app/contracts';
import type { ManagedPage, TokenDebugInfo } from '@app/graph-api';
import { DomainError } from '@app/platform';

/** Meta's Page task for sending messages; the install token's owner must hold it (§6.1). */
const MESSAGING_TASK = 'MESSAGING';
const REQUIRED_SCOPE = 'pages_messaging';

const canMessage = (page: ManagedPage): boolean => page.tasks === undefined || page.tasks.includes(MESSAGING_TASK);

/**
 * The Pages to install: the requested ones, each of which the user must manage with the
 * MESSAGING task; or, when none was requested, every granted Page the user may message for.
 */
export function selectPages(managed: ManagedPage[], requested: string[]): ManagedPage[] {
  if (requested.length === 0) {
    const usable = managed.filter(canMessage);
    if (usable.length === 0) throw new DomainError(ErrorCode.PermissionDenied, 'no Page was shared on which you may send messages (MESSAGING task)');
    return usable;
  }
  const byId = new Map(managed.map((page) => [page.id, page]));
  const notManaged = requested.filter((id) => !byId.has(id));
  if (notManaged.length > 0) {
    throw new DomainError(ErrorCode.PageNotManaged, `you do not manage, or did not share, page(s) ${notManaged.join(', ')}`, { pageIds: notManaged });
  }
  const pages = requested.map((id) => byId.get(id)!);
  const withoutTask = pages.filter((page) => !canMessage(page)).map((page) => page.id);
  if (withoutTask.length > 0) {
    throw new DomainError(ErrorCode.PermissionDenied, `you may not send messages for page(s) ${withoutTask.join(', ')} (MESSAGING task)`, { pageIds: withoutTask });
  }
  return pages;
}

/** debug_token must show a live token of our app that may message (§6.5). */
export function checkPageToken(pageId: string, info: TokenDebugInfo, appId: string): void {
  if (!info.is_valid) throw new DomainError(ErrorCode.PermissionDenied, `Meta says the token of page ${pageId} is not valid`, { pageId });
  if (info.app_id !== undefined && info.app_id !== appId) {
    throw new DomainError(ErrorCode.PermissionDenied, `the token of page ${pageId} was issued to another app`, { pageId });
  }
  if (!info.scopes.includes(REQUIRED_SCOPE)) {
    throw new DomainError(ErrorCode.PermissionDenied, `the ${REQUIRED_SCOPE} permission was not granted for page ${pageId}`, { pageId, scopes: info.scopes });
  }
}

/** `pages=1,2` / `page_id=1` query values → distinct ids, order kept. */
export function parsePageList(...values: Array<string | undefined>): string[] {
  const ids = values.flatMap((value) => (value ?? '').split(',')).map((id) => id.trim()).filter((id) => id.length > 0);
  return [...new Set(ids)];
}
