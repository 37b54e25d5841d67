import { html } from '../html/html.js';
import { page } from '../html/layout.js';

export function loginPage(error?: string): string {
  const body = html`<section class="card login">
  <h1>Operator login</h1>
  <p class="muted">See and steer every conversation of every bot on your Pages.</p>
  ${error ? html`<p class="error" id="login-error" role="alert">${error}</p>` : ''}
  <form method="post" action="/login">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
    <button type="submit" class="primary">Log in</button>
  </form>
</section>`;
  return page({ title: 'Log in', body, signedIn: false });
}
