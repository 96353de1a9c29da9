import * as vscode from 'vscode';
import type { SelectionContext } from '../chat/prompts';

/** The editor's selection as prompt context, or undefined when nothing is selected. */
export function selectionContext(editor: vscode.TextEditor | undefined): { context: SelectionContext; range: vscode.Range } | undefined {
  if (!editor || editor.selection.isEmpty) return undefined;
  const doc = editor.document;
  const sel = editor.selection;
  // A selection ending at column 0 of a line does not include that line.
  const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
  const range = new vscode.Range(sel.start, sel.end);
  return {
    range,
    context: {
      text: doc.getText(range),
      fileName: doc.isUntitled ? doc.uri.path : vscode.workspace.asRelativePath(doc.uri, false),
      languageId: doc.languageId,
      startLine: sel.start.line + 1,
      endLine,
    },
  };
}

/** Whole lines first..last (0-based), without the last line's line break, as prompt context. */
export function linesContext(doc: vscode.TextDocument, first: number, last: number): { context: SelectionContext; range: vscode.Range } {
  const range = new vscode.Range(first, 0, last, doc.lineAt(last).text.length);
  return {
    range,
    context: {
      text: doc.getText(range),
      fileName: doc.isUntitled ? doc.uri.path : vscode.workspace.asRelativePath(doc.uri, false),
      languageId: doc.languageId,
      startLine: first + 1,
      endLine: last + 1,
    },
  };
}
