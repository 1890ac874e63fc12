import type { Json } from '../events/event.js';
import { html, type SafeHtml } from './html.js';

interface Node {
  readonly test?: unknown;
  readonly passed?: unknown;
  readonly actual?: Json;
  readonly children?: readonly unknown[];
}

/**
 * A condition tree (`{ test, passed, actual?, children? }`, as the planner records it and `bridge
 * test` prints it) as nested lists: each condition, whether it held, and the value it saw, on its
 * own line (`.cond`), its children below.
 */
export function explanationTree(tree: unknown): SafeHtml {
  return html`<ul class="tree">${node(tree)}</ul>`;
}

function node(value: unknown): SafeHtml {
  const n = (value ?? {}) as Node;
  const passed = n.passed === true;
  const actual = Object.hasOwn(n, 'actual') ? html` <span class="actual">(actual: <code>${JSON.stringify(n.actual)}</code>)</span>` : '';
  const children = Array.isArray(n.children) && n.children.length > 0 ? html`<ul class="tree">${n.children.map(node)}</ul>` : '';
  return html`<li><div class="cond"><span class="${passed ? 'pass' : 'fail'}" aria-label="${passed ? 'passed' : 'failed'}">${passed ? '✓' : '✗'}</span> ${String(n.test ?? '')}${actual}</div>${children}</li>`;
}
