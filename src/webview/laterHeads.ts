// A long reply of a conversation being opened shows its end first: the view opens at the bottom,
// so the first frame needs the last blocks only. The rest (the head) is rendered in a background
// slice in front of them; the body is then the one-shot render (markdown.ts, splitAtBlock).
import { htmlFragment } from './dom';
import type { LaterHighlights } from './laterHighlights';
import { renderPart, splitAtBlock, type MessageParts } from './markdown';

/** At least this much of a long message is rendered at once (a few screens of a narrow side bar). */
export const TAIL_FIRST_CHARS = 8_000;

interface HeadJob {
  body: HTMLElement;
  /** The tail's first node: the head goes in front of it (gone from the body = rendered again since). */
  first: ChildNode;
  parts: MessageParts;
  codeActions: boolean;
  onRendered(): void;
}

export class LaterHeads {
  private jobs: HeadJob[] = [];

  constructor(
    private readonly doc: Document,
    private readonly highlights: LaterHighlights,
  ) {}

  get size(): number {
    return this.jobs.length;
  }

  /**
   * Renders the end of `text` into `body` (its code highlighted later) and queues the rest; false
   * (nothing done) when the text is too short to split.
   */
  renderTail(body: HTMLElement, text: string, codeActions: boolean, onRendered: () => void): boolean {
    const parts = splitAtBlock(text, TAIL_FIRST_CHARS);
    if (!parts) return false;
    const tail = htmlFragment(this.doc, renderPart(parts.tail, codeActions, parts.headCodeBlocks, parts.references));
    const first = tail.firstChild;
    if (!first) return false;
    body.replaceChildren(tail);
    this.highlights.add(body);
    this.jobs.push({ body, first, parts, codeActions, onRendered });
    return true;
  }

  /** Renders the next queued head still wanted; false when none is left. */
  renderNext(): boolean {
    for (let job = this.jobs.shift(); job; job = this.jobs.shift()) {
      if (job.first.parentNode !== job.body || !job.body.isConnected) continue;
      const head = htmlFragment(this.doc, renderPart(job.parts.head, job.codeActions, 0, job.parts.references));
      this.highlights.add(head);
      job.body.insertBefore(head, job.first);
      job.onRendered();
      return true;
    }
    return false;
  }

  renderAll(): void {
    while (this.renderNext());
  }

  clear(): void {
    this.jobs = [];
  }
}
