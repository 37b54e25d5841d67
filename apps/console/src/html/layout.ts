import { html, type SafeHtml } from './html.js';

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Shows the navigation, the live indicator and the logout button. */
  signedIn: boolean;
}

/** The document around every console page: one stylesheet, one module script, no inline code (strict CSP). */
export function page({ title, body, signedIn }: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Operator console</title>
<link rel="stylesheet" href="/assets/console.css">
${signedIn ? html`<script type="module" src="/assets/console.js"></script>` : ''}
</head>
<body>
<header class="topbar">
  <a class="brand" href="/">Operator console</a>
  <span class="subtitle">Messenger handover orchestrator</span>
  ${
    signedIn
      ? html`<span class="live" id="live-status" data-state="connecting">connecting…</span>
  <form method="post" action="/logout" class="logout"><button type="submit" class="link">Log out</button></form>`
      : ''
  }
</header>
<div id="flash" class="flash" role="status" hidden></div>
<main>
${body}
</main>
</body>
</html>`.value;
}
