// File references in a rendered reply (`<span class="file-ref" data-ref>` from markdown.ts) stay
// text until the host answers which of them name a file in the workspace; those become buttons
// that ask the host to open the file. The view only ever names references its reply contained.
import { h } from './dom';
import { t } from './l10n';

/** The distinct references in `root` (marked or already linked), in document order. */
export function fileRefsIn(root: Element): string[] {
  const refs = new Set<string>();
  for (const el of root.querySelectorAll('span.file-ref[data-ref], button.file-link[data-ref]')) refs.add(el.getAttribute('data-ref')!);
  return [...refs];
}

/** Turns the marked references the host resolved into buttons (their content kept). */
export function linkFileRefs(root: Element, resolved: ReadonlySet<string>): void {
  const doc = root.ownerDocument;
  for (const span of Array.from(root.querySelectorAll('span.file-ref[data-ref]'))) {
    const ref = span.getAttribute('data-ref')!;
    if (!resolved.has(ref)) continue;
    const button = h(doc, 'button', { type: 'button', class: 'file-link', 'data-testid': 'file-link', 'data-ref': ref, title: t('fileLink.title', ref) });
    button.append(...Array.from(span.childNodes));
    span.replaceWith(button);
  }
}
