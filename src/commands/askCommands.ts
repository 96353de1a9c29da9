import * as vscode from 'vscode';
import type { ChatService } from '../chat/chatService';
import { contextBudget } from '../chat/context';
import { buildAskMessage, buildExplainMessage, fitSelection, type SelectionContext } from '../chat/prompts';
import { readSettings } from '../config/settings';
import { selectionContext } from '../editor/selectionContext';
import type { ModelService } from '../models/modelService';
import type { ChatViewProvider } from '../views/chatViewProvider';

/** Ask GMI and Explain Selection: both put a question into the sidebar chat and stream the answer there. */
export class AskCommands {
  constructor(
    private readonly chat: ChatService,
    private readonly view: ChatViewProvider,
    private readonly models: ModelService,
  ) {}

  async ask(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const sel = selectionContext(editor);
    const question = await vscode.window.showInputBox({
      title: vscode.l10n.t('Ask GMI'),
      prompt: sel
        ? vscode.l10n.t('Your selection ({0}) is attached.', `${sel.context.fileName}:${sel.context.startLine}-${sel.context.endLine}`)
        : vscode.l10n.t('Ask anything about your code.'),
      placeHolder: sel ? vscode.l10n.t('What does this do? How can it be faster?') : vscode.l10n.t('How do I …?'),
      ignoreFocusOut: true,
    });
    if (!question?.trim()) return;
    const fitted = sel ? this.fitSelection(sel.context) : undefined;
    await this.sendToChat(buildAskMessage(question.trim(), fitted?.context), fitted?.notice);
  }

  async explain(): Promise<void> {
    const sel = selectionContext(vscode.window.activeTextEditor);
    if (!sel) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select the code to explain first.'));
      return;
    }
    const fitted = this.fitSelection(sel.context);
    await this.sendToChat(buildExplainMessage(fitted.context), fitted.notice);
  }

  /** A selection larger than the model's context is cut (with a notice), never sent whole. */
  private fitSelection(context: SelectionContext): { context: SelectionContext; notice?: string } {
    const settings = readSettings();
    const limits = this.models.limits(settings.model);
    // The selection may take 60% of what is left after the reply and system prompt; history gets the rest.
    const budget = Math.floor(contextBudget(limits.contextLength, limits.maxOutputTokens, settings.systemPrompt) * 0.6);
    const fitted = fitSelection(context, budget);
    return { context: fitted.selection, notice: fitted.notice };
  }

  async sendToChat(message: string, notice?: string): Promise<void> {
    await this.view.reveal();
    if (this.chat.busy) {
      const stop = vscode.l10n.t('Stop and Ask');
      const pick = await vscode.window.showWarningMessage(vscode.l10n.t('GMI is still answering the previous question.'), stop);
      if (pick !== stop) return;
      this.chat.stop();
      await this.chat.idle();
    }
    if (notice) void vscode.window.showWarningMessage(notice);
    await this.chat.send(message, { notice });
  }
}
