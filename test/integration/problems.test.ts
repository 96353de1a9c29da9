import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chatRequests, lastUserText, useLoopbackGmi, waitFor } from './helpers';

/** A JSON file missing a comma after "version": the JSON language service reports it. */
const BROKEN_JSON = '{\n  "name": "demo",\n  "version": "1.0.0"\n  "private": true\n}\n';
const FIXED_JSON = '{\n  "name": "demo",\n  "version": "1.0.0",\n  "private": true\n}';

describe('Problems: Fix with GMI / Explain this problem', () => {
  const t = useLoopbackGmi();
  let n = 0;
  const testDiagnostics = vscode.languages.createDiagnosticCollection('gmi-test');
  beforeEach(() => t.stubs.stub('showErrorMessage', async () => undefined));
  afterEach(async () => {
    testDiagnostics.clear();
    await vscode.commands.executeCommand('gmi.discardRefactor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(() => testDiagnostics.dispose());

  /** A new workspace file with `content`, opened in an editor. */
  async function openNewFile(name: string, content: string): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'problems', `${++n}`, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preview: false });
  }

  /** The diagnostics a language service reports for `uri` (waits for them). */
  async function problemsOf(uri: vscode.Uri, count = 1): Promise<vscode.Diagnostic[]> {
    return waitFor(`${count} diagnostic(s) for ${path.basename(uri.fsPath)}`, () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length >= count && d;
    }, 30_000);
  }

  async function waitForAsync(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
    return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)) ?? [];
  }

  /** Answers the "Apply the proposed change?" notification with `answer`. */
  function answerApply(answer: 'Apply' | 'Discard' | undefined): void {
    t.stubs.stub('showInformationMessage', async (message: string) => (/Apply the proposed change/.test(message) ? answer : undefined));
  }

  it('the light bulb offers Fix and Explain for a JSON syntax error from the JSON language service, and Fix applies exactly', async () => {
    const editor = await openNewFile('data.json', BROKEN_JSON);
    const doc = editor.document;
    const [problem] = await problemsOf(doc.uri);
    assert.equal(problem.source, 'json');
    assert.equal(problem.range.start.line, 3, `the missing comma is reported on line 4: ${problem.message}`);

    const actions = await codeActions(doc.uri, problem.range);
    const fix = actions.find((a) => a.title === 'Fix with GMI');
    const explain = actions.find((a) => a.title === 'Explain this problem with GMI');
    assert.ok(fix && explain, `offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.equal(fix.command?.command, 'gmi.fixProblem');
    assert.equal((fix.command?.arguments?.[1] as vscode.Diagnostic).message, problem.message, 'the action carries its diagnostic');

    t.fake.enqueue({ text: `Added the missing comma.\n\n\`\`\`json result\n${FIXED_JSON}\n\`\`\`\n`, chunkSize: 6 });
    answerApply('Apply');
    await vscode.commands.executeCommand(fix.command!.command, ...(fix.command!.arguments ?? []));

    assert.equal(doc.getText(), FIXED_JSON + '\n', 'the proposal replaced exactly the lines sent, keeping the final line break');
    const sent = lastUserText(chatRequests(t.fake)[0].body);
    assert.match(sent, /Fix this error reported by json/);
    assert.ok(sent.includes(problem.message), 'the diagnostic message is sent');
    assert.match(sent, /at line 4, column/);
    assert.match(sent, /`problems\/\d+\/data\.json` \(json\)/);
    assert.match(sent, /lines 1-5/);
    await waitFor('the JSON service to clear the problem', () => vscode.languages.getDiagnostics(doc.uri).length === 0, 30_000);

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('one undo to restore the file', () => doc.getText() === BROKEN_JSON);
  });

  it('several problems on one line: one Fix and one Explain each, told apart by their message', async () => {
    const editor = await openNewFile('values.json', '{ "a": 1 "b": 2 "c": 3 }\n');
    const problems = await problemsOf(editor.document.uri, 2);
    const line = new vscode.Range(0, 0, 0, editor.document.lineAt(0).text.length);
    const actions = await codeActions(editor.document.uri, line);
    const fixes = actions.filter((a) => a.command?.command === 'gmi.fixProblem');
    const explains = actions.filter((a) => a.command?.command === 'gmi.explainProblem');
    assert.equal(fixes.length, problems.length);
    assert.equal(explains.length, problems.length);
    assert.ok(fixes.every((a) => a.title.startsWith('Fix with GMI: ')), fixes.map((a) => a.title).join(' | '));
    assert.deepEqual(
      fixes.map((a) => (a.command?.arguments?.[1] as vscode.Diagnostic).range.start.character).sort((a, b) => a - b),
      problems.map((d) => d.range.start.character).sort((a, b) => a - b),
      'each action carries its own diagnostic',
    );
  });

  it('hints are not problems: no action for an information or hint diagnostic', async () => {
    const editor = await openNewFile('notes.txt', 'alpha\nbeta\n');
    const uri = editor.document.uri;
    const hint = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 5), 'Consider a longer name.', vscode.DiagnosticSeverity.Hint);
    const warning = new vscode.Diagnostic(new vscode.Range(1, 0, 1, 4), 'Unknown word.', vscode.DiagnosticSeverity.Warning);
    testDiagnostics.set(uri, [hint, warning]);
    assert.deepEqual((await codeActions(uri, new vscode.Range(0, 0, 0, 5))).filter((a) => a.command?.command?.startsWith('gmi.')), []);
    assert.equal((await codeActions(uri, new vscode.Range(1, 0, 1, 4))).filter((a) => a.command?.command === 'gmi.fixProblem').length, 1);
  });

  it('the enclosing function is sent when the language reports one', async () => {
    const filler = Array.from({ length: 40 }, (_, i) => `export const c${i} = ${i};`).join('\n');
    const fn = 'export function area(w: number, h: number): number {\n  const a = w * h;\n  return a;\n}';
    const editor = await openNewFile('area.ts', `${filler}\n${fn}\n${filler}\n`);
    const uri = editor.document.uri;
    // The TypeScript server may still be starting: wait until it lists symbols (the rule waits 3 s at most).
    await waitForAsync('TypeScript to list the symbols', async () => {
      const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', uri);
      return (symbols ?? []).some((s) => s.name === 'area');
    });
    // Any diagnostic counts, whoever reports it: here one of the test's own, inside area().
    testDiagnostics.set(uri, [new vscode.Diagnostic(new vscode.Range(41, 12, 41, 17), "Don't multiply here.", vscode.DiagnosticSeverity.Warning)]);
    const fixedFn = fn.replace('w * h', 'h * w');
    t.fake.enqueue({ text: `\`\`\`ts result\n${fixedFn}\n\`\`\`\n` });
    answerApply('Apply');
    await vscode.commands.executeCommand('gmi.fixProblem', uri, vscode.languages.getDiagnostics(uri)[0]);
    const sent = lastUserText(chatRequests(t.fake)[0].body);
    assert.match(sent, /The enclosing function, lines 41-44 of/);
    assert.equal(editor.document.getText(), `${filler}\n${fixedFn}\n${filler}\n`);
  });

  it('without a function: the problem with 30 lines above and below', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `row ${i + 1}`);
    const editor = await openNewFile('rows.txt', lines.join('\n') + '\n');
    const uri = editor.document.uri;
    testDiagnostics.set(uri, [new vscode.Diagnostic(new vscode.Range(49, 0, 49, 6), 'Row 50 is wrong.', vscode.DiagnosticSeverity.Error)]);
    const replaced = lines.slice(19, 80).map((l) => (l === 'row 50' ? 'row fifty' : l));
    t.fake.enqueue({ text: `\`\`\`plaintext result\n${replaced.join('\n')}\n\`\`\`\n` });
    answerApply('Apply');
    await vscode.commands.executeCommand('gmi.fixProblem', uri, vscode.languages.getDiagnostics(uri)[0]);
    const sent = lastUserText(chatRequests(t.fake)[0].body);
    assert.match(sent, /The code around it, lines 20-80 of/);
    assert.ok(!sent.includes('row 19\n') && !sent.includes('row 81'), 'nothing beyond the 30 lines');
    assert.equal(editor.document.getText(), [...lines.slice(0, 19), ...replaced, ...lines.slice(80)].join('\n') + '\n');
  });

  it('from the GMI submenu / palette: the problem under the cursor; none there says so', async () => {
    const editor = await openNewFile('data.json', BROKEN_JSON);
    const [problem] = await problemsOf(editor.document.uri);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    t.stubs.stub('showInformationMessage', async () => undefined);
    await vscode.commands.executeCommand('gmi.fixProblem', editor.document.uri);
    assert.ok(t.stubs.messages('showInformationMessage').some((m) => /no error or warning at the cursor/.test(m)));
    assert.equal(chatRequests(t.fake).length, 0, 'nothing sent');

    t.stubs.restore();
    t.stubs.allowHost();
    editor.selection = new vscode.Selection(problem.range.start, problem.range.start);
    t.fake.enqueue({ text: `\`\`\`json result\n${FIXED_JSON}\n\`\`\`\n` });
    answerApply('Apply');
    // The editor context menu passes the document's URI, not a diagnostic.
    await vscode.commands.executeCommand('gmi.fixProblem', editor.document.uri);
    assert.equal(editor.document.getText(), FIXED_JSON + '\n');
  });

  it('Explain this problem streams the answer into the sidebar chat', async () => {
    const editor = await openNewFile('data.json', BROKEN_JSON);
    const [problem] = await problemsOf(editor.document.uri);
    const before = t.api.messages().length;
    t.fake.enqueue({ text: 'A comma must separate the properties of an object.', chunkSize: 5 });
    await vscode.commands.executeCommand('gmi.explainProblem', editor.document.uri, problem);
    await t.api.chatIdle();
    const added = t.api.messages().slice(before);
    const question = added.find((m) => m.role === 'user');
    const answer = added.find((m) => m.role === 'assistant');
    assert.ok(question && answer, JSON.stringify(added));
    assert.match(question.text, /^Explain this error reported by json/);
    assert.ok(question.text.includes(problem.message));
    assert.equal(answer.text, 'A comma must separate the properties of an object.');
    assert.equal(answer.state, 'done');
    assert.equal(editor.document.getText(), BROKEN_JSON, 'Explain changes nothing');
  });
});
