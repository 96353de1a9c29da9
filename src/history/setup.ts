// Opens this window's history: a folder per workspace under the extension's workspace storage (a
// window with no folder uses one shared folder under the global storage), the old workspace-state
// conversation migrated once, and the conversation shown last restored.
import { NEXT_STEPS } from '../actions/nextSteps';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ConversationStore } from '../chat/conversationStore';
import { CurrentConversation } from './currentConversation';
import { nodeFileSystem } from './fileSystem';
import { HistoryStore } from './historyStore';
import { migrateLegacyConversation } from './migration';

export interface OpenedHistory {
  history: HistoryStore;
  current: CurrentConversation;
}

/** The folder holding this window's conversations. */
export function historyFolder(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>): string {
  return context.storageUri ? join(context.storageUri.fsPath, 'history') : join(context.globalStorageUri.fsPath, 'history-no-folder');
}

export async function openHistory(
  context: vscode.ExtensionContext,
  log: { info(m: string): void; warn(m: string): void; error(m: string): void },
): Promise<OpenedHistory> {
  const started = performance.now();
  const history = new HistoryStore(historyFolder(context), { warn: (m) => log.warn(m) });
  try {
    await history.open();
    const migrated = await migrateLegacyConversation(context.workspaceState, history, nodeFileSystem);
    for (const p of migrated.problems) log.warn(`Chat history (previous version): ${p}`);
    if (migrated.id) log.info(`Chat history: the conversation of the previous version is now in the history (${migrated.id}).`);
  } catch (err) {
    // The chat still works in memory; the old conversation stays in workspace state for the next start.
    log.error(`Chat history: could not open ${history.dir}: ${describe(err)}`);
    reportOnce(vscode.l10n.t('GMI could not open its chat history folder ({0}). The chat works, but may not be saved.', describe(err)));
  }
  const store = new ConversationStore({
    onError: (err) => {
      log.error(`Chat history: a conversation could not be saved: ${describe(err)}`);
      reportOnce(vscode.l10n.t('GMI could not save the chat to disk ({0}). It stays open in this window; check the free space of the disk.', describe(err)));
    },
  });
  const { current, problems } = await CurrentConversation.restore(history, store);
  for (const p of problems) log.warn(`Chat history: ${p}`);
  const shown = current.conversation.messages.length;
  log.info(`Chat history: ${history.list().length} conversation(s), ${shown} message(s) shown; read in ${(performance.now() - started).toFixed(1)} ms.`);
  return { history, current };
}

let reported = false;
/** One notification per window: a full disk would otherwise raise one per message. */
function reportOnce(message: string): void {
  if (reported) return;
  reported = true;
  void vscode.window.showWarningMessage(message, NEXT_STEPS.openLog.label).then((pick) => pick && vscode.commands.executeCommand('gmi.showLog'));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
