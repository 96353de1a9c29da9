import * as vscode from 'vscode';
import type { Conversation } from '../chat/conversation';
import { loadCodeBlocks } from '../lazy';
import type { Log } from '../log';
import type { RefactorService } from '../refactor/refactorService';

/**
 * Copy / Insert / Apply for a code block of a reply. The webview names only a message id and a
 * block index; the code comes from the host's own record of the reply, never from the webview.
 */
export class CodeActions {
  constructor(
    private readonly conversation: () => Conversation,
    private readonly refactor: RefactorService,
    private readonly log: Log,
  ) {}

  async run(kind: 'copy' | 'insert' | 'apply', messageId: string, block: number): Promise<void> {
    const message = this.conversation().get(messageId);
    if (!message || message.role !== 'assistant') {
      this.log.warn(`Code action for an unknown reply ignored (${kind}).`);
      return;
    }
    const blocks = loadCodeBlocks();
    const code = blocks.extractCodeBlocks(message.text)[block]?.code;
    if (code === undefined) {
      this.log.warn(`Code action for a missing code block ignored (${kind} #${block}).`);
      return;
    }
    // The view disables these buttons while the block streams; a click that got through anyway
    // would take half a block.
    if (message.state === 'streaming' && blocks.growingCodeBlock(message.text) === block) {
      this.log.warn(`Code action on a code block still being written ignored (${kind} #${block}).`);
      vscode.window.setStatusBarMessage(`$(watch) ${vscode.l10n.t('The code block is still being written')}`, 3000);
      return;
    }
    if (kind === 'copy') {
      await vscode.env.clipboard.writeText(code);
      vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Code copied')}`, 2000);
      return;
    }
    const editor = targetEditor();
    if (!editor) {
      // No editor to put it in: open the code in a new untitled document instead of losing it.
      const doc = await vscode.workspace.openTextDocument({ content: code });
      await vscode.window.showTextDocument(doc);
      return;
    }
    if (kind === 'insert') {
      const position = editor.selection.active;
      const ok = await editor.edit((b) => b.insert(position, code));
      if (!ok) void vscode.window.showErrorMessage(vscode.l10n.t('Could not insert the code (is the editor read-only?).'));
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
      return;
    }
    if (editor.selection.isEmpty) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select the code to replace first, then Apply again.'));
      return;
    }
    await this.refactor.propose(editor.document, editor.selection, code);
  }
}

/** The editor the user was last in (focus is in the chat view when they click). */
function targetEditor(): vscode.TextEditor | undefined {
  const isFile = (e: vscode.TextEditor | undefined) => e && e.document.uri.scheme !== 'output' && e.document.uri.scheme !== 'gmi-proposal';
  const active = vscode.window.activeTextEditor;
  if (isFile(active)) return active;
  return vscode.window.visibleTextEditors.find(isFile);
}
