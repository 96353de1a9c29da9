// Where this window's history lives (a folder per workspace under the extension's workspace storage;
// a window with no folder uses one shared folder under the global storage), and how its problems
// reach the user. Opening it is historyReady.ts (no `vscode`), after activation.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { NEXT_STEPS } from '../actions/nextSteps';
import type { NextStepId } from '../actions/nextSteps';
import { openChatHistory, type OpenedHistory } from './historyReady';

/** The folder holding this window's conversations. */
export function historyFolder(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>): string {
  return context.storageUri ? join(context.storageUri.fsPath, 'history') : join(context.globalStorageUri.fsPath, 'history-no-folder');
}

export function openHistory(
  context: vscode.ExtensionContext,
  log: { info(m: string): void; warn(m: string): void; error(m: string): void },
): Promise<OpenedHistory> {
  return openChatHistory({ dir: historyFolder(context), legacyState: context.workspaceState, log, report: reportOnce });
}

let reported = false;
/** One notification per window: a full disk would otherwise raise one per message. */
function reportOnce(message: string, nextStep: NextStepId): void {
  if (reported) return;
  reported = true;
  const step = NEXT_STEPS[nextStep];
  void vscode.window.showWarningMessage(message, step.label).then((pick) => pick && step.command && vscode.commands.executeCommand(step.command, ...(step.args ?? [])));
}
