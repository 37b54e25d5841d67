import { appLabel } from '../html/apps.js';
import { formatAgo, formatTime } from '../html/format.js';
import { html, type SafeHtml } from '../html/html.js';
import type { TopicTokens } from '../upstream/notifications.client.js';
import type { PageDetail } from '../upstream/thread-ownership.client.js';
import type { DeliveryHealth } from './delivery-health.service.js';
import type { AppOverview, PageOverview } from './pages-overview.service.js';

/** Keys under which thread-ownership may report a Page token's health (onboarding reports `tokenStatus`). */
const TOKEN_KEYS = ['tokenStatus', 'tokenHealth', 'token', 'accessTokenStatus'];
const GOOD = new Set(['valid', 'ok', 'healthy']);

const statusBadge = (value: string) => html`<span class="badge ${GOOD.has(value) ? 'ok' : value === 'failing' || value === 'unknown' ? 'warn' : 'bad'}">${value}</span>`;
const ago = (iso: string) => html`<time data-ago datetime="${iso}" title="${formatTime(iso)}">${formatAgo(new Date(iso), new Date())}</time>`;
const isoString = (v: unknown): string | undefined => (typeof v === 'string' && !Number.isNaN(new Date(v).getTime()) ? v : undefined);

function tokenHealth(page: PageDetail): SafeHtml {
  const key = TOKEN_KEYS.find((k) => page[k] !== undefined && page[k] !== null);
  if (!key) return html`<span class="muted">not reported by thread-ownership</span>`;
  const value = page[key];
  const checked = isoString(page.tokenCheckedAt);
  if (typeof value === 'object') return keyValues(value as Record<string, unknown>);
  return html`${statusBadge(String(value))}${checked ? html` <span class="muted small">checked ${ago(checked)}</span>` : ''}`;
}

function keyValues(values: Record<string, unknown>): SafeHtml {
  const entries = Object.entries(values).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  return html`<span class="kv">${entries.map(([k, v]) => html`<span><b>${k}</b> ${String(v)}</span>`)}</span>`;
}

function deliveryCell(app: AppOverview): SafeHtml {
  if (!app.delivery) return html`<span class="muted">Meta inbox</span>`;
  const reported = app.delivery.reported;
  return html`${reported ? reportedHealth(reported) : ''}<div>${consumerHealth(app.delivery)}</div>`;
}

/** thread-ownership's delivery health (issue 6); unknown shapes are shown as plain facts. */
function reportedHealth(r: Record<string, unknown>): SafeHtml {
  if (typeof r.state !== 'string') return html`<div class="small">${keyValues(r)}</div>`;
  const failingSince = isoString(r.failingSince);
  const unsubscribesAt = isoString(r.unsubscribesAt);
  const counters = (r.counters ?? {}) as Record<string, unknown>;
  const errors = Array.isArray(r.recentErrors) ? (r.recentErrors as Array<Record<string, unknown>>) : [];
  const latest = errors[0];
  const counts = ['acks', 'naks', 'timeouts', 'redeliveries']
    .filter((k) => typeof counters[k] === 'number')
    .map((k) => `${String(counters[k])} ${k}`)
    .join(' · ');
  return html`<div class="health">${statusBadge(r.state)}${failingSince ? html` <span class="small">failing since ${ago(failingSince)}</span>` : ''}${
    unsubscribesAt ? html` <span class="small warn-text">unsubscribed at ${formatTime(unsubscribesAt)} unless a delivery succeeds</span>` : ''
  }
  ${counts ? html`<div class="small muted">${counts}</div>` : ''}
  ${latest ? html`<div class="small error">last error: ${String(latest.kind ?? '')} ${String(latest.reason ?? '')}${isoString(latest.at) ? html` (${ago(latest.at as string)})` : ''}</div>` : ''}</div>`;
}

