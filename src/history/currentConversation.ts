// Which conversation the sidebar shows. Everything that works on "the" conversation (the chat
// service, the view, code actions) asks this holder, and the view re-renders on its change event.
// It keeps the one ConversationStore attached to the conversation shown, so every change of it is
// saved. No `vscode` import.
import { Conversation, type ConversationJSON, type Disposable } from '../chat/conversation';
import type { ConversationStore } from '../chat/conversationStore';
import { titleFrom } from './historyList';
import type { HistoryStore } from './historyStore';

export interface CurrentChange {
  id: string;
  conversation: Conversation;
}

export class CurrentConversation implements Disposable {
  private shown: CurrentChange;
  private readonly listeners = new Set<(e: CurrentChange) => void>();

  private constructor(
    private readonly history: HistoryStore,
    private readonly store: ConversationStore,
    first: CurrentChange,
  ) {
    this.shown = first;
    store.attach(first.conversation, history.sink(first.id));
  }

  /** The conversation shown last in this workspace, or a new one. `problems` are for the log. */
  static async restore(history: HistoryStore, store: ConversationStore): Promise<{ current: CurrentConversation; problems: string[] }> {
    const id = history.current;
    const loaded = id ? await history.load(id) : undefined;
    const first = loaded && id ? { id, conversation: loaded.conversation } : { id: history.newId(), conversation: new Conversation() };
    void history.setCurrent(first.id); // a reload shows this one once something is asked in it (not awaited)
    return { current: new CurrentConversation(history, store, first), problems: loaded?.problems ?? [] };
  }

  /** A new, empty conversation (when the one shown last could not be restored). */
  static startEmpty(history: HistoryStore, store: ConversationStore): CurrentConversation {
    return new CurrentConversation(history, store, { id: history.newId(), conversation: new Conversation() });
  }

  get id(): string {
    return this.shown.id;
  }

  get conversation(): Conversation {
    return this.shown.conversation;
  }

  /** Fires after another conversation became the current one. */
  onDidChange(listener: (e: CurrentChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Starts an empty conversation; the one shown stays in the history. False when it already is empty. */
  async startNew(): Promise<boolean> {
    if (this.conversation.messages.length === 0) return false;
    await this.show({ id: this.history.newId(), conversation: new Conversation() });
    return true;
  }

  /** Shows a stored conversation. False when it is gone or could not be read. */
  async open(id: string): Promise<{ opened: boolean; problems: string[] }> {
    if (id === this.id) return { opened: true, problems: [] };
    await this.store.flush(); // what the shown conversation has pending is on disk before reading
    const loaded = await this.history.load(id);
    if (!loaded) return { opened: false, problems: [] };
    await this.show({ id, conversation: loaded.conversation });
    return { opened: true, problems: loaded.problems };
  }

  /** Deletes a stored conversation; deleting the one shown starts a new one first. */
  async delete(id: string): Promise<boolean> {
    if (id === this.id) await this.show({ id: this.history.newId(), conversation: new Conversation() });
    return this.history.delete(id);
  }

  /**
   * Stores `json` (the shown conversation as it was) as a conversation of its own, titled `title`,
   * dated like the shown one: the branch an edit leaves behind. Resolves once it is on disk.
   */
  async saveCopy(json: ConversationJSON, title: (shownTitle: string) => string): Promise<string> {
    const id = this.history.newId();
    const shown = this.history.entry(this.id);
    const shownTitle = shown?.title ?? titleFrom(json.messages.find((m) => m.role === 'user')?.text);
    await this.history.saveConversation(id, json, { createdAt: shown?.createdAt, title: title(shownTitle) });
    return id;
  }

  /** Writes whatever is pending and waits until it is on disk (for deactivate). */
  async flush(): Promise<void> {
    await this.store.flush();
    await this.history.flush();
  }

  dispose(): void {
    this.store.dispose();
    this.listeners.clear();
  }

  private async show(next: CurrentChange): Promise<void> {
    this.store.attach(next.conversation, this.history.sink(next.id)); // writes what the old one had pending
    this.shown = next;
    for (const l of [...this.listeners]) l(next);
    await this.history.setCurrent(next.id);
  }
}

/** Keeps a view subscribed to the current conversation, and re-rendered whole when it changes. */
export function showCurrentIn(view: { watch(c: Conversation): Disposable; refreshState(): Promise<void> }, current: CurrentConversation): Disposable {
  let watching = view.watch(current.conversation);
  const sub = current.onDidChange((e) => {
    watching.dispose();
    watching = view.watch(e.conversation);
    void view.refreshState();
  });
  return {
    dispose: () => {
      sub.dispose();
      watching.dispose();
    },
  };
}
