// Following the bottom of the conversation: while pinned, new content scrolls the view down (once a
// frame, no forced layout per delta). Only the user unpins it — a scroll soon after their wheel, touch,
// key or pointer in the conversation — because scroll events also come from our own scrolling and
// from scroll anchoring while off-screen messages change size. Where the view is goes to ViewMemory.
import { scrollAnchor, type ViewMemory } from './viewMemory';

/** A scroll this soon (ms) after a wheel, touch or key in the conversation is the user's. */
const USER_SCROLL_MS = 1000;
/** How close to the bottom (px) counts as "at the bottom". */
const BOTTOM_SLACK = 40;

export class BottomFollow {
  /** Following the bottom (new content scrolls into view). */
  pinned = true;
  private queued = false;
  /** When the user last wheeled, touched or used a key in the conversation. */
  private userScrollAt = -Infinity;
  private pointerDown = false;

  constructor(
    private readonly win: Window,
    private readonly list: HTMLElement,
    private readonly messages: HTMLElement,
    private readonly memory: ViewMemory,
    private readonly schedule?: (callback: () => void) => void,
  ) {
    const markIntent = () => {
      this.userScrollAt = performance.now();
      memory.letGo();
    };
    for (const type of ['wheel', 'touchmove', 'keydown'] as const) list.addEventListener(type, markIntent, { passive: true });
    list.addEventListener('pointerdown', () => {
      this.pointerDown = true;
      memory.letGo();
    });
    // A pointer released outside the view (or the view losing the focus) sends no pointerup here.
    for (const type of ['pointerup', 'pointercancel', 'blur'] as const) win.addEventListener(type, () => (this.pointerDown = false));
    list.addEventListener('scroll', () => {
      if (this.atBottom()) this.pinned = true;
      else if (this.pointerDown || performance.now() - this.userScrollAt < USER_SCROLL_MS) this.pinned = false;
      memory.rememberScroll(win, () => (this.pinned ? undefined : scrollAnchor(list, messages)));
    }, { passive: true });
  }

  /** Scrolls to the bottom before the next paint, if pinned; several calls in a frame scroll once. */
  queue(): void {
    if (!this.pinned || this.queued) return;
    this.queued = true;
    const run = () => {
      this.queued = false;
      if (this.pinned) this.now();
    };
    if (this.schedule) this.schedule(run);
    else if (typeof this.win.requestAnimationFrame === 'function') this.win.requestAnimationFrame(run);
    else this.win.setTimeout(run, 16);
  }

  /** Scrolls to the bottom at once, if pinned (a streamed render just grew the reply). */
  nowIfPinned(): void {
    if (this.pinned) this.now();
  }

  private now(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }

  private atBottom(): boolean {
    const l = this.list;
    return l.scrollHeight - l.scrollTop - l.clientHeight <= BOTTOM_SLACK;
  }
}
