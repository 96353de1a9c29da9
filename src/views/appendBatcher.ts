// Coalesces a reply's stream deltas into few postMessage calls without delaying the first one.
// Each postMessage crosses the extension host → workbench → webview boundary, so one per token
// wastes CPU on fast models; a trailing batch, though, delays every delta by up to the interval.
// Leading edge: a delta after a quiet interval is posted at once; only deltas that arrive less
// than `intervalMs` after the last post wait, and then together.

export interface PendingAppend {
  id: string;
  text?: string;
  thinking?: string;
}

export interface AppendBatcherOptions {
  intervalMs: number;
  post(append: PendingAppend): void;
  /** Injected in tests. */
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export class AppendBatcher {
  private readonly pending = new Map<string, { text: string; thinking: string }>();
  private timer: unknown;
  private lastPost = -Infinity;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly options: AppendBatcherOptions) {
    this.now = options.now ?? (() => performance.now());
    this.setTimer = options.setTimer ?? ((cb, ms) => setTimeout(cb, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  }

  add(id: string, text = '', thinking = ''): void {
    if (text === '' && thinking === '') return;
    const p = this.pending.get(id) ?? { text: '', thinking: '' };
    p.text += text;
    p.thinking += thinking;
    this.pending.set(id, p);
    if (this.timer !== undefined) return;
    const wait = this.lastPost + this.options.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = this.setTimer(() => this.flush(), wait);
  }

  /** Posts everything pending now (before any other message, so the view sees deltas in order). */
  flush(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    for (const [id, p] of this.pending) this.options.post({ id, text: p.text || undefined, thinking: p.thinking || undefined });
    this.pending.clear();
    this.lastPost = this.now();
  }

  /** Drops what is pending without posting it (the view is about to get it another way). */
  discard(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  dispose(): void {
    this.discard();
  }
}
