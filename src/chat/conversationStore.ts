// Persistence of the chat through a key-value store (the host passes VS Code's workspace Memento).
// Nothing typed is lost: a question is written the moment it is added (before the request goes
// out), a streaming reply is written as it grows (throttled), and endings are written at once.
// While a reply streams, only its text is written, under a second key: rewriting the whole chat
// twice a second would send a long conversation (megabytes) through VS Code's storage each time.
// Every other change writes the whole chat and drops that second key; loading merges it back.

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

/** The growing text of replies still streaming, kept under `<key>.streaming`. */
interface StreamingJSON {
  version: 1;
  replies: { id: string; text: string; thinking?: string }[];
}

/** Added to a message whose stored copy had to be cut (it alone exceeded the storage cap). */
export const STORED_CUT_NOTICE = 'This message was too large to keep in full after a reload; the stored copy was cut.';

export class ConversationStore implements Disposable {
  private readonly key: string;
  private readonly streamingKey: string;
  private streamingStored = false;
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
    this.streamingKey = `${this.key}.streaming`;
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
    let streaming: unknown;
    try {
      data = this.store.get<unknown>(this.key);
      streaming = this.store.get<unknown>(this.streamingKey);
    } catch (err) {
      return { conversation: new Conversation(), problems: [`Could not read the stored chat: ${String(err)}`] };
    }
    // Left over from a session that ended mid-stream: dropped by the next full write.
    this.streamingStored = streaming !== undefined;
    return Conversation.fromJSON(withStreamingText(data, streaming, this.maxChars));
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
    if (this.timer !== undefined) this.saveStreaming();
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
      this.saveStreaming();
    }, this.throttleMs);
  }

  /** Writes the text of the replies still streaming (not the whole chat) under the second key. */
  private saveStreaming(): void {
    this.cancelTimer();
    if (!this.conversation) return;
    const m = this.conversation.streaming;
    const replies = m ? [{ id: m.id, text: m.text, ...(m.thinking ? { thinking: m.thinking } : {}) }] : [];
    const value: StreamingJSON = { version: 1, replies };
    this.streamingStored = true;
    this.write(this.streamingKey, value);
  }

  /**
   * Writes now. `update` is called synchronously: VS Code's Memento takes the value into its cache
   * at once, so even a write whose promise hasn't settled survives a reload that follows.
   */
  private saveNow(): void {
    this.cancelTimer();
    if (!this.conversation) return;
    this.write(this.key, capForStorage(this.conversation.toJSON(), this.maxMessages, this.maxChars));
    // The whole chat now holds every reply's text: the streaming copy is stale.
    if (this.streamingStored) {
      this.streamingStored = false;
      this.write(this.streamingKey, undefined);
    }
  }

  private write(key: string, value: unknown): void {
    let write: Promise<void>;
    try {
      write = Promise.resolve(this.store.update(key, value));
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

/**
 * The stored chat with the newer text of replies that were still streaming (from `<key>.streaming`).
 * Only a reply stored as streaming takes it, and only text that extends what is stored; anything
 * malformed is ignored (the stored chat is then loaded as it is). Never mutates `data`.
 */
export function withStreamingText(data: unknown, streaming: unknown, maxChars: number): unknown {
  if (!isObject(data) || !Array.isArray(data.messages) || !isObject(streaming) || !Array.isArray(streaming.replies)) return data;
  const replies = new Map<string, { text: string; thinking?: string }>();
  for (const r of streaming.replies as unknown[]) {
    if (isObject(r) && typeof r.id === 'string' && typeof r.text === 'string' && (r.thinking === undefined || typeof r.thinking === 'string')) {
      replies.set(r.id, { text: r.text, thinking: r.thinking as string | undefined });
    }
  }
  if (replies.size === 0) return data;
  const messages = (data.messages as unknown[]).map((m) => {
    if (!isObject(m) || m.role !== 'assistant' || m.state !== 'streaming' || typeof m.id !== 'string') return m;
    const reply = replies.get(m.id);
    if (!reply || typeof m.text !== 'string' || !reply.text.startsWith(m.text) || m.notice !== undefined) return m;
    const text = reply.text.slice(0, maxChars);
    const thinking = reply.thinking?.slice(0, Math.max(0, maxChars - text.length));
    return { ...m, text, ...(thinking ? { thinking } : {}) };
  });
  return { ...data, messages };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
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
