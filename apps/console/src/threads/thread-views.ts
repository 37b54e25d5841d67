import { METADATA_MAX_LENGTH, PAGE_INBOX_APP_ID, type MessagingWindow } from '@app/contracts';
import { appLabel } from '../html/apps.js';
import { formatAgo, formatDuration, formatTime } from '../html/format.js';
import { html, segment, type SafeHtml } from '../html/html.js';
import type { TimelineEntryEntity } from '../timeline/timeline-entry.entity.js';
import type { AuditRecord } from '../upstream/thread-ownership.client.js';
import type { ThreadDetail, ThreadRow } from './threads-query.service.js';

export const threadDomId = (pageId: string, psid: string) => `thread-${pageId}-${psid}`;
export const threadHref = (pageId: string, psid: string) => `/pages/${segment(pageId)}/threads/${segment(psid)}`;

export function ownerBadge(ownerAppId: string | null): SafeHtml {
  if (!ownerAppId) return html`<span class="badge idle">idle</span>`;
  const kind = ownerAppId === PAGE_INBOX_APP_ID ? 'inbox' : 'bot';
  return html`<span class="badge ${kind}" data-owner="${ownerAppId}">${appLabel(ownerAppId)}</span>`;
}

/** Time left in the standard 24-hour window; the browser keeps the countdown going. */
export function windowCell(window: MessagingWindow | undefined, now: Date): SafeHtml {
  if (!window) return html`<span class="muted" title="notifications did not answer">unknown</span>`;
  if (window.open && window.standardUntil) {
    const left = new Date(window.standardUntil).getTime() - now.getTime();
    return html`<span class="window open" data-until="${window.standardUntil}" title="open until ${formatTime(window.standardUntil)}">${formatDuration(left)} left</span>`;
  }
  const agentLeft = window.humanAgentUntil ? new Date(window.humanAgentUntil).getTime() - now.getTime() : 0;
  if (agentLeft > 0) return html`<span class="window closed" title="human agents may still answer (HUMAN_AGENT tag)">closed · agents ${formatDuration(agentLeft)}</span>`;
  return html`<span class="window closed">closed</span>`;
}

export function threadRow({ thread, window }: ThreadRow, now: Date): SafeHtml {
  const { pageId, psid, ownerAppId } = thread;
  const inboxOwns = ownerAppId === PAGE_INBOX_APP_ID;
  return html`<tr id="${threadDomId(pageId, psid)}" class="thread-row" data-page-id="${pageId}" data-psid="${psid}">
  <td><a class="user" href="${threadHref(pageId, psid)}">User ${psid}</a><div class="muted small">Page ${pageId}</div></td>
  <td class="owner">${ownerBadge(ownerAppId)}</td>
  <td class="state">${ownerAppId ? html`<span class="state owned">owned</span>` : html`<span class="state idle">idle</span>`}</td>
  <td class="window-cell">${windowCell(window, now)}</td>
  <td class="last"><time data-ago datetime="${thread.lastEventAt.toISOString()}" title="${formatTime(thread.lastEventAt)}">${formatAgo(thread.lastEventAt, now)}</time></td>
  <td class="summary">${thread.lastSummary ?? ''}</td>
  <td class="row-actions">${
    inboxOwns
      ? html`<span class="muted small">agents have it</span>`
      : html`<button type="button" class="small" data-action="take" data-page-id="${pageId}" data-psid="${psid}">Take</button>`
  }</td>
</tr>`;
}

export function threadsTable(rows: ThreadRow[], now: Date, pageFilter?: string): SafeHtml {
  return html`<table class="threads" id="threads" data-page-filter="${pageFilter ?? ''}">
  <thead><tr><th>Conversation</th><th>Owner</th><th>State</th><th>24-hour window</th><th>Last activity</th><th>Latest</th><th></th></tr></thead>
  <tbody id="threads-body">
    ${rows.length === 0 ? html`<tr class="empty"><td colspan="7" class="muted">No conversations yet. They appear here as soon as a user writes.</td></tr>` : rows.map((r) => threadRow(r, now))}
  </tbody>
</table>`;
}

const DIRECTION_LABEL: Record<string, string> = { in: 'user', out: 'sent', handover: 'handover', notification: 'notification' };

