import type { PageAppEntity } from './page-app.entity.js';
import type { PageView } from './pages.service.js';

/** Meta-like list of a Page's apps and roles (never the token). */
export function toAppList(view: PageView) {
  return {
    data: view.apps.map((a) => ({
      app_id: a.appId,
      role: a.role,
      can_take: a.canTake,
      subscribed: a.subscribed,
      is_default_owner: a.appId === view.page.defaultOwnerAppId,
    })),
  };
}

/** The admin view of a Page: everything but the token. */
export function toPageResponse(view: PageView) {
  const { id, name, defaultOwnerAppId, routingRules, tokenStatus, tokenCheckedAt } = view.page;
  return { id, name, defaultOwnerAppId, routingRules, tokenStatus, tokenCheckedAt, apps: toAppList(view).data };
}

/** `app.pages`: the calling app's entry on each Page it is registered on (never a token). */
export function toAppPages(entries: Array<{ view: PageView; app: PageAppEntity }>) {
  return {
    data: entries.map(({ view, app }) => ({
      page_id: view.page.id,
      name: view.page.name,
      role: app.role,
      can_take: app.canTake,
      subscribed: app.subscribed,
      is_default_owner: app.appId === view.page.defaultOwnerAppId,
    })),
  };
}
