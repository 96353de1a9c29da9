// The conversations of one workspace as files: `conversations/<id>.json` holds a whole conversation,
// `conversations/<id>.streaming.json` the growing text of a reply (see chat/conversationStore.ts),
// and `index.json` what the history list shows, so listing never reads the conversations. Every
// write is atomic (write, then rename). The files are the truth: a missing or corrupt index is
// rebuilt from them; a corrupt file is moved aside, never deleted, and the rest loads.
// The formats are conversationFile.ts and historyIndex.ts; this is the I/O: what is read when,
// the write queue, moving corrupt files aside. No `vscode` import: plain Node, tested in plain Node.
import { join } from 'node:path';
import { Conversation, newMessageId, type ConversationJSON } from '../chat/conversation';
import { withStreamingText, type ConversationSink, type StreamingJSON } from '../chat/conversationStore';
import { appendLine, readStreamingCopy, startLine, stateOf, type StreamingCopyState } from './streamingCopy';
import { isNotFound, nodeFileSystem, TEMP_SUFFIX, writeAtomically, type HistoryFileSystem } from './fileSystem';
import { firstQuestion, isConversationId, parseConversationFile, searchTextOf, type ConversationFileJSON } from './conversationFile';
import { entryFor, indexText, parseIndex, type IndexJSON } from './historyIndex';
import { titleFrom, type HistoryEntry } from './historyList';
import { WriteQueue } from './writeQueue';

export interface HistoryStoreOptions {
  fs?: HistoryFileSystem;
  now?: () => number;
  /** Problems worth a line in the log (a corrupt file moved aside, a rebuilt index). */
  warn?: (message: string) => void;
}

const FILE = /^([A-Za-z0-9_-]{1,64})\.json$/;

export class HistoryStore {
  private readonly fs: HistoryFileSystem;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  private readonly folder: string;
  private readonly indexPath: string;
  private readonly entries = new Map<string, HistoryEntry>();
  private sorted: HistoryEntry[] | undefined;
  private currentId: string | undefined;
  /** Conversations whose streaming copy may exist on disk (the next full write removes it). */
  private readonly streamingOnDisk = new Set<string>();
  /** Streaming writes started per conversation: a full write drops the copy only if none started after its snapshot. */
  private readonly streamingWrites = new Map<string, number>();
  /** The newest streaming value per conversation, and what its append-only file holds (streamingCopy.ts). */
  private readonly streamingLatest = new Map<string, StreamingJSON>();
  private readonly streamingFile = new Map<string, StreamingCopyState>();
  private readonly writes = new WriteQueue();

  constructor(
    readonly dir: string,
    opts: HistoryStoreOptions = {},
  ) {
    this.fs = opts.fs ?? nodeFileSystem;
    this.now = opts.now ?? Date.now;
    this.warn = opts.warn ?? (() => undefined);
    this.folder = join(dir, 'conversations');
    this.indexPath = join(dir, 'index.json');
  }

  /** Reads the index, checked against the files: a conversation without a file is dropped, a file without an entry is listed. */
  async open(): Promise<void> {
    await this.fs.mkdir(this.folder);
    const names = await this.fs.readdir(this.folder);
    const files = new Set<string>();
    for (const name of names) {
      if (name.endsWith(TEMP_SUFFIX)) await this.fs.remove(join(this.folder, name)).catch(() => undefined); // left by a crash mid-write
      const m = FILE.exec(name);
      if (m) files.add(m[1]);
      else if (name.endsWith('.streaming.json')) this.streamingOnDisk.add(name.slice(0, -'.streaming.json'.length));
    }
    const index = await this.readIndex();
    let changed = index === undefined;
    for (const e of index?.conversations ?? []) {
      if (files.has(e.id) && !this.entries.has(e.id)) this.entries.set(e.id, e);
      else changed = true;
    }
    if (isConversationId(index?.current)) this.currentId = index.current;
    for (const id of files) {
      if (this.entries.has(id)) continue;
      changed = true;
      const file = await this.readConversationFile(id);
      if (file) this.entries.set(id, entryFor(file.json, undefined, file.json.updatedAt, Buffer.byteLength(file.text)));
    }
    if (changed && (this.entries.size > 0 || index !== undefined)) await this.writeIndex();
  }

  /** Newest first. */
  list(): readonly HistoryEntry[] {
    this.sorted ??= [...this.entries.values()].sort((a, b) => b.updatedAt - a.updatedAt);
    return this.sorted;
  }

  entry(id: string): HistoryEntry | undefined {
    return this.entries.get(id);
  }

  /** The conversation the sidebar showed last (it may have no file yet: nothing was asked). */
  get current(): string | undefined {
    return this.currentId;
  }