function timelineItem(entry: TimelineEntryEntity): SafeHtml {
  const metadata = typeof entry.details.metadata === 'string' ? entry.details.metadata : null;
  const by = entry.direction === 'out' || entry.direction === 'notification' ? entry.appId : null;
  return html`<li class="entry ${entry.direction}" data-kind="${entry.kind}">
  <div class="meta"><span class="tag ${entry.direction}">${DIRECTION_LABEL[entry.direction] ?? entry.direction}</span>${by ? html` <span class="by">by ${appLabel(by)}</span>` : ''} <time datetime="${entry.at.toISOString()}">${formatTime(entry.at)}</time></div>
  <div class="text">${entry.summary}</div>
  ${metadata ? html`<div class="metadata">metadata: <code>${metadata}</code></div>` : ''}
</li>`;
}

function auditRow(r: AuditRecord): SafeHtml {
  return html`<tr><td>${formatTime(r.at)}</td><td>${r.action}</td><td>${appLabel(r.actorAppId)}</td><td>${appLabel(r.fromAppId)} → ${appLabel(r.toAppId)}</td><td>${r.metadata ? html`<code>${r.metadata}</code>` : ''}</td></tr>`;
}

/** The part of the thread page that live updates replace: facts, timeline and audit log. */
export function threadLive(d: ThreadDetail, now: Date): SafeHtml {
  const state = d.authority.ok ? d.authority.state : null;
  const owner = state ? state.ownerAppId : d.thread.ownerAppId;
  return html`<div class="card facts-card">
  <dl class="facts">
    <div><dt>Owner</dt><dd id="thread-owner">${ownerBadge(owner)}</dd></div>
    <div><dt>State</dt><dd>${owner ? 'owned' : 'idle (next message goes to the default app or a routing rule)'}</dd></div>
    <div><dt>Owner since</dt><dd>${formatTime(state?.ownerSince)}</dd></div>
    <div><dt>Ownership lapses</dt><dd>${state?.expiresAt ? html`${formatTime(state.expiresAt)} <span class="muted">(idle timeout)</span>` : '—'}</dd></div>
    <div><dt>24-hour window</dt><dd>${windowCell(d.window, now)}</dd></div>
    <div><dt>Last user interaction</dt><dd>${formatTime(d.window?.lastInteractionAt ?? d.thread.lastInAt)}</dd></div>
  </dl>
  ${d.authority.ok ? '' : html`<p class="error">thread-ownership: ${d.authority.error}</p>`}
</div>
<div class="columns">
  <section class="card">
    <h2>Timeline</h2>
    ${d.timeline.length === 0 ? html`<p class="muted">Nothing yet.</p>` : html`<ol class="timeline" id="timeline">${d.timeline.map(timelineItem)}</ol>`}
  </section>
  <section class="card">
    <h2>Audit log <span class="muted small">(thread-ownership)</span></h2>
    ${
      state && state.history.length > 0
        ? html`<table class="audit"><thead><tr><th>When</th><th>Action</th><th>By</th><th>Owner</th><th>Metadata</th></tr></thead><tbody>${state.history.map(auditRow)}</tbody></table>`
        : html`<p class="muted">No ownership changes recorded.</p>`
    }
  </section>
</div>`;
}

/** The whole thread page body: a static action bar (keeps what the operator types) and the live part. */
export function threadPage(d: ThreadDetail, now: Date): SafeHtml {
  const { pageId, psid } = d.thread;
  const bots = (d.page?.apps ?? []).filter((a) => a.subscribed);
  return html`<nav class="crumbs"><a href="/">← All conversations</a></nav>
<section class="card">
  <h1>Conversation with user ${psid} <span class="muted">on ${d.page?.name ?? 'Page'} (${pageId})</span></h1>
  <div class="action-bar" data-page-id="${pageId}" data-psid="${psid}" data-inbox-app-id="${PAGE_INBOX_APP_ID}">
    <input id="action-note" type="text" maxlength="${METADATA_MAX_LENGTH}" placeholder="Note for the bots and the audit log (handover metadata)">
    <button type="button" class="primary" data-action="take" data-page-id="${pageId}" data-psid="${psid}">Take for the Page Inbox</button>
    <span class="pass">
      <select id="pass-target" aria-label="Pass to">
        ${bots.map((a) => html`<option value="${a.app_id}"${a.is_default_owner ? html` selected data-default="1"` : ''}>${appLabel(a.app_id)}${a.is_default_owner ? ' (default)' : ''}</option>`)}
      </select>
      <button type="button" data-action="pass" data-page-id="${pageId}" data-psid="${psid}">Pass</button>
    </span>
    <button type="button" data-action="release" data-page-id="${pageId}" data-psid="${psid}">Release</button>
  </div>
</section>
<div id="thread-live" data-page-id="${pageId}" data-psid="${psid}">
${threadLive(d, now)}
</div>`;
}

