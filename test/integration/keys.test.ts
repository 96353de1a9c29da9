import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  chatRequests,
  manifest,
  sentKey,
  TEST_KEY,
  useLoopbackGmi,
} from './helpers';

describe('API key', () => {
  const t = useLoopbackGmi({ setKey: false });
  beforeEach(() => t.stubs.stub('showInformationMessage', async () => undefined));

  const ask = async (question: string) => {
    await vscode.commands.executeCommand('gmi.ask');
    await t.api.chatIdle();
    return question;
  };

  it('Set API Key asks with a password box, and requests carry the stored key', async () => {
    t.stubs.inputBox(TEST_KEY, 'Hello?');
    await vscode.commands.executeCommand('gmi.setApiKey');
    const boxes = t.stubs.calls.filter((c) => c.fn === 'showInputBox');
    assert.equal((boxes[0].args[0] as vscode.InputBoxOptions).password, true, 'the key box must be a password box');

    t.fake.enqueue({ text: 'Hi.' });
    await ask('Hello?');
    const reqs = chatRequests(t.fake);
    assert.equal(reqs.length, 1);
    // The t.fake server rejects any other key with 401, so "done" means the key made the round trip.
    assert.equal(sentKey(reqs[0]), TEST_KEY);
    assert.equal([...t.api.messages()].reverse().find((m) => m.role === 'assistant')?.state, 'done');
  });

  it('the key is in no setting and no log line', async () => {
    const config = vscode.workspace.getConfiguration();
    for (const k of Object.keys(manifest().contributes.configuration.properties)) {
      assert.ok(!JSON.stringify(config.inspect(k) ?? {}).includes(TEST_KEY), `${k} holds the key`);
    }
    assert.ok(!JSON.stringify(config).includes(TEST_KEY), 'the key is in the configuration');

    const files = [path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json')];
    // run-integration.mjs tells where code-server keeps the user settings.
    const userDataDir = process.env.GMI_TEST_USER_DATA_DIR;
    if (userDataDir) {
      const userSettings = path.join(userDataDir, 'User', 'settings.json');
      assert.ok(fs.existsSync(userSettings), `${userSettings} is missing`);
      assert.match(fs.readFileSync(userSettings, 'utf8'), /gmi\.baseUrl/, 'the user settings file the tests wrote');
      files.push(userSettings);
    }
    for (const f of files) if (fs.existsSync(f)) assert.ok(!fs.readFileSync(f, 'utf8').includes(TEST_KEY), `${f} holds the key`);

    assert.ok(t.api.logLines().length > 0);
    assert.ok(!t.api.logLines().some((l) => l.includes(TEST_KEY)), 'the log holds the key');
  });

  // Global and workspace state live in the browser under code-server: run-integration.mjs searches
  // them after the suite, and the extension's own dump of both is checked here.
  it('the key is in no global or workspace state (test API dump)', function () {
    const state = JSON.stringify(t.api.storedState());
    assert.ok(state.length > 2, 'state dump is empty');
    assert.ok(!state.includes(TEST_KEY), 'global or workspace state holds the key');
  });

  it('Clear API Key removes it: the next request asks for a key again', async () => {
    await vscode.commands.executeCommand('gmi.clearApiKey');
    // The question, then the key prompt, which the user cancels: nothing may be sent.
    t.stubs.inputBox('Still there?', undefined);
    await ask('Still there?');
    const boxes = t.stubs.calls.filter((c) => c.fn === 'showInputBox');
    assert.equal(boxes.length, 2, 'expected the question box and then a key box');
    assert.equal((boxes[1].args[0] as vscode.InputBoxOptions).password, true);
    assert.equal(chatRequests(t.fake).length, 0, 'a request went out without a key');

    // Put it back the same way, for the files that run later.
    t.stubs.inputBox(TEST_KEY);
    await vscode.commands.executeCommand('gmi.setApiKey');
  });
});
