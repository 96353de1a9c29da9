// The state of one chat: an ordered list of messages and a change feed the host turns into
// HostToWebview messages 1:1. No `vscode` import: plain Node, tested in plain Node.

import * as l10n from '../l10n';
import { randomUUID } from 'node:crypto';
import type { NextStepId } from '../actions/nextSteps';
import type { Attachment } from '../attachments/attachment';
import { copyMessage, readStoredMessage, type ReplyUsage, type StoredMessage } from './storedMessage';

export type ConversationChange =
  | { kind: 'added'; message: StoredMessage }
  | { kind: 'appended'; id: string; text?: string; thinking?: string }
  | { kind: 'updated'; message: StoredMessage }
  | { kind: 'reset' };

export type FinishState = 'done' | 'stopped' | 'error';

/** The persisted shape. Bump the version when the message shape changes incompatibly. */
export const CONVERSATION_SCHEMA_VERSION = 1;
export interface ConversationJSON {
  version: typeof CONVERSATION_SCHEMA_VERSION;
  messages: StoredMessage[];
}

/** The error under a reply cut off by a reload or quit (a function: words are read after activation). */
export const interruptedText = (): string => l10n.t('The reply was interrupted because the window was reloaded or VS Code was closed.');

export interface Disposable {
  dispose(): void;
}

/** 32 hex characters: url-safe and within the protocol's 64-character id limit. */
export function newMessageId(): string {
  return randomUUID().replace(/-/g, '');
}

export class Conversation {
  private readonly list: StoredMessage[] = [];
  private readonly byId = new Map<string, StoredMessage>();
  private readonly listeners = new Set<(e: ConversationChange) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The live list, in order. Read-only to callers; mutate only through the methods below. */
  get messages(): readonly StoredMessage[] {
    return this.list;
  }

