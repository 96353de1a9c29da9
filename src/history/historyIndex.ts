// The format of `index.json`: what the history list shows, so listing never reads the conversation
// files — a cache of them (the files are the truth; historyStore.ts rebuilds it from them when it is
// missing or corrupt). No `vscode`, no file system: historyStore.ts does the I/O.
import { firstQuestion, isConversationId, isObject, lastModel, type ConversationFileJSON } from './conversationFile';
import { titleFrom, type HistoryEntry } from './historyList';

export interface IndexJSON {
  version: 1;
  current?: string;
  conversations: HistoryEntry[];
}

/** The index as written: `current` only when there is one. */
export function indexText(current: string | undefined, conversations: readonly HistoryEntry[]): string {
  const index: IndexJSON = { version: 1, ...(current ? { current } : {}), conversations: [...conversations] };
  return JSON.stringify(index);
}

/** The index in `text` (malformed entries left out), or undefined when it is not an index at all. */
export function parseIndex(text: string): IndexJSON | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(data) || data.version !== 1 || !Array.isArray(data.conversations)) return undefined;
  const conversations = data.conversations.filter(isEntry);
  return { version: 1, conversations, ...(typeof data.current === 'string' ? { current: data.current } : {}) };
}

/** A conversation file's entry: its own title (the user's, or in the file) or its first question's. */
export function entryFor(file: ConversationFileJSON, ownTitle: string | undefined, updatedAt: number, size: number): HistoryEntry {
  const messages = file.messages as unknown[];
  const entry: HistoryEntry = {
    id: file.id,
    title: ownTitle ?? file.title ?? titleFrom(firstQuestion(messages)),
    createdAt: file.createdAt,
    updatedAt,
    messageCount: messages.filter(isObject).length,
    size,
  };
  if (ownTitle ?? file.title) entry.renamed = true;
  const model = lastModel(messages);
  if (model) entry.model = model;
  return entry;
}

function isEntry(x: unknown): x is HistoryEntry {
  return (
    isObject(x) &&
    isConversationId(x.id) &&
    typeof x.title === 'string' &&
    (x.model === undefined || typeof x.model === 'string') &&
    (x.renamed === undefined || typeof x.renamed === 'boolean') &&
    [x.createdAt, x.updatedAt, x.messageCount, x.size].every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}
