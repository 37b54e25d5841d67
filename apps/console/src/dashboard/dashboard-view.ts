import { html, type SafeHtml } from '../html/html.js';
import { page } from '../html/layout.js';
import type { PageOverview } from '../pages/pages-overview.service.js';
import { pageCard } from '../pages/page-views.js';
import type { ThreadRow } from '../threads/threads-query.service.js';
import { threadsTable } from '../threads/thread-views.js';

export interface DashboardModel {
  pages: PageOverview[] | { error: string };
  threads: ThreadRow[];
  pageFilter?: string;
  now: Date;
}

export function dashboardPage(m: DashboardModel): string {
  const pages: SafeHtml = Array.isArray(m.pages)
    ? m.pages.length === 0
      ? html`<p class="muted">No Page registered yet (PUT /pages/:pageId on the thread-ownership admin API).</p>`
      : html`<div class="pages">${m.pages.map(pageCard)}</div>`
    : html`<p class="error">thread-ownership: ${m.pages.error}</p>`;
  const body = html`<section>
  <h2>Conversations ${m.pageFilter ? html`<span class="muted small">of Page ${m.pageFilter} · <a href="/">all</a></span>` : ''}</h2>
  <p class="muted small">Updated live while traffic flows; newest first.</p>
  <div class="card flush">${threadsTable(m.threads, m.now, m.pageFilter)}</div>
</section>
<section>
  <h2>Pages and bots</h2>
  ${pages}
</section>`;
  return page({ title: 'Conversations', body, signedIn: true });
}
