// Code blocks whose highlighting was left for later (the newest replies of a conversation being
// opened, older ones rendered in background slices): highlighted one block at a time in the view's
// background slices, so the first frame does not wait for highlight.js (its grammars compile on
// first use, and a long reply can hold hundreds of blocks). Once done, the DOM is the one-shot render.
import { htmlFragment } from './dom';
import { HIGHLIGHT_LATER_ATTR, laterHighlight } from './markdown';

export class LaterHighlights {
  private queue: HTMLElement[] = [];
  private next = 0;

  constructor(private readonly doc: Document) {}

  get size(): number {
    return this.queue.length - this.next;
  }

  /** Queues the code of `body` left for later, its last block first: the bottom of a reply shows first. */
  add(body: ParentNode): void {
    const found = body.querySelectorAll<HTMLElement>(`code[${HIGHLIGHT_LATER_ATTR}]`);
    for (let i = found.length - 1; i >= 0; i--) this.queue.push(found[i]);
  }

  /** Highlights the next queued block still in the view; false when the queue is empty. */
  highlightNext(): boolean {
    while (this.next < this.queue.length) {
      const code = this.queue[this.next++];
      if (this.next === this.queue.length) this.clear();
      // A body rendered again (or a conversation replaced) since: nothing to do for this one.
      if (!code.isConnected) continue;
      const html = laterHighlight(code);
      if (html === undefined) continue;
      code.removeAttribute(HIGHLIGHT_LATER_ATTR);
      code.replaceChildren(htmlFragment(this.doc, html));
      return true;
    }
    return false;
  }

  highlightAll(): void {
    while (this.highlightNext());
  }

  clear(): void {
    this.queue = [];
    this.next = 0;
  }
}
