import * as vscode from 'vscode';
import { contextBudget, cutText, estimateTokens } from '../chat/context';
import type { SelectionContext } from '../chat/prompts';
import { readSettings } from '../config/settings';
import { linesContext } from '../editor/selectionContext';
import { loadCodeBlocks } from '../lazy';
import type { Log } from '../log';
import type { ModelService } from '../models/modelService';
import { DOCUMENTABLE_KINDS, enclosingSymbol } from '../problems/enclosingSymbol';
import type { RefactorService } from '../refactor/refactorService';
import { buildDocumentMessage, buildTestsMessage, DOCUMENT_SYSTEM_PROMPT, TESTS_SYSTEM_PROMPT } from './generatePrompts';
import { findTestFiles, proposedTestFile } from './testFiles';

/** Lines of an existing test file sent as the example of the project's style. */
const EXAMPLE_LINES = 60;

export interface GenerateCommandsDeps {
  refactor: RefactorService;
  models: ModelService;
  log: Log;
}

/** Code as the prompts describe it, with its range in the document. */
interface Code {
  doc: vscode.TextDocument;
  range: vscode.Range;
  context: SelectionContext;
}

/**
 * Document (doc comments for the selected lines, or the function/class at the cursor, proposed
 * through the refactor diff) and Write Tests (a new, unsaved test file beside the code).
 */
export class GenerateCommands {
  constructor(private readonly deps: GenerateCommandsDeps) {}

  async document(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a file and select the code to document first.'));
      return;
    }
    let code = selectedLines(editor);
    if (!code) {
      const symbol = await enclosingSymbol(editor.document, editor.selection, DOCUMENTABLE_KINDS);
      if (symbol) code = linesOf(editor.document, symbol.start, symbol.end);
    }
    if (!code) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select the code to document first, or put the cursor in a function or class.'));
      return;
    }
    const fitted = this.fit(code, DOCUMENT_SYSTEM_PROMPT, 0.5, vscode.l10n.t('Only that part will be documented.'));
    await this.deps.refactor.proposeEdit(fitted.doc, fitted.range, {
      system: DOCUMENT_SYSTEM_PROMPT,
      message: buildDocumentMessage(fitted.context),
      progressTitle: vscode.l10n.t('GMI: Documenting'),
      name: vscode.l10n.t('Document'),
      command: vscode.l10n.t('Document Code'),
      subject: vscode.l10n.t('code being documented'),
    });
  }

  async writeTests(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open the file to write tests for first.'));
      return;
    }
    const doc = editor.document;
    const selected = selectedLines(editor);
    const whole = !selected;
    const code = selected ?? linesOf(doc, 0, Math.max(0, doc.lineCount - 1));
    if (code.context.text.trim() === '') {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no code to write tests for.'));
      return;
    }
    const fitted = this.fit(code, TESTS_SYSTEM_PROMPT, 0.5, vscode.l10n.t('Tests will be written for that part.'));
    const testFiles = await findTestFiles(doc);
    const target = await proposedTestFile(doc, testFiles);
    const example = await exampleTest(testFiles, target.uri, Math.floor(fitted.budget * 0.1));
    const message = buildTestsMessage({
      code: fitted.context,
      wholeFile: whole && fitted.context.endLine === code.context.endLine,
      testFile: target.relativePath,
      importSpecifier: target.importSpecifier,
      example,
    });
    const reply = await this.deps.refactor.streamReply(
      { system: TESTS_SYSTEM_PROMPT, message, progressTitle: vscode.l10n.t('GMI: Writing tests'), name: vscode.l10n.t('Write Tests') },
      estimateTokens(message),
    );
    if (reply === undefined) return;
    const tests = loadCodeBlocks().pickRefactorCode(reply);
    // Without a code block the reply itself is shown, so nothing received is lost.
    const content = (tests ?? reply).replace(/\n*$/, '\n');
    const opened = await openUntitled(target.uri, content);
    this.deps.log.info(`Write Tests: proposed ${target.relativePath} (${content.length} characters, unsaved).`);
    if (tests === undefined) void vscode.window.showWarningMessage(vscode.l10n.t('GMI replied without a code block: its whole reply is in the new editor.'));
    else vscode.window.setStatusBarMessage(vscode.l10n.t('$(beaker) Tests proposed in {0} — not saved yet', opened), 5000);
  }

  /** `code` cut to `share` of the model's context (with a notice naming what happens to the rest). */
  private fit(code: Code, system: string, share: number, rest: string): Code & { budget: number } {
    const settings = readSettings();
    const limits = this.deps.models.limits(settings.model);
    const budget = Math.floor(contextBudget(limits.contextLength, limits.maxOutputTokens, system) * share);
    const cut = cutText(code.context.text, budget);
    if (!cut.cut) return { ...code, budget };
    if (cut.notice) void vscode.window.showWarningMessage(`${cut.notice} ${rest}`);
    const start = code.doc.offsetAt(code.range.start);
    const range = new vscode.Range(code.range.start, code.doc.positionAt(start + cut.text.length));
    return { doc: code.doc, range, budget, context: { ...code.context, text: cut.text, endLine: range.end.line + 1 } };
  }
}

/** The selection widened to whole lines, or undefined when nothing is selected. */
function selectedLines(editor: vscode.TextEditor): Code | undefined {
  const sel = editor.selection;
  if (sel.isEmpty) return undefined;
  // A selection ending at column 0 of a line does not include that line.
  const last = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line - 1 : sel.end.line;
  return linesOf(editor.document, sel.start.line, last);
}

/** Whole lines first..last (0-based), without the last line's line break. */
function linesOf(doc: vscode.TextDocument, first: number, last: number): Code {
  return { doc, ...linesContext(doc, first, last) };
}

/** The beginning of the project's test file nearest the new one, for the framework and style. */
async function exampleTest(testFiles: readonly vscode.Uri[], target: vscode.Uri, maxTokens: number): Promise<{ fileName: string; text: string } | undefined> {
  if (testFiles.length === 0) return undefined;
  const dir = target.path.slice(0, target.path.lastIndexOf('/'));
  const nearest = testFiles.find((u) => u.path.startsWith(`${dir}/`)) ?? testFiles[0];
  try {
    const bytes = await vscode.workspace.fs.readFile(nearest);
    const lines = new TextDecoder().decode(bytes.subarray(0, 64 * 1024)).split(/\r?\n/).slice(0, EXAMPLE_LINES);
    const text = cutText(lines.join('\n'), maxTokens).text;
    return text.trim() ? { fileName: vscode.workspace.asRelativePath(nearest, false), text } : undefined;
  } catch {
    return undefined;
  }
}

/** Opens `content` in a new untitled editor beside the code: named `uri`, saved only if the user saves it. */
async function openUntitled(uri: vscode.Uri, content: string): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(0, 0), content);
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
