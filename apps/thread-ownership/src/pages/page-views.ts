import type { PageAppEntity } from './page-app.entity.js';
import type { PageView } from './pages.service.js';

/** An app's part in a Page, in Meta's shape (`page.apps`, `app.pages`, the admin view). */
const appPart = (view: PageView, a: PageAppEntity) => ({
  role: a.role,
  can_take: a.canTake,
  subscribed: a.subscribed,
  is_default_owner: a.appId === view.page.defaultOwnerAppId,
});

/** Meta-like list of a Page's apps and roles (never the token). */
export function toAppList(view: PageView) {
  return { data: view.apps.map((a) => ({ app_id: a.appId, ...appPart(view, a) })) };
}

/** The admin view of a Page: everything but the token. */
export function toPageResponse(view: PageView) {
  const { id, name, defaultOwnerAppId, routingRules, tokenStatus, tokenCheckedAt } = view.page;
  return { id, name, defaultOwnerAppId, routingRules, tokenStatus, tokenCheckedAt, apps: toAppList(view).data };
}

/** `app.pages`: the calling app's entry on each Page it is registered on (never a token). */
export function toAppPages(entries: Array<{ view: PageView; app: PageAppEntity }>) {
  return {
    data: entries.map(({ view, app }) => ({ page_id: view.page.id, name: view.page.name, ...appPart(view, app) })),
  };
}
