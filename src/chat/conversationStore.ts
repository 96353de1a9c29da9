// Saves a conversation as it changes, through a sink (the history's files; a fake in tests).
// Nothing typed is lost: a question is written the moment it is added (before the request goes
// out), a streaming reply is written as it grows (throttled), and endings are written at once.
// While a reply streams, only its text is written, as a small separate copy: rewriting the whole
// chat twice a second would rewrite a long conversation (megabytes) each time. Every other change
// writes the whole chat, which makes the streaming copy stale; loading merges a newer copy back.

import type { Conversation, ConversationJSON, Disposable } from './conversation';

/** The growing text of replies still streaming. */
export interface StreamingJSON {
  version: 1;
  replies: { id: string; text: string; thinking?: string }[];
}

/** Where a conversation goes. Both writes may be slow; the store never waits for one to start another. */
export interface ConversationSink {
  /** The whole conversation; a streaming copy written before it is stale from now on. */
  saveConversation(json: ConversationJSON): Promise<void>;
  /** Only the text of the replies still streaming. */
  saveStreaming(value: StreamingJSON): Promise<void>;
}

type TimerHandle = unknown;

export interface ConversationStoreOptions {
  /** Streaming appends are saved at most once per this many ms (trailing). Default 500. */
  throttleMs?: number;
  setTimeout?: (fn: () => void, ms: number) => TimerHandle;
  clearTimeout?: (handle: TimerHandle) => void;
  /** A write failed (disk full, folder gone). The chat keeps working in memory. */
  onError?: (err: unknown) => void;
}

export class ConversationStore implements Disposable {
  private readonly throttleMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => TimerHandle;
  private readonly clearTimer: (handle: TimerHandle) => void;
  private readonly onError: (err: unknown) => void;

  private conversation: Conversation | undefined;
  private sink: ConversationSink | undefined;
  private subscription: Disposable | undefined;
  private timer: TimerHandle | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(opts: ConversationStoreOptions = {}) {
    this.throttleMs = opts.throttleMs ?? 500;
    this.setTimer = opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.onError = opts.onError ?? (() => undefined);
  }

  /**
   * Saves `conversation` to `sink` on every change from now on. A change pending for the
   * conversation attached before is written first, so switching conversations loses nothing.
   */
  attach(conversation: Conversation, sink: ConversationSink): void {
    if (this.timer !== undefined) this.saveStreaming();
    this.detach();
    this.conversation = conversation;
    this.sink = sink;
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
    this.sink = undefined;
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

  /** Writes the text of the reply still streaming (not the whole chat). */
  private saveStreaming(): void {
    this.cancelTimer();
    const { conversation, sink } = this;
    if (!conversation || !sink) return;
    const m = conversation.streaming;
    const replies = m ? [{ id: m.id, text: m.text, ...(m.thinking ? { thinking: m.thinking } : {}) }] : [];
    this.track(() => sink.saveStreaming({ version: 1, replies }));
  }

  /** Starts the write of the whole chat now (the snapshot is taken synchronously). */
  private saveNow(): void {
    this.cancelTimer();
    const { conversation, sink } = this;
    if (!conversation || !sink) return;
    const json = conversation.toJSON();
    this.track(() => sink.saveConversation(json));
  }

  private track(start: () => Promise<void>): void {
    let write: Promise<void>;
    try {
      write = Promise.resolve(start());
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
 * The stored chat with the newer text of replies that were still streaming (from the streaming
 * copy). Only a reply stored as streaming takes it, and only text that extends what is stored;
 * anything malformed is ignored (the stored chat is then loaded as it is). Never mutates `data`.
 */
export function withStreamingText(data: unknown, streaming: unknown): unknown {
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
    if (!reply || typeof m.text !== 'string' || !reply.text.startsWith(m.text)) return m;
    return { ...m, text: reply.text, ...(reply.thinking ? { thinking: reply.thinking } : {}) };
  });
  return { ...data, messages };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
