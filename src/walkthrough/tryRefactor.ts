import * as vscode from 'vscode';

/** A small function worth refactoring, for the walkthrough's "Try Refactor" button. */
const SAMPLE = [
  '// A sample to try GMI: Refactor Selection on. Nothing here is saved unless you save it.',
  'function total(items) {',
  '  var sum = 0;',
  '  for (var i = 0; i < items.length; i++) {',
  '    if (items[i].price != null && items[i].quantity != null) {',
  '      sum = sum + items[i].price * items[i].quantity;',
  '    }',
  '  }',
  '  return sum;',
  '}',
  '',
].join('\n');

/** Opens the sample in an untitled editor with the function selected, and starts Refactor Selection. */
export async function tryRefactor(): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'javascript', content: SAMPLE });
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const last = doc.lineCount - 2;
  editor.selection = new vscode.Selection(1, 0, last, doc.lineAt(last).text.length);
  await vscode.commands.executeCommand('gmi.refactorSelection');
}
