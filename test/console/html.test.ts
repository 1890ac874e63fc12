import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../src/console/html.js';

describe('escapeHtml', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    [`"'&`, '&quot;&#39;&amp;'],
    [42, '42'],
    [null, ''],
    [undefined, ''],
  ])('%s → %s', (value, expected) => {
    expect(escapeHtml(value)).toBe(expected);
  });
});

describe('html', () => {
  it('escapes every value, in text and attributes, but not nested html', () => {
    const name = '<img src=x onerror=alert(1)>';
    const inner = html`<b>${name}</b>`;
    expect(html`<a title="${'" onclick="x'}">${inner}</a>`.text).toBe('<a title="&quot; onclick=&quot;x">' + '<b>&lt;img src=x onerror=alert(1)&gt;</b></a>');
  });

  it('joins arrays and renders nothing for false, null and undefined', () => {
    expect(html`<ul>${['<a>', html`<li>b</li>`]}${false}${null}${undefined}</ul>`.text).toBe('<ul>&lt;a&gt;<li>b</li></ul>');
  });
});
