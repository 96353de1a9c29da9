import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  chatRequests,
  lastUserText,
  selectLines,
  waitFor,
  useLoopbackGmi,
} from './helpers';

/** Edits a document while the diff editor covers its editor (TextEditor.edit needs a visible editor). */
async function edit(doc: vscode.TextDocument, build: (e: vscode.WorkspaceEdit, uri: vscode.Uri) => void): Promise<void> {
  const e = new vscode.WorkspaceEdit();
  build(e, doc.uri);
  assert.equal(await vscode.workspace.applyEdit(e), true);
}

const NEW_LOOP = '  for (const price of prices) {\n    sum += price;\n  }';

describe('Refactor Selection', () => {
  const t = useLoopbackGmi();
  let n = 0;
  beforeEach(() => t.stubs.stub('showErrorMessage', async () => undefined));
  afterEach(async () => {
    await vscode.commands.executeCommand('gmi.discardRefactor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** A fresh copy of the sample file (tests edit it), opened with lines 4-6 (the loop) selected. */
  async function openLoopSelected(): Promise<{ editor: vscode.TextEditor; original: string; start: number; end: number }> {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'src', `refactor-${++n}.ts`);
    fs.copyFileSync(path.join(folder, 'src', 'sample.ts'), file);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preview: false });
    const sel = selectLines(editor, 4, 6);
    const doc = editor.document;
    return { editor, original: doc.getText(), start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) };
  }

  /** Runs the command; the Apply/Discard notification gets `answer`. */
  async function refactor(answer: 'Apply' | 'Discard' | undefined): Promise<void> {
    t.fake.enqueue({ text: `Here it is:\n\n\`\`\`ts\n${NEW_LOOP}\n\`\`\`\n`, chunkSize: 5 });
    t.stubs.inputBox('Use a for-of loop');
    t.stubs.stub('showInformationMessage', async (message: string) => (/Apply the proposed change/.test(message) ? answer : undefined));
    await vscode.commands.executeCommand('gmi.refactorSelection');
  }

  it('Apply replaces exactly the selected range, as one undo step', async () => {
    const { editor, original, start, end } = await openLoopSelected();
    await refactor('Apply');
    const doc = editor.document;
    assert.equal(doc.getText(), original.slice(0, start) + NEW_LOOP + original.slice(end));
    assert.match(lastUserText(chatRequests(t.fake)[0].body), /Use a for-of loop/);

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('the undo to reach the document', () => doc.getText() === original, 10_000).catch(() => undefined);
    assert.equal(doc.getText(), original, 'one undo must restore the original text');
  });

  it('a selection of whole lines (ending at column 0 of the next line) keeps its final line break', async () => {
    const { editor, original } = await openLoopSelected();
    const doc = editor.document;
    editor.selection = new vscode.Selection(new vscode.Position(3, 0), new vscode.Position(6, 0));
    const start = doc.offsetAt(editor.selection.start);
    const end = doc.offsetAt(editor.selection.end);
    assert.ok(original.slice(start, end).endsWith('  }\n'));
    await refactor('Apply');
    assert.equal(doc.getText(), original.slice(0, start) + NEW_LOOP + '\n' + original.slice(end));
  });

  it('opens the diff editor and keeps the proposal pending until Apply or Discard', async () => {
    const { editor, original } = await openLoopSelected();
    await refactor(undefined);
    assert.equal(t.api.refactorPending(), true);
    const diffTabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'gmi-proposal');
    assert.equal(diffTabs.length, 1, 'one diff editor with the proposal');
    await vscode.commands.executeCommand('gmi.discardRefactor');
    assert.equal(t.api.refactorPending(), false);
    assert.equal(editor.document.getText(), original, 'Discard changes nothing');
  });

  it('Apply still hits the right range after an edit above it', async () => {
    const { editor, original, start, end } = await openLoopSelected();
    await refactor(undefined);
    const header = '// a line added above\n';
    await edit(editor.document, (e, uri) => e.insert(uri, new vscode.Position(0, 0), header));
    const applied = await vscode.commands.executeCommand<boolean>('gmi.applyRefactor');
    assert.equal(applied, true);
    assert.equal(editor.document.getText(), header + original.slice(0, start) + NEW_LOOP + original.slice(end));
  });

  it('Apply refuses when the text in the range changed', async () => {
    const { editor } = await openLoopSelected();
    await refactor(undefined);
    await edit(editor.document, (e, uri) => e.replace(uri, editor.document.lineAt(4).range, '    sum += prices[i] * 2;'));
    const edited = editor.document.getText();
    const applied = await vscode.commands.executeCommand<boolean>('gmi.applyRefactor');
    assert.equal(applied, false);
    assert.equal(editor.document.getText(), edited, 'the edited text must be left alone');
    assert.ok(t.stubs.messages('showErrorMessage').some((m) => /Not applied/.test(m)), 'a clear message');
    assert.equal(t.api.refactorPending(), false);
  });
});
