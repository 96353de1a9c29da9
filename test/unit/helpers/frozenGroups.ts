// A streaming reply's frozen blocks sit in layout-only wrappers until finish() (see
// src/webview/streamingMarkdown.ts). Mid-stream checks compare content with the wrappers taken out;
// checks after finish() compare the DOM itself.
import { renderMarkdown } from '../../../src/webview/markdown';
import { FROZEN_GROUP_CLASS } from '../../../src/webview/streamingMarkdown';

/** The element's inner HTML with every frozen-block wrapper replaced by its children. */
export function htmlWithoutGroups(el: Element): string {
  const copy = el.cloneNode(true) as Element;
  for (const group of Array.from(copy.querySelectorAll(`.${FROZEN_GROUP_CLASS}`))) group.replaceWith(...Array.from(group.childNodes));
  return copy.innerHTML;
}

/** The one-shot render of `text`, serialized through `doc` so it compares with a container's innerHTML. */
export function oneShotHtml(doc: Document, text: string, codeActions = true): string {
  const t = doc.createElement('template');
  t.innerHTML = renderMarkdown(text, codeActions);
  const div = doc.createElement('div');
  div.append(t.content);
  return div.innerHTML;
}
