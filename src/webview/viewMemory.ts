// What the chat view remembers while the sidebar hides it. VS Code discards a hidden webview (we do
// not ask for retainContextWhenHidden: it would keep the whole page in memory), but keeps the
// webview state (getState/setState) for it: there go the scroll position (the message at the top of
// the view and how far into it, so it survives a different width and messages rendered later), the
// thinking sections left open and the long questions shown in full. The composer keeps its draft in
// the same state object; each part patches only its own keys.
import type { MessageView } from '../protocol/messages';
import type { MessageEntries } from './messageEntries';

/**
 * The message at the top of the view and how many pixels of it are above the view's top, and the
 * newest message then (`last`): a position only means something for the conversation as it was.
 */
export interface ScrollAnchor {
  id: string;
  offset: number;
  last?: string;
}

function sameAnchor(a: ScrollAnchor | undefined, b: ScrollAnchor | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.id === b.id && a.offset === b.offset && a.last === b.last);
}

interface Remembered {
  /** undefined or null: at the bottom (following the newest message). */
  scroll?: ScrollAnchor | null;
  thinkingOpen?: string[];
  shownAll?: string[];
}

/** Ids remembered per kind: enough for any screenful, small enough for the state VS Code stores. */
const MAX_IDS = 200;
/** The scroll position is remembered at most this often (ms) while the user scrolls. */
const SCROLL_SAVE_MS = 150;

/** What restoring the view needs of it. */
export interface RestoreView {
  win: Window;
  list: HTMLElement;
  content: HTMLElement;
  entries: MessageEntries;
  /** Renders every message left for later. */
  renderAll(): void;
}

export interface StateApi {
  getState(): unknown;
  setState(state: unknown): void;
}

export class ViewMemory {
  /** Only the first full state after the view (re)opened goes back to the remembered position. */
  private restoreScroll = true;
  private scrollTimer: number | undefined;
  private holding: ResizeObserver | undefined;
  /** A position to go back to whose message is in a batch not yet received (restoreOlder). */
  private awaited: ScrollAnchor | undefined;

  constructor(private readonly api: StateApi) {}

  /**
   * Scrolls back to where the user was and holds `offset` pixels of `el` above the top of `list`
   * while the reopened page settles (styles, fonts and the side bar's final width change the
   * heights above it), until letGo() (the user scrolls, or the conversation changes).
   */
  hold(win: Window, list: HTMLElement, content: HTMLElement, el: HTMLElement, offset: number): void {
    this.letGo();
    restoreScroll(list, el, offset);
    const Observer = (win as Window & { ResizeObserver?: typeof ResizeObserver }).ResizeObserver;
    if (typeof Observer !== 'function') return;
    const observer = new Observer(() => restoreScroll(list, el, offset));
    observer.observe(list);
    observer.observe(content);
    this.holding = observer;
  }

  letGo(): void {
    this.holding?.disconnect();
    this.holding = undefined;
    this.awaited = undefined;
  }

  /**
   * After a full state: opens again what the user had open and, for the first state after the view
   * reopened, scrolls back to where the user was. True when it did (the view must not follow the bottom).
   * `olderMissing`: older messages still to come in batches (restoreOlder), where that may be.
   */
  restore(view: RestoreView, messages: readonly MessageView[], olderMissing = 0): boolean {
    reopenSections(this, view.entries, messages, olderMissing === 0);
    const anchor = this.takeScroll();
    // Something was added since the position was remembered (a question, a reply that came while the
    // view was hidden, or webview state saved before the last change, as a window reload can bring
    // back): the newest message matters more than the old position, so the view opens at the bottom.
    const newest = messages.length ? messages[messages.length - 1].id : undefined;
    const current = anchor && anchor.last === newest ? anchor : undefined;
    this.letGo();
    if (!current) return false;
    if (!view.entries.get(current.id) && olderMissing > 0) this.awaited = current;
    return this.goBack(view, current);
  }

  /** After a batch of older messages: the same for them, and the position if its message came in it. */
  restoreOlder(view: RestoreView, batch: readonly MessageView[], olderMissing: number): boolean {
    reopenSections(this, view.entries, batch, olderMissing === 0);
    const anchor = this.awaited;
    if (!anchor || (!view.entries.get(anchor.id) && olderMissing > 0)) return false;
    this.awaited = undefined;
    return this.goBack(view, anchor);
  }

  private goBack(view: RestoreView, anchor: ScrollAnchor): boolean {
    const el = view.entries.get(anchor.id)?.el;
    if (!el) return false;
    view.renderAll(); // everything above it at its real height
    this.hold(view.win, view.list, view.content, el, anchor.offset);
    return true;
  }

  /** The position to scroll back to: once, for the first full state. */
  takeScroll(): ScrollAnchor | undefined {
    const anchor = this.restoreScroll ? this.scroll : undefined;
    this.restoreScroll = false;
    return anchor;
  }

