// Tiny DOM helpers: build elements from tag, attributes and children. Text is always set as text
// (never parsed as HTML); the only HTML the view parses is the Markdown renderer's output.

import type { Codicon } from '../protocol/codicons';

export type Child = Node | string | false | null | undefined;

export function h<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    el.append(typeof child === 'string' ? doc.createTextNode(child) : child);
  }
  return el;
}

export function icon(doc: Document, name: Codicon): HTMLSpanElement {
  return h(doc, 'span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** Parses renderer HTML in an inert <template>: nothing in it loads or runs while parsing. */
export function htmlFragment(doc: Document, html: string): DocumentFragment {
  const template = doc.createElement('template');
  template.innerHTML = html;
  return template.content;
}
