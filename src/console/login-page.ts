import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** The login form; `csrf` is the double-submit token also set as a cookie. */
export function loginPage(opts: { readonly csrf: string; readonly error?: string; readonly next?: string }): SafeHtml {
  return layout({
    title: 'Log in',
    body: html`<form class="login" method="post" action="/console/login">
  <h1>Console login</h1>
  ${opts.error === undefined ? '' : html`<p class="error-box" role="alert">${opts.error}</p>`}
  <input type="hidden" name="_csrf" value="${opts.csrf}">
  ${opts.next === undefined ? '' : html`<input type="hidden" name="next" value="${opts.next}">`}
  <label for="password">Password <input id="password" name="password" type="password" autocomplete="current-password" required autofocus></label>
  <button class="primary" type="submit">Log in</button>
</form>`,
  });
}

/** A page that says what went wrong (403 forged token, 404, 429) without any detail worth hiding. */
export function messagePage(opts: { readonly title: string; readonly message: string; readonly csrf?: string }): SafeHtml {
  return layout({ title: opts.title, ...(opts.csrf !== undefined && { csrf: opts.csrf }), body: html`<h1>${opts.title}</h1><p class="error-box" role="alert">${opts.message}</p><p><a href="/console/events">Back to the events</a></p>` });
}
