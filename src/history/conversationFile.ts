// The format of one conversation file, `conversations/<id>.json`: the conversation's JSON plus who it
// is. Reading checks only the frame (the messages are read one by one when the conversation loads:
// chat/storedMessage.ts); listing and filtering read a few fields without loading it. No `vscode`,
// no file system: historyStore.ts does the I/O.
import type { ConversationJSON } from '../chat/conversation';

/** A conversation file: the conversation's JSON plus who it is. */
export interface ConversationFileJSON extends ConversationJSON {
  id: string;
  createdAt: number;
  updatedAt: number;
  /** Set when the user renamed the conversation. */
  title?: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isConversationId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

/**
 * The file's text as a conversation file with times and title filled, or undefined when it is not
 * one (not JSON, no message list): such a file is corrupt. The id is the file's name, not its content.
 */
export function parseConversationFile(text: string, id: string): ConversationFileJSON | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(data) || !Array.isArray(data.messages)) return undefined;
  const createdAt = finiteOr(data.createdAt, 0);
  const json = {
    ...(data as unknown as ConversationFileJSON),
    id,
    createdAt,
    updatedAt: finiteOr(data.updatedAt, createdAt),
    title: typeof data.title === 'string' && data.title.trim() ? data.title : undefined,
  };
  if (json.title === undefined) delete json.title;
  return json;
}

/** The text of the first question, read from raw stored messages. */
export function firstQuestion(messages: readonly unknown[]): string | undefined {
  const m = messages.find((x) => isObject(x) && x.role === 'user' && typeof x.text === 'string') as { text: string } | undefined;
  return m?.text;
}

/** The model of the newest reply, read from raw stored messages. */
export function lastModel(messages: readonly unknown[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObject(m) && m.role === 'assistant' && typeof m.model === 'string') return m.model;
  }
  return undefined;
}

/** The text of every question and reply of a file's text, lower-cased, for filtering the list; '' when unreadable. */
export function searchTextOf(fileText: string): string {
  let messages: unknown;
  try {
    messages = (JSON.parse(fileText) as { messages?: unknown }).messages;
  } catch {
    return '';
  }
  const parts: string[] = [];
  for (const m of Array.isArray(messages) ? messages : []) {
    if (isObject(m) && (m.role === 'user' || m.role === 'assistant') && typeof m.text === 'string') parts.push(m.text.toLowerCase());
  }
  return parts.join('\n');
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function finiteOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
