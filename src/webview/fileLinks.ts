// File references in a rendered reply (`<span class="file-ref" data-ref>` from markdown.ts) stay
// text until the host answers which of them name a file in the workspace; those become buttons
// that ask the host to open the file. The view only ever names references its reply contained.
import { MAX_FILE_REFS, type WebviewToHost } from '../protocol/messages';
import { h } from './dom';
import { t } from './l10n';

/** Per reply: the file references the host found in the workspace, and the ones asked about. */
export class ReplyFileLinks {
  private readonly found = new Map<string, Set<string>>();
  private readonly asked = new Map<string, string>();

  constructor(private readonly post: (message: WebviewToHost) => void) {}

  /** Links a finished reply's file references the host resolved; asks about new ones once. */
  rendered(id: string, body: Element): void {
    const refs = fileRefsIn(body);
    if (refs.length === 0) return;
    const known = this.found.get(id);
    if (known) linkFileRefs(body, known);
    const key = refs.join('\n');
    if (this.asked.get(id) === key) return;
    this.asked.set(id, key);
    this.post({ type: 'resolveFiles', id, refs: refs.slice(0, MAX_FILE_REFS) });
  }

  /** The host's answer for reply `id`; `body`: the reply as shown now, if it is rendered. */
  resolved(id: string, refs: readonly string[], body: Element | undefined): void {
    const known = this.found.get(id) ?? new Set<string>();
    for (const ref of refs) known.add(ref);
    this.found.set(id, known);
    if (body) linkFileRefs(body, known);
  }
}

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
