import { html } from '../html/html.js';
import { page } from '../html/layout.js';

/** `next`: where to go once logged in (already checked by safeNextPath). */
export function loginPage(error?: string, next = '/'): string {
  const action = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
  const body = html`<section class="card login">
  <h1>Operator login</h1>
  <p class="muted">See and steer every conversation of every bot on your Pages.</p>
  ${error ? html`<p class="error" id="login-error" role="alert">${error}</p>` : ''}
  <form method="post" action="${action}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
    <button type="submit" class="primary">Log in</button>
  </form>
</section>`;
  return page({ title: 'Log in', body, signedIn: false });
}