  /** Never rejects: a failed write is a warning (the index names the current one again on the next write). */
  async setCurrent(id: string | undefined): Promise<void> {
    if (this.currentId === id) return;
    this.currentId = id;
    await this.writeIndex().catch((err: unknown) => this.warn(`Chat history: could not write the index (${describeError(err)}).`));
  }

  newId(): string {
    return newMessageId();
  }

  /**
   * Loads a conversation with the newer text of a reply that was streaming. Undefined when there is
   * no such conversation, or its file is corrupt (then it is moved aside and left out of the list).
   */
  async load(id: string): Promise<{ conversation: Conversation; problems: string[] } | undefined> {
    if (!isConversationId(id)) return undefined;
    const listed = this.entries.has(id);
    await this.writesQueuedFor(id);
    const file = await this.readConversationFile(id);
    if (!file) {
      this.entries.delete(id);
      this.sorted = undefined;
      if (listed) await this.writeIndex();
      return undefined;
    }
    let streaming: unknown;
    try {
      streaming = readStreamingCopy(await this.fs.readFile(this.streamingPath(id)));
      this.streamingOnDisk.add(id);
    } catch {
      // None, or unreadable: the conversation file alone is what was saved.
    }
    return Conversation.fromJSON(withStreamingText(file.json, streaming), this.now);
  }

  /** The sink that saves conversation `id` (chat/conversationStore.ts writes through it). */
  sink(id: string): ConversationSink {
    return {
      saveConversation: (json) => this.saveConversation(id, json),
      saveStreaming: (value) => this.saveStreaming(id, value),
    };
  }

  /** Writes the whole conversation, then drops its streaming copy and updates the index. */
  /** `meta.title`: the conversation's own title (as if the user had named it), for a new one. */
  async saveConversation(id: string, json: ConversationJSON, meta: { createdAt?: number; title?: string } = {}): Promise<void> {
    if (!isConversationId(id)) throw new Error(`Not a conversation id: ${JSON.stringify(id).slice(0, 80)}`);
    const old = this.entries.get(id);
    if (!old && json.messages.length === 0) return; // an empty new chat is not history yet
    const streamingBefore = this.streamingWrites.get(id) ?? 0;
    const updatedAt = this.now();
    const ownTitle = old ? (old.renamed ? old.title : undefined) : meta.title;
    const file: ConversationFileJSON = {
      ...json,
      id,
      createdAt: old?.createdAt ?? meta.createdAt ?? json.messages[0]?.createdAt ?? updatedAt,
      updatedAt,
      ...(ownTitle ? { title: ownTitle } : {}),
    };
    const text = JSON.stringify(file);
    this.entries.set(id, entryFor(file, ownTitle, updatedAt, Buffer.byteLength(text)));
    this.sorted = undefined;
    await this.writes.run(this.path(id), () => writeAtomically(this.fs, this.path(id), text));
    // A streaming copy written after this snapshot is newer than it: keep it for the next full write.
    if (this.streamingOnDisk.has(id) && (this.streamingWrites.get(id) ?? 0) === streamingBefore) {
      this.streamingOnDisk.delete(id);
      await this.writes.run(this.streamingPath(id), () => this.removeStreaming(id));
    }
    await this.writeIndex();
  }

  async saveStreaming(id: string, value: StreamingJSON): Promise<void> {
    if (!isConversationId(id)) throw new Error(`Not a conversation id: ${JSON.stringify(id).slice(0, 80)}`);
    this.streamingOnDisk.add(id);
    this.streamingWrites.set(id, (this.streamingWrites.get(id) ?? 0) + 1);
    this.streamingLatest.set(id, value);
    // The job writes the newest value when it runs, so a newer job may replace a waiting one.
    await this.writes.run(this.streamingPath(id), () => this.writeStreaming(id));
  }

  /** Appends what the streaming copy lacks of the newest value; starts the file again when it is not an extension. */
  private async writeStreaming(id: string): Promise<void> {
    const value = this.streamingLatest.get(id);
    if (!value) return;
    const onDisk = this.streamingFile.get(id);
    const line = onDisk && appendLine(onDisk, value);
    this.streamingFile.delete(id); // unknown until this write is done
    if (line === undefined) await writeAtomically(this.fs, this.streamingPath(id), startLine(value));
    else if (line) await this.fs.appendFile(this.streamingPath(id), line);
    this.streamingFile.set(id, stateOf(value));
  }

  private async removeStreaming(id: string): Promise<void> {
    this.streamingFile.delete(id);
    this.streamingLatest.delete(id);
    await this.fs.remove(this.streamingPath(id));
  }