function consumerHealth(d: DeliveryHealth): SafeHtml {
  const c = d.consumer;
  if (!c) return html`<span class="badge warn">unknown</span>`;
  if (!c.exists) return html`<span class="badge warn" title="no durable consumer bot-… on the BOTS stream: the bot never connected">never connected</span>`;
  const backlog = c.pending + c.unacked;
  const status = c.pulling ? (backlog > 50 ? html`<span class="badge warn">behind</span>` : html`<span class="badge ok">pulling</span>`) : html`<span class="badge warn">not pulling</span>`;
  return html`${status} <span class="small muted">${c.pending} waiting · ${c.unacked} unacked · ${c.redelivered} redelivered${c.lastActiveAt ? html` · last delivery ${ago(c.lastActiveAt)}` : ''}</span>`;
}

function appRow(pageId: string, a: AppOverview): SafeHtml {
  const { app } = a;
  return html`<tr data-app-id="${app.app_id}">
  <td>${appLabel(app.app_id)}${app.role === 'inbox' ? html` <span class="muted small">${app.app_id}</span>` : ''}</td>
  <td>${app.role === 'inbox' ? 'human agents' : 'bot'}${app.is_default_owner ? html` <span class="badge ok">default owner</span>` : ''}</td>
  <td>${app.can_take ? 'may take' : '—'}</td>
  <td>${app.subscribed ? html`<span class="badge ok">subscribed</span>` : html`<span class="badge bad">unsubscribed</span>`}</td>
  <td>${deliveryCell(a)}</td>
  <td>${app.role === 'bot' ? html`<button type="button" class="small" data-resubscribe="${app.app_id}" data-page-id="${pageId}">Resubscribe</button>` : ''}</td>
</tr>`;
}

function tokensTable(tokens: TopicTokens[]): SafeHtml {
  if (tokens.length === 0) return html`<p class="muted">No one-time notification tokens yet.</p>`;
  const cell = (n: number | undefined) => (n === undefined ? html`<span class="muted">—</span>` : String(n));
  return html`<table class="tokens"><thead><tr><th>Topic</th><th>Valid</th><th>Used</th><th>Expired</th></tr></thead><tbody>${tokens.map(
    (t) => html`<tr><td>${t.topic}</td><td>${t.valid}</td><td>${cell(t.used)}</td><td>${cell(t.expired)}</td></tr>`,
  )}</tbody></table>`;
}

function rules(page: PageDetail): SafeHtml {
  if (page.routingRules.length === 0) return html`<span class="muted">none (everything goes to the default owner)</span>`;
  return html`<ul class="rules">${page.routingRules.map((r) => {
    const match = (r.match ?? {}) as Record<string, unknown>;
    const on = Object.entries(match).map(([k, v]) => `${k} = ${String(v)}`).join(' and ');
    return html`<li>${on} → <b>${appLabel(String(r.appId ?? ''))}</b></li>`;
  })}</ul>`;
}

export function pageCard(o: PageOverview): SafeHtml {
  const { page } = o;
  return html`<article class="page-card card" id="page-${page.id}" data-page-id="${page.id}">
  <header class="page-head">
    <h3>${page.name ?? 'Unnamed Page'} <span class="muted small">${page.id}</span></h3>
    <a class="small" href="/?page=${page.id}">conversations of this Page</a>
  </header>
  <dl class="facts compact">
    <div><dt>Default owner</dt><dd>${page.defaultOwnerAppId ? appLabel(page.defaultOwnerAppId) : html`<span class="muted">none</span>`}</dd></div>
    <div><dt>Routing rules</dt><dd>${rules(page)}</dd></div>
    <div><dt>Page token</dt><dd>${tokenHealth(page)}</dd></div>
    <div><dt>One-time notifications</dt><dd>${o.otnEnabled.ok ? (o.otnEnabled.value ? 'enabled' : 'not enabled') : html`<span class="error">${o.otnEnabled.error}</span>`}</dd></div>
  </dl>
  <div class="page-body">
    <div>
      <h4>Apps</h4>
      <table class="apps"><thead><tr><th>App</th><th>Role</th><th>Take</th><th>Subscription</th><th>Delivery health</th><th></th></tr></thead>
        <tbody>${o.apps.map((a) => appRow(page.id, a))}</tbody></table>
    </div>
    <div>
      <h4>One-time notification tokens</h4>
      ${o.tokens.ok ? tokensTable(o.tokens.value) : html`<p class="error">notifications: ${o.tokens.error}</p>`}
    </div>
  </div>
</article>`;
}
