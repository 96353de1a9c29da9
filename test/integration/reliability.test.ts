// Reliability in the real extension host: a chat reply and a refactor stream at the same time
// without crossing; a question sent while a reply streams is refused unless the user stops first
// (never two replies in one message); a 5 MB selection sent to Explain is cut, not sent whole.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GmiExtensionApi } from '../../src/api';
import {
  api as getApi,
  chatRequests,
  lastUserText,
  selectLines,
  setKey,
  startFakeGmiForTests,
  stopFakeGmi,
  waitFor,
  WindowStubs,
  type FakeGmi,
} from './helpers';

const MB = 1024 * 1024;
const NEW_LOOP = '  for (const price of prices) {\n    sum += price;\n  }';
const CHAT_TEXT = 'The function walks the list once and adds every price to a running sum, then returns it. '.repeat(5).trim();
const BUSY_WARNING = 'GMI is still answering the previous question.';

describe('Reliability', () => {
  let fake: FakeGmi;
  let api: GmiExtensionApi;
  let stubs: WindowStubs;
  let n = 0;

  before(async () => {
    api = await getApi();
    fake = await startFakeGmiForTests();
    await setKey();
  });
  after(() => stopFakeGmi(fake));
  beforeEach(async () => {
    await api.chatIdle();
    stubs = new WindowStubs();
    fake.reset();
  });
  afterEach(async () => {
    stubs.restore();
    await api.chatIdle();
    await vscode.commands.executeCommand('gmi.discardRefactor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const assistants = () => api.messages().filter((m) => m.role === 'assistant');
  const lastAssistant = () => assistants().at(-1);

  /** A fresh copy of the sample file, opened with lines 4-6 (the loop) selected. */
  async function openLoopSelected(): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'src', `reliability-${++n}.ts`);
    fs.copyFileSync(path.join(folder, 'src', 'sample.ts'), file);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preview: false });
    selectLines(editor, 4, 6);
    return editor;
  }

  /** Starts Ask GMI with `question` and waits until its reply is visibly streaming. */
  async function startStreamingAsk(): Promise<{ done: Thenable<unknown>; replyCount: number }> {
    const replyCount = assistants().length;
    const done = vscode.commands.executeCommand('gmi.ask');
    await waitFor('the chat reply to start streaming', () => {
      const m = assistants().length > replyCount ? lastAssistant() : undefined;
      return m?.state === 'streaming' && m.text.length > 0;
    }, 20_000);
    return { done, replyCount };
  }

  it('a chat reply and a refactor stream at once, each getting only its own text', async function () {
    this.timeout(120_000);
    const editor = await openLoopSelected();
    const original = editor.document.getText();
    const sel = editor.selection;
    const [start, end] = [editor.document.offsetAt(sel.start), editor.document.offsetAt(sel.end)];
    // The chat reply streams for ~9 s; the refactor reply (~1 s) streams entirely inside it.
    fake.enqueue(
      { text: CHAT_TEXT, chunkSize: 2, delayMs: 40 },
      { text: `Here it is:\n\n\`\`\`ts\n${NEW_LOOP}\n\`\`\`\n`, chunkSize: 3, delayMs: 20 },
    );
    stubs.allowHost();
    stubs.inputBox('What does this loop do?', 'Use a for-of loop');
    stubs.stub('showInformationMessage', async (message: string) => (/Apply the proposed change/.test(message) ? 'Apply' : undefined));

    const chat = await startStreamingAsk();
    assert.equal(chatRequests(fake).length, 1, 'the chat request went out first');
    const refactoring = vscode.commands.executeCommand('gmi.refactorSelection');
    await waitFor('the refactor request', () => chatRequests(fake).length === 2, 60_000);
    const [chatIndex, refactorIndex] = chatRequests(fake).map((r) => fake.requests.indexOf(r));
    // ('clientClosed' is fine: the client hangs up as soon as it has the end event.)
    await fake.waitForOutcome(refactorIndex);
    // Both streams were on the wire at once: the refactor reply was over while the chat's was not.
    assert.equal(fake.requests[chatIndex].outcome, undefined, 'the chat reply was still streaming');
    assert.equal(lastAssistant()?.state, 'streaming');
    await refactoring;
    await chat.done;
    await api.chatIdle();
    await fake.waitForOutcome(chatIndex);

    const [chatReq, refactorReq] = chatRequests(fake);
    assert.match(lastUserText(chatReq.body), /What does this loop do\?/);
    assert.match(lastUserText(refactorReq.body), /Use a for-of loop/);
    // The chat reply is exactly its own text, in one message, done.
    const reply = lastAssistant()!;
    assert.equal(assistants().length, chat.replyCount + 1, 'one new reply');
    assert.equal(reply.state, 'done');
    assert.equal(reply.text, CHAT_TEXT);
    assert.ok(!api.messages().some((m) => m.text.includes('for (const price of prices)')), 'no refactor text in the chat');
    // The refactor applied exactly its own code to exactly the selected range.
    assert.equal(editor.document.getText(), original.slice(0, start) + NEW_LOOP + original.slice(end));
    assert.ok(!editor.document.getText().includes('walks the list'), 'no chat text in the document');
  });

  it('a question sent while a reply streams is refused unless the user stops first; never two replies in one message', async function () {
    this.timeout(90_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fake.enqueue({ text: CHAT_TEXT, chunkSize: 4, delayMs: 15 }, { text: 'Answer to the third question.', chunkSize: 4, delayMs: 15 });
    stubs.inputBox('First question', 'Second question', 'Third question');
    const warningAnswers: Array<string | undefined> = [undefined, 'Stop and Ask'];
    stubs.stub('showWarningMessage', async (message: string) => {
      if (/^Send your GMI API key to /.test(message)) return 'Allow';
      return message === BUSY_WARNING ? warningAnswers.shift() : undefined;
    });
    const before = api.messages().length;

    const first = await startStreamingAsk();
    // Second question while the first streams: the user dismisses "still answering" → nothing is sent.
    await vscode.commands.executeCommand('gmi.ask');
    assert.equal(chatRequests(fake).length, 1, 'the refused question was not sent');
    assert.equal(lastAssistant()?.state, 'streaming', 'the first reply keeps streaming');
    assert.ok(!api.messages().slice(before).some((m) => m.text.includes('Second question')), 'the refused question is not added');

    // Third question while the first still streams: "Stop and Ask" stops it, then sends.
    assert.equal(lastAssistant()?.state, 'streaming');
    await vscode.commands.executeCommand('gmi.ask');
    await first.done;
    await api.chatIdle();

    const calls = stubs.messages('showWarningMessage').filter((m) => m === BUSY_WARNING);
    assert.equal(calls.length, 2, 'the user was asked both times');
    const added = api.messages().slice(before);
    assert.deepEqual(
      added.map((m) => [m.role, m.role === 'user' ? m.text : undefined, m.state]),
      [
        ['user', 'First question', undefined],
        ['assistant', undefined, 'stopped'],
        ['user', 'Third question', undefined],
        ['assistant', undefined, 'done'],
      ],
    );
    const [stopped, answered] = [added[1], added[3]];
    assert.ok(stopped.text.length > 0 && CHAT_TEXT.startsWith(stopped.text), 'the stopped reply holds a prefix of its own text only');
    assert.ok(stopped.text.length < CHAT_TEXT.length, 'it was cut short');
    assert.equal(answered.text, 'Answer to the third question.');
    assert.equal(chatRequests(fake).length, 2);
    assert.equal(await fake.waitForOutcome(fake.requests.indexOf(chatRequests(fake)[0])), 'clientClosed', 'the first stream was closed');
  });

  it('Explain on a 5 MB selection sends the cut selection, not 5 MB', async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    // Plain text: a 5 MB .ts file would measure the TypeScript extension's tsserver sync, not ours.
    const file = path.join(folder, 'src', 'huge.txt');
    const line = 'export const value = computeSomething(input, options); // filler\n';
    const lines = Math.ceil((5 * MB) / line.length);
    fs.writeFileSync(file, line.repeat(lines));
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), doc.lineAt(doc.lineCount - 1).range.end);
    assert.ok(editor.document.getText(editor.selection).length >= 5 * MB - line.length);

    fake.enqueue({ text: 'It defines the same constant many times.' });
    stubs.allowHost();
    await vscode.commands.executeCommand('gmi.explainSelection');
    await api.chatIdle();

    const reqs = chatRequests(fake);
    assert.equal(reqs.length, 1);
    const bodyBytes = Buffer.byteLength(JSON.stringify(reqs[0].body));
    assert.ok(bodyBytes < MB, `sent ${bodyBytes} bytes`);
    const sent = lastUserText(reqs[0].body);
    const kept = /lines 1-(\d+):/.exec(sent);
    assert.ok(kept, 'the line range is named');
    assert.ok(Number(kept[1]) < lines, `kept ${kept[1]} of ${lines} lines`);
    const user = api.messages().filter((m) => m.role === 'user').at(-1)!;
    assert.match(user.notice ?? '', /^Selection was cut to the first [\d,]+ of [\d,]+ lines/);
    assert.ok(stubs.messages('showWarningMessage').some((m) => /^Selection was cut/.test(m)), 'the user was told');
    assert.equal(lastAssistant()?.state, 'done');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file, { force: true });
    // Leave no 640 KB message behind for the suites that follow (every save and redraw carries it).
    await vscode.commands.executeCommand('gmi.newChat');
    assert.equal(api.messages().length, 0);
  });
});
