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