  /** The assistant message currently streaming, if any. */
  get streaming(): StoredMessage | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const m = this.list[i];
      if (m.role === 'assistant' && m.state === 'streaming') return m;
    }
    return undefined;
  }

  onDidChange(listener: (e: ConversationChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  addUser(text: string, opts?: { notice?: string; attachments?: readonly Attachment[] }): StoredMessage {
    const m: StoredMessage = { id: newMessageId(), role: 'user', text, createdAt: this.now() };
    if (opts?.notice) m.notice = opts.notice;
    if (opts?.attachments?.length) m.attachments = [...opts.attachments];
    return this.add(m);
  }

  /** `notice`: shown above the reply, e.g. that older turns were left out of the request. */
  startAssistant(model: string, opts?: { notice?: string }): StoredMessage {
    const m: StoredMessage = { id: newMessageId(), role: 'assistant', text: '', state: 'streaming', model, createdAt: this.now() };
    if (opts?.notice) m.notice = opts.notice;
    return this.add(m);
  }

  /**
   * Adds streamed text/thinking to a streaming reply. O(delta): string concatenation only.
   * Deltas for a message that is no longer streaming (a token that raced a Stop) are ignored.
   */
  append(id: string, delta: { text?: string; thinking?: string }): void {
    const m = this.byId.get(id);
    if (!m || m.role !== 'assistant' || m.state !== 'streaming') return;
    const text = delta.text || undefined;
    const thinking = delta.thinking || undefined;
    if (text === undefined && thinking === undefined) return;
    if (text !== undefined) m.text += text;
    if (thinking !== undefined) m.thinking = (m.thinking ?? '') + thinking;
    const e: ConversationChange = { kind: 'appended', id };
    if (text !== undefined) e.text = text;
    if (thinking !== undefined) e.thinking = thinking;
    this.emit(e);
  }

  /**
   * Moves a streaming reply's text to its thinking: the model closed a reasoning block it never
   * opened (StreamEvent `textWasThinking`), so what looked like the answer was reasoning.
   */
  textToThinking(id: string): void {
    const m = this.byId.get(id);
    if (!m || m.role !== 'assistant' || m.state !== 'streaming' || !m.text) return;
    m.thinking = (m.thinking ?? '') + m.text;
    m.text = '';
    this.emit({ kind: 'updated', message: copyMessage(m) });
  }

  /** Sets (or with undefined, clears) what a streaming reply is waiting for, e.g. a retry. */
  setStatus(id: string, status: string | undefined): void {
    const m = this.byId.get(id);
    if (!m || m.role !== 'assistant' || m.state !== 'streaming' || m.status === status) return;
    if (status === undefined) delete m.status;
    else m.status = status;
    this.emit({ kind: 'updated', message: copyMessage(m) });
  }

  /** Ends a streaming reply. A reply that already ended keeps its state (first ending wins). */
  finish(id: string, state: FinishState, extra?: { usage?: ReplyUsage }): void {
    const m = this.byId.get(id);
    if (!m || m.role !== 'assistant' || m.state !== 'streaming') return;
    m.state = state;
    delete m.status;
    if (extra?.usage) m.usage = { ...extra.usage };
    this.emit({ kind: 'updated', message: copyMessage(m) });
  }

  /** An error shown in the chat; `replyTo` is the assistant message it belongs to, if one was started. */
  addError(replyTo: string | undefined, text: string, actions: NextStepId[]): StoredMessage {
    const m: StoredMessage = { id: newMessageId(), role: 'error', text, actions: [...actions], createdAt: this.now() };
    if (replyTo !== undefined) m.replyTo = replyTo;
    return this.add(m);
  }

  /**
   * The user question a Retry on `id` (an error, an assistant reply, or the question itself)
   * should send again: the nearest user message at or before it.
   */
  questionFor(id: string): StoredMessage | undefined {
    const idx = this.indexOf(id);
    for (let i = idx; i >= 0; i--) {
      if (this.list[i].role === 'user') return this.list[i];
    }
    return undefined;
  }

  /** Drops every message after `id`, keeping `id` itself (Retry: keep the question). */
  removeAfter(id: string): boolean {
    const idx = this.indexOf(id);
    if (idx < 0) return false;
    return this.dropFrom(idx + 1);
  }

  /** Drops `id` and every message after it. */
  truncateFrom(id: string): boolean {
    const idx = this.indexOf(id);
    if (idx < 0) return false;
    return this.dropFrom(idx);
  }

  clear(): void {
    if (this.list.length === 0) return;
    this.list.length = 0;
    this.byId.clear();
    this.emit({ kind: 'reset' });
  }

  toJSON(): ConversationJSON {
    return { version: CONVERSATION_SCHEMA_VERSION, messages: this.list.map(copyMessage) };
  }

  /**
   * Rebuilds a conversation from stored data of any shape. Never throws: invalid messages are
   * skipped and described in `problems`. A reply stored while streaming (the window reloaded or
   * VS Code quit mid-stream) comes back as 'interrupted'.
   */
  static fromJSON(data: unknown, now: () => number = Date.now): { conversation: Conversation; problems: string[] } {
    const conversation = new Conversation(now);
    const problems: string[] = [];
    if (data === undefined || data === null) return { conversation, problems };

    let raw: unknown[];
    if (Array.isArray(data)) {
      // Unversioned: a bare message list. Load what fits the current shape.
      problems.push('Stored chat has no version; loaded the messages that could be read.');
      raw = data;
    } else if (typeof data === 'object') {
      const o = data as Record<string, unknown>;
      if (o.version !== CONVERSATION_SCHEMA_VERSION) {
        problems.push(`Stored chat has unknown version ${describe(o.version)}; loaded the messages that could be read.`);
      }
      if (!Array.isArray(o.messages)) {
        problems.push('Stored chat has no message list; starting empty.');
        return { conversation, problems };
      }
      raw = o.messages;
    } else {
      problems.push(`Stored chat is not an object (${describe(data)}); starting empty.`);
      return { conversation, problems };
    }

    let skipped = 0;
    let interrupted = 0;
    for (const item of raw) {
      const m = readStoredMessage(item);
      if (!m || conversation.byId.has(m.id)) {
        skipped++;
        continue;
      }
      if (m.role === 'assistant' && m.state === 'streaming') {
        m.state = 'interrupted';
        interrupted++;
      }
      conversation.list.push(m);
      conversation.byId.set(m.id, m);
    }
    if (skipped > 0) problems.push(`Skipped ${skipped} stored message${skipped === 1 ? '' : 's'} that could not be read.`);
    // A reply cut off by a reload/quit gets the same Retry affordance as a failed one, so the
    // user can ask again with one click. Only the last message needs it: later turns moved on.
    const last = conversation.list[conversation.list.length - 1];
    if (interrupted > 0 && last?.role === 'assistant' && last.state === 'interrupted') {
      const err: StoredMessage = {
        id: newMessageId(),
        role: 'error',
        text: interruptedText(),
        actions: ['retry'],
        replyTo: last.id,
        createdAt: now(),
      };
      conversation.list.push(err);
      conversation.byId.set(err.id, err);
    }
    return { conversation, problems };
  }

  private add(m: StoredMessage): StoredMessage {
    this.list.push(m);
    this.byId.set(m.id, m);
    this.emit({ kind: 'added', message: copyMessage(m) });
    return m;
  }

  private indexOf(id: string): number {
    const m = this.byId.get(id);
    return m ? this.list.lastIndexOf(m) : -1;
  }

  private dropFrom(idx: number): boolean {
    if (idx >= this.list.length) return false;
    for (const m of this.list.splice(idx)) this.byId.delete(m.id);
    this.emit({ kind: 'reset' });
    return true;
  }

  private emit(e: ConversationChange): void {
    for (const l of [...this.listeners]) l(e);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}
