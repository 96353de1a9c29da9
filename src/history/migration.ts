// The previous version kept one conversation in workspace state (`gmi.conversation`, plus the text
// of a streaming reply under `gmi.conversation.streaming`). On first start it becomes a history
// file, nothing lost: the raw stored values are also kept as a file next to the history, and the
// old keys are removed only after both are on disk. Whenever the old keys are there (again: after a
// downgrade and an update, say) they are moved the same way. No `vscode` import.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Conversation } from '../chat/conversation';
import { withStreamingText } from '../chat/conversationStore';
import { writeAtomically, type HistoryFileSystem } from './fileSystem';
import type { HistoryStore } from './historyStore';

/** The subset of vscode.Memento used here; `Thenable` is PromiseLike-compatible. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void> | Promise<void>;
}

export const LEGACY_KEY = 'gmi.conversation';
export const LEGACY_STREAMING_KEY = 'gmi.conversation.streaming';
/** Set once the old keys were looked at (and moved, if there was anything): a record, not a switch. */
export const MIGRATED_KEY = 'gmi.history.migrated';
/** The raw values of the old keys, as they were: `<prefix><hash of them>.json` beside the history. */
export const LEGACY_BACKUP_PREFIX = 'workspace-state-backup-';

export interface MigrationResult {
  /** The conversation made from the old keys (also when an earlier, interrupted run made it). */
  id?: string;
  problems: string[];
}

/**
 * Moves the old conversation into `history` when the old keys hold one. Idempotent: the new
 * conversation's id is a hash of the old values, so a run cut short after the write and repeated
 * finds it instead of adding a copy, and never overwrites what the user added to it since. Throws
 * when a write fails; the old keys are then kept and the next start tries again.
 */
export async function migrateLegacyConversation(memento: KeyValueStore, history: HistoryStore, fs: HistoryFileSystem): Promise<MigrationResult> {
  const data = memento.get<unknown>(LEGACY_KEY);
  const streaming = memento.get<unknown>(LEGACY_STREAMING_KEY);
  const result: MigrationResult = { problems: [] };
  if (data === undefined && streaming === undefined) {
    // Not awaited: a round trip to the workbench at every first start, and nothing depends on it.
    if (memento.get(MIGRATED_KEY) !== true) void Promise.resolve(memento.update(MIGRATED_KEY, true)).catch(() => undefined);
    return result;
  }
  const raw = JSON.stringify({ [LEGACY_KEY]: data ?? null, [LEGACY_STREAMING_KEY]: streaming ?? null });
  const hash = createHash('sha256').update(raw).digest('hex');
  await writeAtomically(fs, join(history.dir, `${LEGACY_BACKUP_PREFIX}${hash.slice(0, 16)}.json`), raw);
  const { conversation, problems } = Conversation.fromJSON(withStreamingText(data, streaming));
  result.problems.push(...problems);
  if (conversation.messages.length > 0) {
    const id = `ws${hash.slice(0, 30)}`;
    if (!history.entry(id)) {
      await history.saveConversation(id, conversation.toJSON());
      await history.setCurrent(id); // what the sidebar showed before the update
    }
    result.id = id;
  }
  await memento.update(MIGRATED_KEY, true);
  if (data !== undefined) await memento.update(LEGACY_KEY, undefined);
  if (streaming !== undefined) await memento.update(LEGACY_STREAMING_KEY, undefined);
  return result;
}
