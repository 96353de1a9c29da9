import * as vscode from 'vscode';
import { smallestEnclosing, type LineSpan } from './surroundingCode';

/** A language server that takes longer than this to list symbols is not waited for (±30 lines are sent). */
const SYMBOLS_TIMEOUT_MS = 3000;

export const FUNCTION_KINDS: ReadonlySet<vscode.SymbolKind> = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor]);

/** Functions, methods, classes … — what Document comments when nothing is selected. */
export const DOCUMENTABLE_KINDS: ReadonlySet<vscode.SymbolKind> = new Set([
  ...FUNCTION_KINDS,
  vscode.SymbolKind.Class,
  vscode.SymbolKind.Interface,
  vscode.SymbolKind.Enum,
  vscode.SymbolKind.Struct,
]);

/**
 * The lines of the smallest symbol of one of `kinds` that contains `range`, from the document's
 * symbol provider (`vscode.executeDocumentSymbolProvider`); undefined when there is none, the
 * language has no symbols, or its server is slow.
 */
export async function enclosingSymbol(doc: vscode.TextDocument, range: vscode.Range, kinds: ReadonlySet<vscode.SymbolKind>): Promise<LineSpan | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SYMBOLS_TIMEOUT_MS)));
  try {
    const symbols = await Promise.race([
      Promise.resolve(vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation> | undefined>('vscode.executeDocumentSymbolProvider', doc.uri)).catch(
        () => undefined,
      ),
      timeout,
    ]);
    const spans: LineSpan[] = [];
    const visit = (list: ReadonlyArray<vscode.DocumentSymbol | vscode.SymbolInformation>) => {
      for (const s of list) {
        const r = 'location' in s ? s.location.range : s.range;
        if (kinds.has(s.kind)) spans.push({ start: r.start.line, end: r.end.line });
        if ('children' in s && s.children) visit(s.children);
      }
    };
    visit(symbols ?? []);
    return smallestEnclosing(spans, { start: range.start.line, end: range.end.line });
  } finally {
    clearTimeout(timer);
  }
}