  /** Gives a conversation the user's own title (an empty title goes back to the first question). */
  async rename(id: string, title: string): Promise<boolean> {
    const old = this.entries.get(id);
    if (!old) return false;
    const own = title.replace(/\s+/g, ' ').trim();
    // The entry first: a save of the live conversation from now on carries the new title.
    const entry: HistoryEntry = { ...old, title: own || old.title, renamed: own ? true : undefined };
    if (!own) delete entry.renamed;
    this.entries.set(id, entry);
    this.sorted = undefined;
    // Read, change, write after every write queued before it (never in place of one).
    await this.writes.runAfterAll(this.path(id), async () => {
      const file = await this.readConversationFile(id);
      if (!file) return;
      const { title: _previous, ...rest } = file.json;
      const next: ConversationFileJSON = own ? { ...rest, title: own } : rest;
      const text = JSON.stringify(next);
      await writeAtomically(this.fs, this.path(id), text);
      const now = this.entries.get(id);
      if (now) this.entries.set(id, { ...now, title: own || titleFrom(firstQuestion(next.messages)), size: Buffer.byteLength(text) });
    });
    this.sorted = undefined;
    await this.writeIndex();
    return true;
  }

  /** Deletes a conversation's files and its entry (after any write still going to them). */
  async delete(id: string): Promise<boolean> {
    if (!this.entries.delete(id)) return false;
    this.sorted = undefined;
    if (this.currentId === id) this.currentId = undefined;
    this.streamingOnDisk.delete(id);
    await this.writes.run(this.path(id), () => this.fs.remove(this.path(id)));
    await this.writes.run(this.streamingPath(id), () => this.removeStreaming(id));
    await this.writeIndex();
    return true;
  }

  /** The text of every message, lower-cased, for filtering the list; '' when unreadable. */
  async searchText(id: string): Promise<string> {
    await this.writesQueuedFor(id);
    try {
      return searchTextOf(await this.fs.readFile(this.path(id)));
    } catch {
      return '';
    }
  }

  /** Resolves when every write started so far is on disk. */
  flush(): Promise<void> {
    return this.writes.idle();
  }

  /**
   * Resolves once the writes already queued for conversation `id` are on disk: a read before them
   * would see an older version (a reply saved a moment ago missing from a filter or a reopen).
   */
  private async writesQueuedFor(id: string): Promise<void> {
    await Promise.all([this.writes.idle(this.path(id)), this.writes.idle(this.streamingPath(id))]);
  }

  private path(id: string): string {
    return join(this.folder, `${id}.json`);
  }

  private streamingPath(id: string): string {
    return join(this.folder, `${id}.streaming.json`);
  }

  private writeIndex(): Promise<void> {
    // Built when the write starts, so a burst of changes writes the index once, as it is then.
    return this.writes.run(this.indexPath, () => writeAtomically(this.fs, this.indexPath, indexText(this.currentId, this.list())));
  }

  private async readIndex(): Promise<IndexJSON | undefined> {
    let text: string;
    try {
      text = await this.fs.readFile(this.indexPath);
    } catch (err) {
      if (!isNotFound(err)) this.warn(`Chat history: could not read the index (${describeError(err)}); rebuilding it from the conversation files.`);
      return undefined;
    }
    const index = parseIndex(text);
    if (index) return index;
    await this.moveAside(this.indexPath, 'the history index');
    return undefined;
  }

  /** The parsed file, or undefined when it is missing or corrupt (a corrupt one is moved aside). */
  private async readConversationFile(id: string): Promise<{ json: ConversationFileJSON; text: string } | undefined> {
    let text: string;
    try {
      text = await this.fs.readFile(this.path(id));
    } catch (err) {
      if (!isNotFound(err)) this.warn(`Chat history: could not read conversation ${id} (${describeError(err)}).`);
      return undefined;
    }
    const json = parseConversationFile(text, id);
    if (!json) {
      await this.moveAside(this.path(id), `conversation ${id}`);
      if (this.entries.delete(id)) this.sorted = undefined;
      return undefined;
    }
    return { json, text };
  }

  /** Renames a corrupt file to `<name>.corrupt-<time>`: kept for the user, out of the way. */
  private async moveAside(path: string, what: string): Promise<void> {
    const aside = `${path}.corrupt-${this.now()}`;
    try {
      await this.fs.rename(path, aside);
      this.warn(`Chat history: ${what} could not be read; it was moved aside to ${aside}. The rest of the history loads.`);
    } catch (err) {
      this.warn(`Chat history: ${what} could not be read, and moving it aside failed (${describeError(err)}).`);
    }
  }
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
