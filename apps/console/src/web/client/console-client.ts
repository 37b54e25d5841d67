/**
 * The console's only script (plain browser code, no framework), served at /assets/console.js:
 * - listens to /events (server-sent events) and re-renders the row or thread that changed;
 * - runs the operator buttons (take, pass, release, resubscribe) through JSON POSTs;
 * - keeps the 24-hour window countdowns and the live indicator current.
 * The server renders all markup; this file only fetches fragments and swaps them in.
 */
export {};

const FRAGMENT = { 'x-console-fragment': '1' };
const pendingThreads = new Map<string, ReturnType<typeof setTimeout>>();

function $(selector: string, root: ParentNode = document): HTMLElement | null {
  return root.querySelector<HTMLElement>(selector);
}

function flash(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const box = $('#flash');
  if (!box) return;
  box.textContent = message;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(Number(box.dataset.timer ?? 0));
  box.dataset.timer = String(setTimeout(() => (box.hidden = true), kind === 'error' ? 8000 : 3000));
}

async function fetchFragment(url: string): Promise<string | null> {
  const response = await fetch(url, { headers: FRAGMENT, credentials: 'same-origin' });
  if (response.status === 401) {
    location.href = '/login';
    return null;
  }
  return response.ok ? response.text() : null;
}

function fromHtml(markup: string, wrapper: 'tbody' | 'div'): Element | null {
  const holder = document.createElement(wrapper === 'tbody' ? 'tbody' : 'div');
  if (wrapper === 'tbody') {
    const table = document.createElement('table');
    table.appendChild(holder);
  }
  holder.innerHTML = markup.trim();
  return holder.firstElementChild;
}

/** Coalesces bursts: one refresh per thread per 150 ms, however many events arrive. */
function scheduleThread(pageId: string, psid: string): void {
  const key = `${pageId}-${psid}`;
  if (pendingThreads.has(key)) return;
  pendingThreads.set(
    key,
    setTimeout(() => {
      pendingThreads.delete(key);
      void refreshThread(pageId, psid);
    }, 150),
  );
}

async function refreshThread(pageId: string, psid: string): Promise<void> {
  const base = `/fragments/threads/${encodeURIComponent(pageId)}/${encodeURIComponent(psid)}`;
  const body = $('#threads-body');
  const filter = $('#threads')?.dataset.pageFilter;
  if (body && (!filter || filter === pageId)) {
    const markup = await fetchFragment(`${base}/row`);
    const row = markup && fromHtml(markup, 'tbody');
    if (row) {
      document.getElementById(`thread-${pageId}-${psid}`)?.remove();
      body.querySelector('tr.empty')?.remove();
      body.prepend(row);
      row.classList.add('flash-in');
      tick();
    }
  }
  const live = $('#thread-live');
  if (live && live.dataset.pageId === pageId && live.dataset.psid === psid) {
    const markup = await fetchFragment(`${base}/live`);
    if (markup !== null) {
      live.innerHTML = markup;
      tick();
      syncActionBar();
    }
  }
}

/**
 * The thread page's buttons follow the owner shown in the live part: no Take while the Page Inbox
 * has the conversation, no Release while it is idle, and the Pass list leaves out the owner (and,
 * while idle, the default app, which gets the conversation with the user's next message).
 */
function syncActionBar(): void {
  const bar = $('.action-bar');
  if (!bar) return;
  const owner = $('#thread-owner [data-owner]')?.dataset.owner ?? null;
  // A button whose action is in flight stays off until it is done (onAction syncs again then).
  const button = (action: string) => bar.querySelector<HTMLButtonElement>(`button[data-action=${action}]:not([data-busy])`);
  const take = button('take');
  if (take) take.disabled = owner !== null && owner === bar.dataset.inboxAppId;
  const release = button('release');
  if (release) release.disabled = owner === null;
  const select = $('#pass-target') as HTMLSelectElement | null;
  if (!select) return;
  for (const option of Array.from(select.options)) option.disabled = owner === null ? option.dataset.default === '1' : option.value === owner;
  if (select.selectedOptions[0]?.disabled) {
    const usable = Array.from(select.options).find((o) => !o.disabled);
    if (usable) select.value = usable.value;
  }
  const pass = button('pass');
  if (pass) pass.disabled = !Array.from(select.options).some((o) => !o.disabled);
}

