import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ask,
  chatTestHooks,
  messages,
  openChat,
  ROOT,
  session,
  UI_KEY,
  until,
  WAIT,
  waitForState,
  waitForWorkbench,
} from './harness';
import { conversationFileWith, historyFiles } from './historyFiles';

describe('UI: reload', () => {
  // The key is set on first use (01-first-use), or here when that file is not part of the run.
  chatTestHooks();

  it('after a page reload the conversation is still there', async () => {
    const s = await session();
    let frame = await openChat(s.page);
    s.fake.enqueue({ text: 'Remember me after the reload.' });
    const reply = await ask(s, frame, 'A question to remember');
    await waitForState(reply, 'done');
    const texts = await messages(frame).allInnerTexts();
    // The conversation is written to its history file a moment after the reply ends.
    await until('the reply saved in the chat history', async () => conversationFileWith(s.userDataDir, 'Remember me after the reload.') !== undefined);

    await s.page.reload();
    await waitForWorkbench(s.page);
    frame = await openChat(s.page);
    await messages(frame).nth(texts.length - 1).waitFor({ state: 'visible', timeout: WAIT });
    const after = await messages(frame).allInnerTexts();
    assert.equal(after.length, texts.length);
    assert.ok(after.some((t) => t.includes('A question to remember')));
    assert.ok(after.some((t) => t.includes('Remember me after the reload.')));
  });

  it('the key is in no settings file, no chat history file, and nowhere in the browser-side state', async () => {
    const s = await session();
    const h = await import(path.join(ROOT, 'scripts', 'code-server-harness.mjs'));
    const storage: Array<[string, string]> = await h.dumpBrowserStorage(s.page);
    const own = storage.filter(([where]) => /vscode-web-state-db-[^/]+\/ItemTable\/gmi-cloud\.gmi-vscode$/.test(where));
    assert.ok(own.length >= 2, "the extension's global and workspace state are in the dump");
    assert.deepEqual(storage.filter(([, text]) => text.includes(UI_KEY)).map(([where]) => where), []);
    const settings = fs.readFileSync(path.join(s.userDataDir, 'User', 'settings.json'), 'utf8');
    assert.match(settings, /gmi\.baseUrl/);
    assert.ok(!settings.includes(UI_KEY));
    const history = historyFiles(s.userDataDir);
    assert.ok(history.some((p) => p.endsWith('index.json')), 'the chat history is on disk');
    assert.deepEqual(history.filter((p) => fs.readFileSync(p, 'utf8').includes(UI_KEY)), []);
  });
});
