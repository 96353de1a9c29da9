import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GmiExtensionApi } from '../../src/api';
import {
  api as getApi,
  chatRequests,
  sentKey,
  startFakeGmiForTests,
  stopFakeGmi,
  TEST_KEY,
  WindowStubs,
  type FakeGmi,
} from './helpers';

describe('API key', () => {
  let fake: FakeGmi;
  let api: GmiExtensionApi;
  let stubs: WindowStubs;

  before(async () => {
    api = await getApi();
    fake = await startFakeGmiForTests();
  });
  after(() => stopFakeGmi(fake));
  beforeEach(() => {
    stubs = new WindowStubs();
    stubs.allowHost();
    stubs.stub('showInformationMessage', async () => undefined);
    fake.reset();
  });
  afterEach(async () => {
    stubs.restore();
    await api.chatIdle();
  });

  const ask = async (question: string) => {
    await vscode.commands.executeCommand('gmi.ask');
    await api.chatIdle();
    return question;
  };

  it('Set API Key asks with a password box, and requests carry the stored key', async () => {
    stubs.inputBox(TEST_KEY, 'Hello?');
    await vscode.commands.executeCommand('gmi.setApiKey');
    const boxes = stubs.calls.filter((c) => c.fn === 'showInputBox');
    assert.equal((boxes[0].args[0] as vscode.InputBoxOptions).password, true, 'the key box must be a password box');

    fake.enqueue({ text: 'Hi.' });
    await ask('Hello?');
    const reqs = chatRequests(fake);
    assert.equal(reqs.length, 1);
    // The fake server rejects any other key with 401, so "done" means the key made the round trip.
    assert.equal(sentKey(reqs[0]), TEST_KEY);
    assert.equal([...api.messages()].reverse().find((m) => m.role === 'assistant')?.state, 'done');
  });

  it('the key is in no setting, state, or log line', async () => {
    const config = vscode.workspace.getConfiguration();
    const gmiKeys = Object.keys(vscode.workspace.getConfiguration('gmi')).filter((k) => typeof (config.get(`gmi.${k}`) as unknown) !== 'function');
    for (const k of gmiKeys) assert.ok(!JSON.stringify(config.inspect(`gmi.${k}`) ?? {}).includes(TEST_KEY), `gmi.${k} holds the key`);
    assert.ok(!JSON.stringify(config).includes(TEST_KEY), 'the key is in the configuration');

    const settingsFiles = [path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json')];
    if (process.env.GMI_TEST_USER_DATA_DIR) settingsFiles.push(path.join(process.env.GMI_TEST_USER_DATA_DIR, 'User', 'settings.json'));
    for (const f of settingsFiles) if (fs.existsSync(f)) assert.ok(!fs.readFileSync(f, 'utf8').includes(TEST_KEY), `${f} holds the key`);

    assert.ok(api.logLines().length > 0);
    assert.ok(!api.logLines().some((l) => l.includes(TEST_KEY)), 'the log holds the key');

    const dump = (api as GmiExtensionApi & { storedState?: () => unknown }).storedState;
    assert.ok(dump, 'the test API has no storedState() to inspect global/workspace state');
    const state = JSON.stringify(dump());
    assert.ok(state.length > 2, 'state dump is empty');
    assert.ok(!state.includes(TEST_KEY), 'global or workspace state holds the key');
  });

  it('Clear API Key removes it: the next request asks for a key again', async () => {
    await vscode.commands.executeCommand('gmi.clearApiKey');
    // The question, then the key prompt, which the user cancels: nothing may be sent.
    stubs.inputBox('Still there?', undefined);
    await ask('Still there?');
    const boxes = stubs.calls.filter((c) => c.fn === 'showInputBox');
    assert.equal(boxes.length, 2, 'expected the question box and then a key box');
    assert.equal((boxes[1].args[0] as vscode.InputBoxOptions).password, true);
    assert.equal(chatRequests(fake).length, 0, 'a request went out without a key');

    // Put it back the same way, for the files that run later.
    stubs.inputBox(TEST_KEY);
    await vscode.commands.executeCommand('gmi.setApiKey');
  });
});
