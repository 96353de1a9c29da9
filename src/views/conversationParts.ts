// A long conversation goes to the chat view in parts, newest first (issue 13): the `state` message
// carries the newest messages, `olderMessages` batches the ones before them. The view can draw once
// the state is in; it need not first receive (structured-clone, and in the workbench JSON-encode and
// relay) all of a 20 MB conversation. No `vscode` import: the benchmark posts the same parts.
import type { MessageView } from '../protocol/messages';

/** Characters the `state` message carries at most (but always the newest MIN_NEWEST messages). */
export const NEWEST_CHARS = 256_000;
/** Characters an `olderMessages` batch carries at most (but always one message: never split). */
export const BATCH_CHARS = 1_000_000;
/** The state always carries at least this many messages (a question and its reply), however long. */
export const MIN_NEWEST = 2;

export interface ConversationParts {
  /** The newest messages, in order: what the `state` message carries. */
  newest: MessageView[];
  /** The older messages in batches: the newest batch first, each batch in order. */
  older: MessageView[][];
}

/** What a message weighs in the message that carries it: its text, thinking and image thumbnails. */
export function messageChars(m: MessageView): number {
  let chars = m.text.length + (m.thinking?.length ?? 0);
  for (const a of m.attachments ?? []) chars += a.thumbnail?.length ?? 0;
  return chars;
}

/** Splits `messages` (in order) into the newest part and older batches; a message is never split. */
export function splitNewestFirst(
  messages: readonly MessageView[],
  budget: { newestChars?: number; batchChars?: number } = {},
): ConversationParts {
  const newestChars = budget.newestChars ?? NEWEST_CHARS;
  const batchChars = budget.batchChars ?? BATCH_CHARS;
  let start = messages.length;
  let used = 0;
  while (start > 0) {
    const chars = messageChars(messages[start - 1]);
    if (messages.length - start >= MIN_NEWEST && used + chars > newestChars) break;
    used += chars;
    start--;
  }
  const older: MessageView[][] = [];
  let end = start;
  while (end > 0) {
    let first = end - 1;
    let chars = messageChars(messages[first]);
    while (first > 0) {
      const before = messageChars(messages[first - 1]);
      if (chars + before > batchChars) break;
      chars += before;
      first--;
    }
    older.push(messages.slice(first, end));
    end = first;
  }
  return { newest: messages.slice(start), older };
}