  /** Remembers where the view is scrolled (`where`: undefined at the bottom); at most every SCROLL_SAVE_MS. */
  rememberScroll(win: Window, where: () => ScrollAnchor | undefined): void {
    if (this.scrollTimer !== undefined) return;
    this.scrollTimer = win.setTimeout(() => {
      this.scrollTimer = undefined;
      const anchor = where();
      // Each setState is a message through the workbench: a view following a streaming reply
      // scrolls on every render, and its position ("at the bottom") does not change.
      if (!sameAnchor(anchor, this.scroll)) this.scroll = anchor;
    }, SCROLL_SAVE_MS);
  }

  /** The whole state object (other parts' keys included). */
  read(): Record<string, unknown> {
    const s = this.api.getState();
    return typeof s === 'object' && s !== null && !Array.isArray(s) ? (s as Record<string, unknown>) : {};
  }

  /** Replaces only the keys in `part`. */
  patch(part: Record<string, unknown>): void {
    this.api.setState({ ...this.read(), ...part });
  }

  get scroll(): ScrollAnchor | undefined {
    const s = (this.read() as Remembered).scroll;
    const valid = s && typeof s.id === 'string' && typeof s.offset === 'number' && Number.isFinite(s.offset);
    return valid && (s.last === undefined || typeof s.last === 'string') ? s : undefined;
  }

  set scroll(anchor: ScrollAnchor | undefined) {
    this.patch({ scroll: anchor ?? null });
  }

  has(kind: 'thinkingOpen' | 'shownAll', id: string): boolean {
    return this.ids(kind).includes(id);
  }

  set(kind: 'thinkingOpen' | 'shownAll', id: string, on: boolean): void {
    const ids = this.ids(kind).filter((x) => x !== id);
    if (on) ids.push(id);
    this.patch({ [kind]: ids.slice(-MAX_IDS) });
  }

  /** Forgets the ids of messages no longer shown (another conversation was opened). */
  keepOnly(present: (id: string) => boolean): void {
    const thinkingOpen = this.ids('thinkingOpen').filter(present);
    const shownAll = this.ids('shownAll').filter(present);
    if (thinkingOpen.length !== this.ids('thinkingOpen').length || shownAll.length !== this.ids('shownAll').length) {
      this.patch({ thinkingOpen, shownAll });
    }
  }

  private ids(kind: 'thinkingOpen' | 'shownAll'): string[] {
    const v = (this.read() as Record<string, unknown>)[kind];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }
}

/** The first message whose bottom is below the top of `list` (binary search: messages are in order). */
export function scrollAnchor(list: HTMLElement, messages: HTMLElement): ScrollAnchor | undefined {
  const items = messages.children;
  if (items.length === 0) return undefined;
  const top = list.getBoundingClientRect().top;
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].getBoundingClientRect().bottom <= top) lo = mid + 1;
    else hi = mid;
  }
  const el = items[lo] as HTMLElement;
  const id = el.getAttribute('data-id');
  const last = items[items.length - 1].getAttribute('data-id') ?? undefined;
  return id ? { id, offset: top - el.getBoundingClientRect().top, last } : undefined;
}

/** Scrolls `list` so that `offset` pixels of `el` are above its top again. */
export function restoreScroll(list: HTMLElement, el: HTMLElement, offset: number): void {
  list.scrollTop += el.getBoundingClientRect().top - list.getBoundingClientRect().top + offset;
}

/**
 * Opens again the thinking sections and long questions remembered for these messages (now shown);
 * `forget`: every message is in, so the ids of the others (another conversation's) are dropped.
 */
export function reopenSections(memory: ViewMemory, entries: MessageEntries, messages: readonly MessageView[], forget = true): void {
  if (forget) memory.keepOnly((id) => entries.get(id) !== undefined);
  for (const view of messages) {
    const thinking = memory.has('thinkingOpen', view.id);
    if (!thinking && !memory.has('shownAll', view.id)) continue;
    const entry = entries.get(view.id)!;
    entries.renderPending(entry);
    if (thinking) entry.el.querySelector(':scope > [data-testid="thinking"]')?.setAttribute('open', '');
    else entries.expand(view.id);
  }
}

/** Remembers each thinking section the user opens or closes (`toggle` does not bubble: captured). */
export function watchThinking(list: HTMLElement, memory: ViewMemory): void {
  list.addEventListener('toggle', (e) => {
    const details = e.target as HTMLDetailsElement;
    const id = details.matches?.('[data-testid="thinking"]') ? details.closest('[data-testid="message"]')?.getAttribute('data-id') : undefined;
    if (id && memory.has('thinkingOpen', id) !== details.open) memory.set('thinkingOpen', id, details.open);
  }, true);
}

