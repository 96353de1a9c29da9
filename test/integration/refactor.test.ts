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

  /** A new workspace file with `content`, opened in an editor. */
  async function openNewFile(name: string, content: string): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, `new-${++n}`, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preview: false });
  }

  /** Starts Refactor Selection with a slow reply; resolves once the reply is streaming. */
  async function refactorStreaming(answer: 'Apply' | undefined): Promise<{ done: Promise<unknown>; request: number }> {
    t.fake.enqueue({ text: `Here it is:\n\n\`\`\`ts result\n${NEW_LOOP}\n\`\`\`\n`, chunkSize: 3, delayMs: 60 });
    t.stubs.inputBox('Use a for-of loop');
    t.stubs.stub('showInformationMessage', async (message: string) => (/Apply the proposed change/.test(message) ? answer : undefined));
    const done = Promise.resolve(vscode.commands.executeCommand('gmi.refactorSelection'));
    await waitFor('the refactor request', () => chatRequests(t.fake).length === 1);
    return { done, request: t.fake.requests.indexOf(chatRequests(t.fake)[0]) };
  }

  /** Types `text` at `position`, the way a user does (the editor's `type` command). */
  async function typeAt(editor: vscode.TextEditor, position: vscode.Position, text: string): Promise<void> {
    const shown = await vscode.window.showTextDocument(editor.document, { preserveFocus: false, preview: false });
    shown.selection = new vscode.Selection(position, position);
    const before = editor.document.version;
    await vscode.commands.executeCommand('type', { text });
    await waitFor('the typed text in the document', () => editor.document.version > before);
  }

  describe('while the reply streams', () => {
    it('typing inside the selection: nothing is applied, the typing is kept, and the message says why', async () => {
      const { editor } = await openLoopSelected();
      const { done, request } = await refactorStreaming('Apply');
      await typeAt(editor, new vscode.Position(4, 26), ' // typed while GMI writes');
      assert.equal(t.fake.requests[request].outcome, undefined, 'the edit was made while the reply streamed');
      const typed = editor.document.getText();
      assert.ok(typed.includes('prices[i]; // typed while GMI writes'), typed);

      await done;
      assert.equal(editor.document.getText(), typed, 'the typed text is kept, nothing replaced');
      assert.ok(
        t.stubs.messages('showErrorMessage').some((m) => /Not applied: the selected code changed while GMI was writing/.test(m)),
        t.stubs.messages('showErrorMessage').join('\n'),
      );
      assert.equal(t.api.refactorPending(), false);
    });

    it('typing above the selection moves it: Apply replaces the lines that were selected', async () => {
      const { editor, original, start, end } = await openLoopSelected();
      const { done, request } = await refactorStreaming('Apply');
      // Enter at the start of line 2: a new empty line above, the selected lines move down by one.
      // (Only a line break is typed: what else Enter adds, like a continued comment, depends on the
      // language's rules.)
      const lineStart = editor.document.offsetAt(new vscode.Position(1, 0));
      await typeAt(editor, new vscode.Position(1, 0), '\n');
      assert.equal(t.fake.requests[request].outcome, undefined, 'the edit was made while the reply streamed');

      await done;
      assert.equal(editor.document.getText(), original.slice(0, lineStart) + '\n' + original.slice(lineStart, start) + NEW_LOOP + original.slice(end));
    });
  });

  describe('fitting the code to the selection', () => {
    /** Runs Refactor Selection on the editor's selection with `reply`, answering Apply. */
    async function refactorWith(reply: string): Promise<void> {
      t.fake.enqueue({ text: reply, chunkSize: 20 });
      t.stubs.inputBox('Tidy it');
      t.stubs.stub('showInformationMessage', async (message: string) => (/Apply the proposed change/.test(message) ? 'Apply' : undefined));
      await vscode.commands.executeCommand('gmi.refactorSelection');
    }

    it('takes the result block, not a "before" block shown first', async () => {
      const { editor, original, start, end } = await openLoopSelected();
      const before = original.slice(start, end);
      await refactorWith(`Before:\n\n\`\`\`ts\n${before}\n\`\`\`\n\nAfter:\n\n\`\`\`ts result\n${NEW_LOOP}\n\`\`\`\n`);
      assert.equal(editor.document.getText(), original.slice(0, start) + NEW_LOOP + original.slice(end));
    });

    it('a Makefile keeps its tab-indented recipe when the model answers with spaces', async () => {
      const editor = await openNewFile('Makefile', 'app: main.c\n\tcc -o app main.c\n\t@echo built\n\nclean:\n\trm -f app\n');
      selectLines(editor, 1, 3);
      await refactorWith('```makefile result\napp: main.c util.c\n    cc -O2 -o app main.c util.c\n    @echo built\n```\n');
      assert.equal(editor.document.getText(), 'app: main.c util.c\n\tcc -O2 -o app main.c util.c\n\t@echo built\n\nclean:\n\trm -f app\n');
    });

    it('a selection starting mid-line: the prompt says where it starts; the text before it is not repeated', async () => {
      const editor = await openNewFile('Makefile', 'app: main.c\n\tcc -o app main.c\n\t@echo built\n');
      // From after the tab on line 2 to the end of line 3.
      editor.selection = new vscode.Selection(new vscode.Position(1, 1), editor.document.lineAt(2).range.end);
      await refactorWith('```makefile result\n    cc -O2 -o app main.c\n    @echo done\n```\n');
      assert.match(lastUserText(chatRequests(t.fake)[0].body), /starts at column 2 of line 2, after the line's indentation/);
      assert.match(lastUserText(chatRequests(t.fake)[0].body), /indented with tabs/);
      assert.equal(editor.document.getText(), 'app: main.c\n\tcc -O2 -o app main.c\n\t@echo done\n');
    });

    it('a selection after code on its line: the model repeating that code does not duplicate it', async () => {
      const editor = await openNewFile('calc.ts', 'export function f(a: number, b: number) {\n  const total = a + b + 0;\n  return total;\n}\n');
      const line = editor.document.lineAt(1).text;
      editor.selection = new vscode.Selection(new vscode.Position(1, line.indexOf('a + b')), new vscode.Position(1, line.length - 1));
      await refactorWith('```ts result\n  const total = a + b\n```\n');
      assert.match(lastUserText(chatRequests(t.fake)[0].body), /after `  const total = `/);
      assert.equal(editor.document.lineAt(1).text, '  const total = a + b;');
    });

    it('a CRLF document keeps CRLF, and the selection after Apply covers exactly the new code', async () => {
      const crlf = (s: string) => s.replace(/\n/g, '\r\n');
      const editor = await openNewFile('crlf.ts', crlf('function f() {\n  let x = 1;\n  x = x + 1;\n  return x;\n}\n'));
      assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
      selectLines(editor, 2, 4);
      await refactorWith('```ts result\n  const x = 1;\n  return x + 1;\n```\n');
      const doc = editor.document;
      assert.equal(doc.getText(), crlf('function f() {\n  const x = 1;\n  return x + 1;\n}\n'));
      const active = vscode.window.activeTextEditor!;
      assert.equal(active.document, doc);
      assert.equal(doc.getText(active.selection), crlf('  const x = 1;\n  return x + 1;'));
    });
  });
});

