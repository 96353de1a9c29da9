// New Chat, Show Chat History, Export Chat as Markdown, and opening/deleting a stored conversation.
// A reply still streaming is stopped (and saved) before the sidebar switches conversations.
import { NEXT_STEPS } from '../actions/nextSteps';
import * as vscode from 'vscode';
import type { CurrentConversation } from './currentConversation';
import { exportMarkdown } from './exportMarkdown';
import { titleFrom } from './historyList';
import { HistoryPicker, type HistoryPickerHandle } from './historyPicker';
import type { HistoryStore } from './historyStore';

/** The title of the conversation an edit or a regenerate leaves behind: "<title> (before edit, 14:05)". */
export function branchTitle(title: string, why: 'edit' | 'regenerate', now = new Date()): string {
  const time = now.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return why === 'edit' ? vscode.l10n.t('{0} (before edit, {1})', title, time) : vscode.l10n.t('{0} (before regenerating, {1})', title, time);
}

export interface HistoryCommandsDeps {
  history: HistoryStore;
  current: CurrentConversation;
  chat: { stop(): void; idle(): Promise<void> };
  /** Shows the chat view. */
  reveal(): Promise<void>;
  log: { info(m: string): void; warn(m: string): void };
}

export class HistoryCommands {
  private readonly picker: HistoryPicker;

  constructor(private readonly deps: HistoryCommandsDeps) {
    this.picker = new HistoryPicker({
      history: deps.history,
      current: deps.current,
      open: async (id) => void (await this.open(id)),
      remove: (id) => this.remove(id),
    });
  }

  /** The history quick pick on screen, for the integration tests. */
  get pickerHandle(): HistoryPickerHandle | undefined {
    return this.picker.handle;
  }

  /** Starts an empty conversation; the one shown stays in the history. */
  async newChat(): Promise<void> {
    await this.stopReply();
    await this.deps.current.startNew();
    await this.deps.reveal();
  }

  showHistory(): void {
    this.picker.show();
  }

  /** Opens a stored conversation in the sidebar. */
  async open(id: string): Promise<boolean> {
    if (id !== this.deps.current.id) await this.stopReply();
    const { opened, problems } = await this.deps.current.open(id);
    for (const p of problems) this.deps.log.warn(`Chat history: ${p}`);
    if (!opened) {
      void vscode.window
        .showWarningMessage(vscode.l10n.t('That conversation could not be opened: its file is missing or could not be read. The GMI log says more.'), NEXT_STEPS.openLog.label)
        .then((pick) => pick && vscode.commands.executeCommand('gmi.showLog'));
      return false;
    }
    await this.deps.reveal();
    return true;
  }

  async remove(id: string): Promise<void> {
    if (id === this.deps.current.id) await this.stopReply();
    await this.deps.current.delete(id);
  }

  /** Opens the current conversation as Markdown in a new untitled editor. */
  async exportChat(): Promise<void> {
    const { current, history } = this.deps;
    const messages = current.conversation.messages;
    if (messages.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The chat is empty: ask something first, or open a conversation from the history.'));
      return;
    }
    const entry = history.entry(current.id);
    const content = exportMarkdown(messages, {
      title: entry?.title ?? titleFrom(messages.find((m) => m.role === 'user')?.text),
      createdAt: entry?.createdAt ?? messages[0].createdAt,
    });
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  /** Stops a streaming reply and waits until its end is recorded (and so saved). */
  private async stopReply(): Promise<void> {
    this.deps.chat.stop();
    await this.deps.chat.idle();
  }
}
