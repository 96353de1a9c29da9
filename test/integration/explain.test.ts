import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  chatRequests,
  lastUserText,
  openWorkspaceFile,
  selectLines,
  useLoopbackGmi,
} from './helpers';

describe('Explain Selection', () => {
  const t = useLoopbackGmi();

  it('sends the selection with file name, language and line numbers', async () => {
    const editor = await openWorkspaceFile('src/sample.ts');
    selectLines(editor, 4, 6);
    t.fake.enqueue({ text: 'A loop that adds each price to `sum`.' });
    await vscode.commands.executeCommand('gmi.explainSelection');
    await t.api.chatIdle();

    const reqs = chatRequests(t.fake);
    assert.equal(reqs.length, 1);
    const sent = lastUserText(reqs[0].body);
    assert.match(sent, /src\/sample\.ts/, 'file name');
    assert.match(sent, /typescript/, 'language id');
    assert.match(sent, /lines 4-6/, 'line numbers');
    assert.ok(sent.includes('  for (let i = 0; i < prices.length; i++) {\n    sum = sum + prices[i];\n  }'), 'the selected code, indentation kept');
    assert.ok(!sent.includes('export function greet'), 'only the selection is sent');
    const reply = [...t.api.messages()].reverse().find((m) => m.role === 'assistant');
    assert.equal(reply?.state, 'done');
    assert.equal(reply?.text, 'A loop that adds each price to `sum`.');
  });

  it('with nothing selected, asks for a selection and sends nothing', async () => {
    const editor = await openWorkspaceFile('src/sample.ts');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    t.stubs.stub('showInformationMessage', async () => undefined);
    await vscode.commands.executeCommand('gmi.explainSelection');
    assert.equal(chatRequests(t.fake).length, 0);
    assert.ok(t.stubs.messages('showInformationMessage').some((m) => /select/i.test(m)));
  });
});
