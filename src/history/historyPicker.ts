// "GMI: Show Chat History": a quick pick of this workspace's conversations, newest first. Typing
// filters by title and by the text of the messages (read from the files on the first filter);
// each row has Rename and Delete buttons; Enter opens the conversation in the sidebar.
import * as vscode from 'vscode';
import type { CurrentConversation } from './currentConversation';
import { filterHistory, filterWords, historyItem, type HistoryMatch } from './historyList';
import type { HistoryStore } from './historyStore';

export interface HistoryPickerDeps {
  history: HistoryStore;
  current: CurrentConversation;
  /** Opens a conversation in the sidebar. */
  open(id: string): Promise<void>;
  /** Deletes a conversation (the caller has asked). */
  remove(id: string): Promise<void>;
}

type Item = vscode.QuickPickItem & { id: string };

/** What the integration tests can do with the open picker (the same code paths as the UI). */
export interface HistoryPickerHandle {
  items(): { id: string; label: string; description?: string; detail?: string }[];
  /** Types a filter and waits until the list shows its result. */
  filter(value: string): Promise<void>;
  /** Moves the selection to a row (then `workbench.action.acceptSelectedQuickOpenItem` opens it). */
  activate(id: string): Promise<void>;
  pressButton(id: string, button: 'rename' | 'delete'): Promise<void>;
}

const RENAME: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: vscode.l10n.t('Rename') };
const DELETE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: vscode.l10n.t('Delete') };
const placeholder = () => vscode.l10n.t('Filter by title or text · Enter opens the conversation in the sidebar');
/** Files read at once while loading the text for the first filter. */
const READ_CONCURRENCY = 16;

export class HistoryPicker {
  private open: HistoryPickerHandle | undefined;

  constructor(private readonly deps: HistoryPickerDeps) {}

  /** The picker on screen, for tests. */
  get handle(): HistoryPickerHandle | undefined {
    return this.open;
  }

  show(): void {
    const { history, current } = this.deps;
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = vscode.l10n.t('GMI: Chat History');
    qp.matchOnDescription = false;
    qp.matchOnDetail = false;
    // Lower-cased text of each conversation, read on the first filter and kept while the pick is open.
    const texts = new Map<string, string>();
    let textsLoading: Promise<void> | undefined;
    let liveText: string | undefined;
    let paused = false;

    const textOf = (id: string): string | undefined => {
      if (id !== current.id) return texts.get(id);
      liveText ??= current.conversation.messages
        .filter((m) => m.role !== 'error')
        .map((m) => m.text.toLowerCase())
        .join('\n');
      return liveText;
    };
    const render = (): void => {
      const now = Date.now();
      const active = qp.activeItems[0]?.id;
      // alwaysShow: this filter decides what is listed (VS Code's own matches labels only).
      const items = filterHistory(history.list(), qp.value, textOf).map((m: HistoryMatch) => ({
        ...historyItem(m.entry, current.id, now),
        alwaysShow: true,
        buttons: [RENAME, DELETE],
      }));
      qp.items = items;
      const keep = items.find((i) => i.id === active);
      if (keep) qp.activeItems = [keep];
      qp.placeholder =
        items.length > 0 ? placeholder() : history.list().length === 0 ? vscode.l10n.t('No saved conversations yet') : vscode.l10n.t('No conversation matches the filter');
    };
    const loadTexts = (): Promise<void> => {
      textsLoading ??= (async () => {
        qp.busy = true;
        const ids = history.list().map((e) => e.id);
        for (let i = 0; i < ids.length; i += READ_CONCURRENCY) {
          const batch = ids.slice(i, i + READ_CONCURRENCY);
          const read = await Promise.all(batch.map((id) => history.searchText(id)));
          batch.forEach((id, j) => texts.set(id, read[j]));
        }
        qp.busy = false;
      })();
      return textsLoading;
    };
    const filter = async (): Promise<void> => {
      render(); // titles at once, the text when it is read
      if (filterWords(qp.value).length === 0) return;
      await loadTexts();
      render();
    };
    const rename = async (id: string): Promise<void> => {
      const entry = history.entry(id);
      if (!entry) return;
      paused = true;
      const title = await vscode.window.showInputBox({
        title: vscode.l10n.t('Rename Conversation'),
        value: entry.title,
        prompt: vscode.l10n.t('Leave empty to name it after its first question again.'),
      });
      paused = false;
      if (title !== undefined) await history.rename(id, title);
      render();
      qp.show();
    };
    const remove = async (id: string): Promise<void> => {
      const entry = history.entry(id);
      if (!entry) return;
      paused = true;
      qp.ignoreFocusOut = true;
      const del = vscode.l10n.t('Delete');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Delete the conversation "{0}"?', entry.title),
        { modal: true, detail: entry.messageCount === 1 ? vscode.l10n.t('1 message. This cannot be undone.') : vscode.l10n.t('{0} messages. This cannot be undone.', entry.messageCount) },
        del,
      );
      qp.ignoreFocusOut = false;
      paused = false;
      if (answer === del) {
        await this.deps.remove(id);
        liveText = undefined;
      }
      render();
      qp.show();
    };
    const press = async (id: string, button: 'rename' | 'delete'): Promise<void> => (button === 'rename' ? rename(id) : remove(id));

    qp.onDidChangeValue(() => void filter());
    qp.onDidTriggerItemButton((e) => void press(e.item.id, e.button.tooltip === RENAME.tooltip ? 'rename' : 'delete'));
    qp.onDidAccept(() => {
      const id = (qp.selectedItems[0] ?? qp.activeItems[0])?.id;
      if (!id) return;
      qp.hide();
      void this.deps.open(id);
    });
    qp.onDidHide(() => {
      if (paused) return; // a rename box or a confirmation is in front of it
      if (this.open === handle) this.open = undefined;
      qp.dispose();
    });

    const handle: HistoryPickerHandle = {
      items: () => qp.items.map(({ id, label, description, detail }) => ({ id, label, description, detail })),
      filter: async (value) => {
        qp.value = value;
        await filter();
        await sentToWorkbench();
      },
      activate: async (id) => {
        const item = qp.items.find((i) => i.id === id);
        if (item) qp.activeItems = [item];
        await sentToWorkbench();
      },
      pressButton: press,
    };
    this.open = handle;
    render();
    qp.show();
  }
}

/**
 * The extension host sends quick pick changes to the workbench on a 0 ms timer; a timer queued
 * after them fires once they are sent, so a command that follows finds the pick up to date.
 */
function sentToWorkbench(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
