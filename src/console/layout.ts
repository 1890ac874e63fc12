import { html, type SafeHtml } from './html.js';

export type ConsolePage = 'events' | 'why' | 'dead' | 'rules';

const NAV: readonly { readonly page: ConsolePage; readonly href: string; readonly label: string }[] = [
  { page: 'events', href: '/console/events', label: 'Events' },
  { page: 'why', href: '/console/why', label: "Why didn't it fire?" },
  { page: 'dead', href: '/console/dead', label: 'Dead letters' },
  { page: 'rules', href: '/console/rules', label: 'Rules' },
];

/**
 * The page shell: stylesheet and script from the bridge itself, navigation, logout (with its CSRF
 * token); `refreshSeconds` reloads the page by itself (a meta refresh, no script); `script` is one of
 * the bridge's own script files.
 */
export function layout(opts: { readonly title: string; readonly page?: ConsolePage; readonly csrf?: string; readonly refreshSeconds?: number; readonly script?: string; readonly body: SafeHtml }): SafeHtml {
  const header =
    opts.csrf === undefined
      ? ''
      : html`<header class="top">
  <a class="brand" href="/console/events">returning-bridge</a>
  <nav aria-label="Console">${NAV.map((n) => html`<a href="${n.href}"${n.page === opts.page ? html` aria-current="page"` : ''}>${n.label}</a>`)}</nav>
  <form method="post" action="/console/logout"><input type="hidden" name="_csrf" value="${opts.csrf}"><button type="submit">Log out</button></form>
</header>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.refreshSeconds === undefined ? '' : html`<meta http-equiv="refresh" content="${opts.refreshSeconds}">`}
${opts.csrf === undefined ? '' : html`<meta name="csrf-token" content="${opts.csrf}">`}
<title>${opts.title} · returning-bridge console</title>
<link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console.css">
${opts.script === undefined ? '' : html`<script src="${opts.script}" defer></script>`}
</head>
<body>
${header}
<main>
${opts.body}
</main>
</body>
</html>
`;
}
