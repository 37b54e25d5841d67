/** The console's stylesheet, served at /assets/console.css (no inline styles: strict CSP). */
export const CONSOLE_CSS = `
:root { --bg:#f4f5f7; --card:#fff; --ink:#1c1e21; --muted:#65676b; --line:#dadde1; --blue:#0866ff; --green:#1f8a3b; --amber:#b26b00; --red:#c62828; --purple:#6b3fd4; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color:var(--ink); background:var(--bg); }
a { color:var(--blue); text-decoration:none; } a:hover { text-decoration:underline; }
main { max-width:1280px; margin:0 auto; padding:16px 24px 48px; }
h1 { font-size:20px; margin:0 0 12px; } .card > h2:first-child, .card > h4:first-child { margin-top:0; } h2 { font-size:16px; margin:24px 0 8px; } h3 { font-size:15px; margin:0; } h4 { font-size:13px; margin:16px 0 6px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.topbar { display:flex; align-items:center; gap:16px; padding:10px 24px; background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:2; }
.brand { font-weight:700; font-size:16px; color:var(--ink); } .subtitle { color:var(--muted); flex:1; }
.live { font-size:12px; padding:2px 10px; border-radius:999px; background:#eee; color:var(--muted); }
.live[data-state=live] { background:#e6f4ea; color:var(--green); } .live[data-state=live]::before { content:"● "; }
.logout { margin:0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px; margin-bottom:16px; }
.card.flush { padding:0; overflow:auto; }
.muted { color:var(--muted); } .small { font-size:12px; }
.error { color:var(--red); }
button { font:inherit; padding:6px 12px; border-radius:6px; border:1px solid var(--line); background:#fff; cursor:pointer; }
button:hover { background:#f0f2f5; } button:disabled { opacity:.5; cursor:wait; }
button.primary { background:var(--blue); border-color:var(--blue); color:#fff; } button.primary:hover { background:#0a58d6; }
button.small { padding:3px 10px; font-size:12px; }
button.link { border:none; background:none; color:var(--blue); padding:0; }
input[type=text], input[type=password], select { font:inherit; padding:6px 10px; border:1px solid var(--line); border-radius:6px; background:#fff; }
table { width:100%; border-collapse:collapse; }
th, td { text-align:left; padding:8px 12px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; color:var(--muted); font-weight:600; background:#fafbfc; }
tr:last-child td { border-bottom:none; }
.threads td.summary { max-width:360px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; color:var(--muted); }
.thread-row.flash-in { animation: flash-in 1.2s ease-out; }
@keyframes flash-in { from { background:#fff7d6; } to { background:transparent; } }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; font-weight:600; background:#eef0f3; color:var(--ink); white-space:nowrap; }
.badge.bot { background:#e7f0ff; color:#0a4fc4; } .badge.inbox { background:#efe8ff; color:var(--purple); } .badge.idle { background:#eef0f3; color:var(--muted); }
.badge.ok { background:#e6f4ea; color:var(--green); } .badge.warn { background:#fff3e0; color:var(--amber); } .badge.bad { background:#fdecea; color:var(--red); }
.state.owned { color:var(--green); } .state.idle { color:var(--muted); }
.window.open { color:var(--green); font-weight:600; } .window.closed { color:var(--red); }
.pages { display:grid; grid-template-columns:1fr; gap:16px; }
.page-body { display:grid; grid-template-columns:minmax(0, 3fr) minmax(260px, 1fr); gap:24px; } @media (max-width: 960px) { .page-body { grid-template-columns:1fr; } }
.health { margin-bottom:4px; } .warn-text { color:var(--amber); }
.page-head { display:flex; justify-content:space-between; align-items:baseline; margin-bottom:8px; }
.facts { display:grid; grid-template-columns:repeat(auto-fill, minmax(220px, 1fr)); gap:8px 24px; margin:0; }
.facts.compact { grid-template-columns:repeat(4, minmax(0, 1fr)); margin-bottom:12px; }
.facts dt { font-size:12px; color:var(--muted); } .facts dd { margin:2px 0 0; }
.rules { margin:0; padding-left:18px; }
.kv span { margin-right:10px; } .kv b { font-weight:600; color:var(--muted); }
.crumbs { margin-bottom:12px; }
.action-bar { display:flex; flex-wrap:wrap; gap:8px; align-items:center; }
.action-bar input { flex:1 1 280px; } .action-bar .pass { display:inline-flex; gap:4px; }
.columns { display:grid; grid-template-columns:3fr 2fr; gap:16px; } @media (max-width: 960px) { .columns { grid-template-columns:1fr; } }
.timeline { list-style:none; margin:0; padding:0; }
.entry { border-left:3px solid var(--line); padding:6px 12px; margin:0 0 10px; }
.entry.in { border-color:var(--blue); } .entry.out { border-color:var(--green); } .entry.handover { border-color:var(--purple); background:#faf8ff; } .entry.notification { border-color:var(--amber); background:#fffaf2; }
.entry .meta { font-size:12px; color:var(--muted); } .entry .text { white-space:pre-wrap; word-break:break-word; }
.tag { font-weight:700; text-transform:uppercase; font-size:11px; letter-spacing:.04em; }
.tag.in { color:var(--blue); } .tag.out { color:var(--green); } .tag.handover { color:var(--purple); } .tag.notification { color:var(--amber); }
.metadata { font-size:12px; margin-top:2px; overflow-wrap:anywhere; } code { background:#f0f2f5; padding:0 4px; border-radius:4px; }
.audit td { font-size:12px; overflow-wrap:anywhere; }
.flash { position:fixed; right:24px; bottom:24px; max-width:420px; padding:10px 16px; border-radius:8px; background:#1c1e21; color:#fff; box-shadow:0 4px 16px rgba(0,0,0,.2); z-index:5; }
.flash[data-kind=error] { background:var(--red); }
.login { max-width:380px; margin:64px auto; }
.login form { display:flex; flex-direction:column; gap:10px; margin-top:16px; }
`;
