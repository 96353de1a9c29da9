// Persistence of the chat through a key-value store (the host passes VS Code's workspace Memento).
// Nothing typed is lost: a question is written the moment it is added (before the request goes
// out), a streaming reply is written as it grows (throttled), and endings are written at once.

import { Conversation, type ConversationJSON, type Disposable, type StoredMessage } from './conversation';

/** The subset of vscode.Memento used here; `Thenable` is PromiseLike-compatible. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void> | Promise<void>;
}

type TimerHandle = unknown;

export interface ConversationStoreOptions {
  key?: string;
  /** Streaming appends are saved at most once per this many ms (trailing). Default 500. */
  throttleMs?: number;
  /** Newest messages kept in storage. Default 200. */
  maxMessages?: number;
  /** Characters of message text kept in storage. Default 5,000,000 (~5–10 MB as UTF-16 JSON). */
  maxChars?: number;
  setTimeout?: (fn: () => void, ms: number) => TimerHandle;
  clearTimeout?: (handle: TimerHandle) => void;
  /** A write failed (disk full, storage closed). The chat keeps working in memory. */
  onError?: (err: unknown) => void;
}

export const DEFAULT_STORE_KEY = 'gmi.conversation';

/** Added to a message whose stored copy had to be cut (it alone exceeded the storage cap). */
export const STORED_CUT_NOTICE = 'This message was too large to keep in full after a reload; the stored copy was cut.';

export class ConversationStore implements Disposable {
  private readonly key: string;
  private readonly throttleMs: number;
  private readonly maxMessages: number;
  private readonly maxChars: number;
  private readonly setTimer: (fn: () => void, ms: number) => TimerHandle;
  private readonly clearTimer: (handle: TimerHandle) => void;
  private readonly onError: (err: unknown) => void;

  private conversation: Conversation | undefined;
  private subscription: Disposable | undefined;
  private timer: TimerHandle | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: KeyValueStore,
    opts: ConversationStoreOptions = {},
  ) {
    this.key = opts.key ?? DEFAULT_STORE_KEY;
    this.throttleMs = opts.throttleMs ?? 500;
    this.maxMessages = opts.maxMessages ?? 200;
    this.maxChars = opts.maxChars ?? 5_000_000;
    this.setTimer = opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.onError = opts.onError ?? (() => undefined);
  }

  /**
   * Reads the stored chat. Never throws: unreadable data loads what it can and says what was
   * skipped in `problems`; replies stored mid-stream come back 'interrupted'.
   */
  load(): { conversation: Conversation; problems: string[] } {
    let data: unknown;
    try {
      data = this.store.get<unknown>(this.key);
    } catch (err) {
      return { conversation: new Conversation(), problems: [`Could not read the stored chat: ${String(err)}`] };
    }
    return Conversation.fromJSON(data);
  }

  /** Saves `conversation` on every change from now on (replacing any earlier attachment). */
  attach(conversation: Conversation): void {
    this.detach();
    this.conversation = conversation;
    this.subscription = conversation.onDidChange((e) => {
      if (e.kind === 'appended') this.saveThrottled();
      else this.saveNow();
    });
  }

  /** Writes any pending change and waits for all writes to finish (for deactivate). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) this.saveNow();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops watching and drops a pending throttled save; call flush() first to keep it. */
  dispose(): void {
    this.detach();
  }

  private detach(): void {
    this.cancelTimer();
    this.subscription?.dispose();
    this.subscription = undefined;
    this.conversation = undefined;
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clearTimer(this.timer);
    this.timer = undefined;
  }

  private saveThrottled(): void {
    if (this.timer !== undefined) return;
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      this.saveNow();
    }, this.throttleMs);
  }

  /**
   * Writes now. `update` is called synchronously: VS Code's Memento takes the value into its cache
   * at once, so even a write whose promise hasn't settled survives a reload that follows.
   */
  private saveNow(): void {
    this.cancelTimer();
    if (!this.conversation) return;
    const value = capForStorage(this.conversation.toJSON(), this.maxMessages, this.maxChars);
    let write: Promise<void>;
    try {
      write = Promise.resolve(this.store.update(this.key, value));
    } catch (err) {
      write = Promise.reject(err);
    }
    const tracked = write.then(
      () => undefined,
      (err) => this.onError(err),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}

function messageChars(m: StoredMessage): number {
  return m.text.length + (m.thinking?.length ?? 0) + (m.notice?.length ?? 0);
}

/**
 * Storage cap: the newest `maxMessages` messages and at most `maxChars` characters of text, so a
 * long-running chat can't grow workspace state without bound (VS Code keeps it in SQLite and
 * loads it at startup). Older messages are left out first; if the newest message alone is too
 * large, its stored copy is cut and marked.
 */
export function capForStorage(json: ConversationJSON, maxMessages: number, maxChars: number): ConversationJSON {
  const all = json.messages;
  let start = Math.max(0, all.length - maxMessages);
  let total = 0;
  for (let i = all.length - 1; i >= start; i--) {
    const size = messageChars(all[i]);
    if (total + size > maxChars) {
      start = i + 1;
      break;
    }
    total += size;
  }
  if (start === 0) return json;
  const messages = all.slice(start);
  if (messages.length === 0 && all.length > 0) {
    const newest = { ...all[all.length - 1] };
    newest.text = newest.text.slice(0, maxChars);
    if (newest.thinking !== undefined) newest.thinking = newest.thinking.slice(0, Math.max(0, maxChars - newest.text.length));
    newest.notice = STORED_CUT_NOTICE;
    messages.push(newest);
  }
  return { version: json.version, messages };
}
