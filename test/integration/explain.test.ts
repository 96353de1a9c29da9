import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GmiExtensionApi } from '../../src/api';
import {
  api as getApi,
  chatRequests,
  lastUserText,
  openWorkspaceFile,
  selectLines,
  setKey,
  startFakeGmiForTests,
  stopFakeGmi,
  WindowStubs,
  type FakeGmi,
} from './helpers';

describe('Explain Selection', () => {
  let fake: FakeGmi;
  let api: GmiExtensionApi;
  let stubs: WindowStubs;

  before(async () => {
    api = await getApi();
    fake = await startFakeGmiForTests();
    await setKey();
  });
  after(() => stopFakeGmi(fake));
  beforeEach(() => {
    stubs = new WindowStubs();
    stubs.allowHost();
    fake.reset();
  });
  afterEach(async () => {
    stubs.restore();
    await api.chatIdle();
  });

  it('sends the selection with file name, language and line numbers', async () => {
    const editor = await openWorkspaceFile('src/sample.ts');
    selectLines(editor, 4, 6);
    fake.enqueue({ text: 'A loop that adds each price to `sum`.' });
    await vscode.commands.executeCommand('gmi.explainSelection');
    await api.chatIdle();

    const reqs = chatRequests(fake);
    assert.equal(reqs.length, 1);
    const sent = lastUserText(reqs[0].body);
    assert.match(sent, /src\/sample\.ts/, 'file name');
    assert.match(sent, /typescript/, 'language id');
    assert.match(sent, /lines 4-6/, 'line numbers');
    assert.ok(sent.includes('  for (let i = 0; i < prices.length; i++) {\n    sum = sum + prices[i];\n  }'), 'the selected code, indentation kept');
    assert.ok(!sent.includes('export function greet'), 'only the selection is sent');
    const reply = [...api.messages()].reverse().find((m) => m.role === 'assistant');
    assert.equal(reply?.state, 'done');
    assert.equal(reply?.text, 'A loop that adds each price to `sum`.');
  });

  it('with nothing selected, asks for a selection and sends nothing', async () => {
    const editor = await openWorkspaceFile('src/sample.ts');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    stubs.stub('showInformationMessage', async () => undefined);
    await vscode.commands.executeCommand('gmi.explainSelection');
    assert.equal(chatRequests(fake).length, 0);
    assert.ok(stubs.messages('showInformationMessage').some((m) => /select/i.test(m)));
  });
});
