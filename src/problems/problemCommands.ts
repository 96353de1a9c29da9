import * as vscode from 'vscode';
import { contextBudget } from '../chat/context';
import { readSettings } from '../config/settings';
import { linesContext } from '../editor/selectionContext';
import type { Log } from '../log';
import type { ModelService } from '../models/modelService';
import type { RefactorService } from '../refactor/refactorService';
import { enclosingSymbol, FUNCTION_KINDS } from './enclosingSymbol';
import { isProblem } from './problemCodeActions';
import { buildExplainProblemMessage, buildFixMessage, FIX_SYSTEM_PROMPT, type ProblemCode, type ProblemInfo } from './problemPrompts';
import { surroundingCode } from './surroundingCode';

export interface ProblemCommandsDeps {
  refactor: RefactorService;
  models: ModelService;
  /** Puts a question into the sidebar chat and streams the answer there (Ask / Explain's path). */
  sendToChat(message: string, notice?: string): Promise<void>;
  log: Log;
}

/** A problem to work on: its document and diagnostic. */
interface Target {
  doc: vscode.TextDocument;
  diagnostic: vscode.Diagnostic;
}

/**
 * Fix with GMI (a proposal for the lines around the problem, through the refactor diff preview) and
 * Explain this problem (a question in the sidebar chat). From the light bulb they get the document
 * and the diagnostic; from the GMI submenu or the palette, the problem under the cursor.
 */
export class ProblemCommands {
  constructor(private readonly deps: ProblemCommandsDeps) {}

  async fix(uri?: unknown, diagnostic?: unknown): Promise<void> {
    const target = await this.target(uri, diagnostic, vscode.l10n.t('Fix with GMI'));
    if (!target) return;
    const { doc, diagnostic: d } = target;
    const code = await this.codeAround(target, FIX_SYSTEM_PROMPT, 0.5);
    if (!code) return;
    const message = buildFixMessage(problemInfo(d), code.prompt);
    this.deps.log.info(`Fix with GMI: ${vscode.workspace.asRelativePath(doc.uri)} line ${d.range.start.line + 1}, sending lines ${code.prompt.startLine}-${code.prompt.endLine}.`);
    // No await between reading the lines and this call: the proposal's range is exactly what was sent.
    await this.deps.refactor.proposeEdit(doc, code.range, {
      system: FIX_SYSTEM_PROMPT,
      message,
      progressTitle: vscode.l10n.t('GMI: Fixing the problem'),
      name: vscode.l10n.t('Fix'),
      command: vscode.l10n.t('Fix with GMI'),
      subject: vscode.l10n.t('code around the problem'),
    });
  }

  async explain(uri?: unknown, diagnostic?: unknown): Promise<void> {
    const target = await this.target(uri, diagnostic, vscode.l10n.t('Explain this problem'));
    if (!target) return;
    const settings = readSettings();
    const code = await this.codeAround(target, settings.systemPrompt, 0.6);
    if (!code) return;
    await this.deps.sendToChat(buildExplainProblemMessage(problemInfo(target.diagnostic), code.prompt), code.notice);
  }

  /**
   * The lines sent with the problem (src/problems/surroundingCode.ts's rule), within `share` of what
   * the model's context leaves after the reply and `system`; undefined (the user told) when even the
   * problem's own lines are too long.
   */
  private async codeAround(target: Target, system: string, share: number): Promise<{ prompt: ProblemCode; range: vscode.Range; notice?: string } | undefined> {
    const { doc, diagnostic: d } = target;
    const settings = readSettings();
    const limits = this.deps.models.limits(settings.model);
    const budget = Math.floor(contextBudget(limits.contextLength, limits.maxOutputTokens, system) * share);
    const fn = await enclosingSymbol(doc, d.range, FUNCTION_KINDS);
    // A range ending at column 0 of a line does not reach into that line.
    const endLine = d.range.end.line > d.range.start.line && d.range.end.character === 0 ? d.range.end.line - 1 : d.range.end.line;
    const chosen = surroundingCode((n) => doc.lineAt(n).text, doc.lineCount, { start: d.range.start.line, end: endLine }, fn, budget);
    if (!chosen) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t("The lines with this problem are too long for {0}'s context, so nothing was sent. Choose a model with a larger context (GMI: Select Model).", settings.model),
      );
      return undefined;
    }
    const { start, end } = chosen.span;
    const { range, context } = linesContext(doc, start, end);
    const notice = chosen.cut
      ? vscode.l10n.t("Only lines {0}-{1} around the problem were sent, to fit the model's context.", start + 1, end + 1)
      : undefined;
    if (notice) void vscode.window.showWarningMessage(notice);
    return {
      range,
      notice,
      prompt: {
        ...context,
        isFunction: chosen.rule === 'function',
      },
    };
  }

  /** The light bulb's document and diagnostic, else the problem under the cursor (picked when several). */
  private async target(uri: unknown, diagnostic: unknown, what: string): Promise<Target | undefined> {
    if (uri instanceof vscode.Uri && diagnostic instanceof vscode.Diagnostic) {
      const doc = vscode.workspace.textDocuments.find((t) => t.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
      return { doc, diagnostic };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a file and put the cursor on a problem (a squiggle) first.'));
      return undefined;
    }
    const doc = editor.document;
    const cursor = editor.selection.active;
    const all = vscode.languages.getDiagnostics(doc.uri).filter(isProblem);
    let here = all.filter((d) => d.range.contains(cursor));
    if (here.length === 0) here = all.filter((d) => d.range.start.line <= cursor.line && cursor.line <= d.range.end.line);
    if (here.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('There is no error or warning at the cursor. Put the cursor on a squiggle, or use the light bulb next to it.'),
      );
      return undefined;
    }
    here.sort((a, b) => a.severity - b.severity || a.range.start.compareTo(b.range.start));
    if (here.length === 1) return { doc, diagnostic: here[0] };
    const picked = await vscode.window.showQuickPick(
      here.map((d) => ({
        label: `$(${d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning'}) ${d.message.split(/\r?\n/)[0]}`,
        description: [d.source, codeText(d.code)].filter(Boolean).join(' '),
        diagnostic: d,
      })),
      { title: what, placeHolder: vscode.l10n.t('Which problem?') },
    );
    return picked ? { doc, diagnostic: picked.diagnostic } : undefined;
  }
}

function codeText(code: vscode.Diagnostic['code']): string | undefined {
  if (code === undefined || code === null) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** A diagnostic as the prompts describe it (1-based lines and inclusive columns). */
export function problemInfo(d: vscode.Diagnostic): ProblemInfo {
  return {
    message: d.message,
    severity: d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning',
    source: d.source || undefined,
    code: codeText(d.code),
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: Math.max(d.range.start.character + 1, d.range.end.character),
  };
}