async function refreshPage(pageId: string): Promise<void> {
  const card = document.getElementById(`page-${pageId}`);
  if (!card) return;
  const markup = await fetchFragment(`/fragments/pages/${encodeURIComponent(pageId)}`);
  const fresh = markup && fromHtml(markup, 'div');
  if (fresh) card.replaceWith(fresh);
}

async function post(url: string, body: unknown): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...FRAGMENT },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  if (response.status === 401) {
    location.href = '/login';
    return false;
  }
  if (response.ok) return true;
  const error = ((await response.json().catch(() => ({}))) as { error?: { message?: string } }).error;
  flash(error?.message ?? `failed (HTTP ${response.status})`, 'error');
  return false;
}

async function onAction(button: HTMLButtonElement): Promise<void> {
  const { action, pageId, psid } = button.dataset;
  if (!action || !pageId || !psid) return;
  const note = ($('#action-note') as HTMLInputElement | null)?.value.trim() || undefined;
  const targetAppId = action === 'pass' ? ($('#pass-target') as HTMLSelectElement | null)?.value : undefined;
  button.disabled = true;
  button.dataset.busy = '1';
  try {
    const url = `/actions/threads/${encodeURIComponent(pageId)}/${encodeURIComponent(psid)}/${action}`;
    if (await post(url, { note, targetAppId })) {
      flash(action === 'take' ? 'Taken: the Page Inbox (human agents) owns the conversation.' : action === 'pass' ? `Passed to ${targetAppId}.` : 'Released.');
      const noteInput = $('#action-note') as HTMLInputElement | null;
      if (noteInput) noteInput.value = '';
      await refreshThread(pageId, psid);
    }
  } finally {
    delete button.dataset.busy;
    button.disabled = false;
    syncActionBar(); // the owner may have changed: some buttons stay off
  }
}

async function onResubscribe(button: HTMLButtonElement): Promise<void> {
  const appId = button.dataset.resubscribe;
  const pageId = button.dataset.pageId;
  if (!appId || !pageId) return;
  button.disabled = true;
  try {
    if (await post(`/actions/pages/${encodeURIComponent(pageId)}/apps/${encodeURIComponent(appId)}/resubscribe`, {})) {
      flash(`${appId} is subscribed to Page ${pageId} again.`);
      await refreshPage(pageId);
    }
  } finally {
    button.disabled = false;
  }
}

document.addEventListener('click', (event) => {
  const button = (event.target as Element | null)?.closest('button');
  if (!(button instanceof HTMLButtonElement)) return;
  if (button.dataset.action) void onAction(button);
  else if (button.dataset.resubscribe) void onResubscribe(button);
});

/** Same rounding as the server's formatDuration. */
function duration(ms: number): string {
  const m = 60_000;
  const h = 60 * m;
  const d = 24 * h;
  if (ms < m) return '<1m';
  if (ms >= d) return `${Math.floor(ms / d)}d ${Math.floor((ms % d) / h)}h`;
  if (ms >= h) return `${Math.floor(ms / h)}h ${Math.floor((ms % h) / m)}m`;
  return `${Math.floor(ms / m)}m`;
}

function tick(): void {
  const now = Date.now();
  document.querySelectorAll<HTMLElement>('[data-until]').forEach((el) => {
    const left = new Date(el.dataset.until ?? '').getTime() - now;
    el.textContent = left > 0 ? `${duration(left)} left` : 'closed';
    el.classList.toggle('open', left > 0);
    el.classList.toggle('closed', left <= 0);
  });
  document.querySelectorAll<HTMLElement>('time[datetime][data-ago]').forEach((el) => {
    const ago = now - new Date(el.getAttribute('datetime') ?? '').getTime();
    el.textContent = ago < 60_000 ? 'just now' : `${duration(ago)} ago`;
  });
}

function connect(): void {
  const status = $('#live-status');
  const setStatus = (state: string, text: string) => {
    if (!status) return;
    status.dataset.state = state;
    status.textContent = text;
  };
  const events = new EventSource('/events');
  events.addEventListener('open', () => setStatus('live', 'live'));
  events.addEventListener('error', () => setStatus('connecting', 'reconnecting…'));
  events.addEventListener('thread', (e) => {
    const { pageId, psid } = JSON.parse((e as MessageEvent<string>).data) as { pageId: string; psid: string };
    scheduleThread(pageId, psid);
  });
  events.addEventListener('page', (e) => {
    const { pageId } = JSON.parse((e as MessageEvent<string>).data) as { pageId: string };
    void refreshPage(pageId);
  });
}

connect();
tick();
syncActionBar();
setInterval(tick, 30_000);
