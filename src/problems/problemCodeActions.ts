import * as vscode from 'vscode';
import { shortMessage } from './problemPrompts';

export const FIX_PROBLEM_COMMAND = 'gmi.fixProblem';
export const EXPLAIN_PROBLEM_COMMAND = 'gmi.explainProblem';

/**
 * Documents the actions are offered in: files and untitled editors (local, remote, virtual, notebook
 * cells) — not the diff's proposal, output channels or the Source Control input box, whose
 * diagnostics (e.g. a long commit subject) are not code to fix.
 */
export const PROBLEM_DOCUMENTS: vscode.DocumentSelector = ['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-notebook-cell'].map(
  (scheme) => ({ scheme }),
);

/** Errors and warnings; hints and information are not problems to fix. */
export function isProblem(d: vscode.Diagnostic): boolean {
  return d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning;
}

/**
 * "Fix with GMI" and "Explain this problem with GMI" in the light bulb, for every error and warning
 * under the cursor in any language: one pair per diagnostic (several on one line are told apart by
 * their message).
 */
export class ProblemCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    const problems = context.diagnostics.filter(isProblem);
    const several = problems.length > 1;
    const actions: vscode.CodeAction[] = [];
    for (const d of problems) {
      const about = several ? `: ${shortMessage(d.message)}` : '';
      const fix = new vscode.CodeAction(vscode.l10n.t('Fix with GMI{0}', about), vscode.CodeActionKind.QuickFix);
      fix.diagnostics = [d];
      fix.command = { command: FIX_PROBLEM_COMMAND, title: fix.title, arguments: [document.uri, d] };
      const explain = new vscode.CodeAction(vscode.l10n.t('Explain this problem with GMI{0}', about), vscode.CodeActionKind.QuickFix);
      explain.diagnostics = [d];
      explain.command = { command: EXPLAIN_PROBLEM_COMMAND, title: explain.title, arguments: [document.uri, d] };
      actions.push(fix, explain);
    }
    return actions;
  }
}
