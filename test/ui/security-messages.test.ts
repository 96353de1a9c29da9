// Security, seen from the real webview in Chromium (code-server + the packaged .vsix), after
// security-corpus.test.ts:
//  1. forged webview → host messages go through the very channel the chat script's
//     `vscode.postMessage` uses (the webview host frame's `__vscode_post_message__`, which relays to
//     the extension host's onDidReceiveMessage) and, for clicks, through the chat script itself with
//     tampered DOM: nothing happens, malformed ones are logged.
//  2. the key never reaches the webview's HTML or messages, the log file, or an error shown to the
//     user, even when the server echoes it back in error bodies.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chatFrames, pwnedFrames, watchBrowser, type Watch } from './browserWatch';
import { activeEditor, ask, editorText, ensureKey, messages, openChat, openFile, ROOT, session, until, UI_KEY, waitForState, WAIT, type Session } from './harness';

// ---------- forged messages ----------

/** The GMI log file (the output channel) that code-server writes under the user-data dir. */
function gmiLogText(s: Session): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/GMI\.log$/.test(p)) files.push(p);
    }
  };
  walk(path.join(s.userDataDir, 'logs'));
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('UI: forged webview messages', function () {
  this.timeout(300_000);
  let s: Session;
  let watch: Watch;

  before(async () => {
    s = await session();
    await ensureKey(s);
    watch = watchBrowser(s.page);
  });
  after(() => watch?.stop());

  /** Posts `message` exactly as the chat script's vscode.postMessage does (same function, same frame). */
  async function forge(message: unknown): Promise<void> {
    const { host } = await chatFrames(s.page);
    await host.evaluate(([m]) => (window as unknown as { __vscode_post_message__(c: string, d: unknown): void }).__vscode_post_message__('onmessage', { message: m }), [message] as const);
  }

  it('malformed and unknown messages are ignored and logged; nothing happens', async () => {
    const frame = await openChat(s.page);
    // A reply with a code block, so real ids exist to aim at.
    s.fake.enqueue({ text: 'Code:\n\n```ts\nconst x = 1;\n```\n' });
    const reply = await ask(s, frame, 'Give me code to aim at');
    await waitForState(reply, 'done');
    const id = (await reply.getAttribute('data-id'))!;
    const countBefore = await messages(frame).count();
    await openFile(s.page, 'notes.ts');
    const docBefore = await editorText(s.page);
    const requestsBefore = s.fake.requests.length;

    const big = 'x'.repeat(5 * 1024 * 1024);
    const malformed: unknown[] = [
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'eval', code: 'process.exit(1)' },
      { type: '__proto__' },
      { type: 'send' },
      { type: 'send', text: 42 },
      { type: 'send', text: ['a'] },
      { type: 'send', text: big },
      { type: 'send', text: 'hi', extra: 1 },
      { type: 'insertCode', id, block: '0' },
      { type: 'insertCode', id, block: -1 },
      { type: 'insertCode', id, block: 1.5 },
      { type: 'insertCode', id: '../../etc', block: 0 },
      { type: 'insertCode', id: 'x'.repeat(65), block: 0 },
      { type: 'applyCode', id, block: 10_001 },
      { type: 'applyCode', id: { toString: 'x' }, block: 0 },
      { type: 'copyCode', id, block: null },
      { type: 'openLink', href: 42 },
      { type: 'openLink', href: `https://example.com/${big}` },
      { type: 'openLink', href: 'https://example.com', target: '_blank' },
      { type: 'action', action: 'runCommand' },
      { type: 'retry', id: 'x y' },
      { type: 'promptDraft', text: big + big },
      { type: 'ready', now: true },
      { type: 'stop', force: 1 },
      'send',
      42,
      null,
      [{ type: 'send', text: 'array' }],
    ];
    const logBefore = gmiLogText(s);
    for (const m of malformed) await forge(m);
    await until('every malformed message logged', async () => count(gmiLogText(s), 'Ignored a malformed message') - count(logBefore, 'Ignored a malformed message') >= malformed.length, 30_000);

    // Well-formed but aimed at nothing: unknown ids and block indices, links the host will not open.
    const wellFormedNoops: unknown[] = [
      { type: 'insertCode', id: 'no-such-message', block: 0 },
      { type: 'applyCode', id: 'no-such-message', block: 0 },
      { type: 'insertCode', id, block: 7 },
      { type: 'applyCode', id, block: 9999 },
      { type: 'copyCode', id, block: 3 },
      { type: 'retry', id: 'no-such-message' },
      { type: 'openLink', href: 'javascript:window.__pwned=1' },
      { type: 'openLink', href: 'JaVaScRiPt:alert(1)' },
      { type: 'openLink', href: 'file:///etc/passwd' },
      { type: 'openLink', href: 'command:workbench.action.terminal.new' },
      { type: 'openLink', href: 'vscode://gmi-cloud.gmi-vscode/x' },
      { type: 'openLink', href: 'data:text/html,<script>alert(1)</script>' },
      { type: 'openLink', href: 'not a url' },
    ];
    for (const m of wellFormedNoops) await forge(m);

    // The same through the chat script itself: tampered buttons and links, clicked.
    const { content } = await chatFrames(s.page);
    await content.evaluate(`(() => {
      const msg = document.querySelector('[data-testid="message"][data-id=${JSON.stringify(id)}]');
      for (const b of msg.querySelectorAll('button[data-block]')) b.setAttribute('data-block', '42');
      const a = document.createElement('a');
      a.href = 'command:workbench.action.terminal.new';
      a.textContent = 'forged command link';
      a.id = 'forged-link';
      msg.querySelector('.message-body').append(a);
    })()`);
    await frame.locator('[data-testid="insert"]').last().click();
    await frame.locator('[data-testid="apply"]').last().click();
    await frame.locator('#forged-link').click();

    // Nothing happened: the document, the conversation, no modal / new page / terminal, no request.
    await until('the refusals logged', async () => gmiLogText(s).includes('Refused to open a command: link'), 30_000);
    await activeEditor(s.page).waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await editorText(s.page), docBefore, 'the document changed');
    assert.equal(await messages(frame).count(), countBefore, 'the conversation changed');
    assert.equal(s.fake.requests.length, requestsBefore, 'a request was sent');
    assert.equal(await s.page.locator('.monaco-dialog-box').count(), 0, 'a modal opened');
    assert.equal(await s.page.locator('.terminal-wrapper').count(), 0, 'a terminal opened');
    assert.deepEqual(watch.popups, [], 'a page opened');
    assert.deepEqual(watch.dialogs, []);
    assert.deepEqual(await pwnedFrames(s.page), []);
    const log = gmiLogText(s);
    for (const scheme of ['javascript:', 'file:', 'command:', 'vscode:', 'data:']) assert.ok(log.includes(`Refused to open a ${scheme} link`), `refusal of ${scheme} logged`);
    assert.ok(log.includes('Code action for an unknown reply ignored (insert)'));
    assert.ok(log.includes('Code action for a missing code block ignored (insert #42)'), 'the tampered Insert button was refused');
    assert.ok(log.includes('Code action for a missing code block ignored (apply #42)'), 'the tampered Apply button was refused');
    // Dismiss the "does not open … links" toasts.
    await s.page.keyboard.press('Escape').catch(() => undefined);
  });
});

// ---------- the key ----------

describe('UI: the key stays out of the page, the log and errors', function () {
  this.timeout(300_000);

  it('an error body echoing the key shows no key anywhere', async () => {
    const s = await session();
    await ensureKey(s);
    const frame = await openChat(s.page);
    const { content } = await chatFrames(s.page);
    // Everything the webview receives from now on.
    await content.evaluate(`(() => { window.__received = []; window.addEventListener('message', (e) => { try { window.__received.push(JSON.stringify(e.data)); } catch { window.__received.push(String(e.data)); } }); })()`);

    const echo = [
      { status: 401, body: JSON.stringify({ error: { message: `Invalid API key: ${UI_KEY}`, type: 'authentication_error' } }) },
      { status: 400, body: JSON.stringify({ error: { message: `Bad request from Bearer ${UI_KEY}`, details: { key: UI_KEY } } }) },
      { status: 500, body: `<html><body>Internal error for ${UI_KEY}</body></html>` },
      { status: 403, body: `forbidden: authorization=Bearer ${UI_KEY}`, headers: { 'x-request-id': UI_KEY } },
      { text: 'partial text that goes on and on', chunkSize: 3, errorAfterChunks: 2, streamError: { type: 'invalid_request_error', message: `stream error ${UI_KEY}` } },
    ];
    for (const plan of echo) {
      const errorsBefore = await messages(frame, 'error').count();
      // 5xx are retried (2 retries): every attempt echoes the key.
      s.fake.enqueue(...(plan.status && plan.status >= 500 ? [plan, plan, plan] : [plan]));
      const reply = await ask(s, frame, `Echo test ${plan.status ?? 'stream'}`);
      await until(`an error for ${plan.status ?? 'the stream error'} (reply ${await reply.getAttribute('data-state')})`, async () => (await messages(frame, 'error').count()) > errorsBefore, 60_000);
      await until('the reply to settle', async () => (await reply.getAttribute('data-state')) !== 'streaming', 60_000);
    }

    const errors = await messages(frame, 'error').allInnerTexts();
    assert.ok(errors.length >= echo.length);
    assert.ok(!errors.some((t) => t.includes(UI_KEY)), 'an error shown in the chat holds the key');
    const toasts = await s.page.locator('.notification-list-item-message').allInnerTexts();
    assert.ok(!toasts.some((t) => t.includes(UI_KEY)), 'a notification holds the key');
    assert.ok(!(await s.page.locator('.monaco-workbench').innerText()).includes(UI_KEY), 'the workbench shows the key');

    // The webview's HTML (every frame of the page) and every message it received.
    for (const f of s.page.frames()) {
      const html = await f.content().catch(() => '');
      assert.ok(!html.includes(UI_KEY), `frame ${f.url().slice(0, 80)} holds the key`);
    }
    const received: string[] = await content.evaluate('window.__received');
    assert.ok(received.length > 0, 'the webview received messages');
    assert.ok(!received.some((m) => m.includes(UI_KEY)), 'a message to the webview holds the key');

    // The log file on disk (the output channel) holds the redacted errors but never the key.
    await until('the errors reach the log file', async () => gmiLogText(s).includes('[redacted]'), 30_000);
    assert.ok(!gmiLogText(s).includes(UI_KEY), 'the GMI log file holds the key');

    // Every file code-server keeps under the user-data dir (settings.json, state.vscdb, logs, …),
    // and the browser-side global/workspace state, after the echoes.
    const leaks: string[] = [];
    let scanned = 0;
    const stateDbs: string[] = [];
    const walk = (dir: string) => {
      for (const name of fs.readdirSync(dir)) {
        const p = path.join(dir, name);
        const st = fs.lstatSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) {
          scanned++;
          if (name.startsWith('state.vscdb')) stateDbs.push(path.relative(s.userDataDir, p));
          if (fs.readFileSync(p).includes(UI_KEY)) leaks.push(path.relative(s.userDataDir, p));
        }
      }
    };
    walk(s.userDataDir);
    assert.ok(scanned > 10, `scanned ${scanned} files`);
    console.log(`      scanned ${scanned} files under the user-data dir (${stateDbs.join(', ') || 'no state.vscdb'})`);
    assert.deepEqual(leaks, [], 'files under the user-data dir hold the key');
    const h = await import(path.join(ROOT, 'scripts', 'code-server-harness.mjs'));
    const storage: Array<[string, string]> = await h.dumpBrowserStorage(s.page);
    assert.ok(storage.some(([where]) => /ItemTable\/gmi-cloud\.gmi-vscode$/.test(where)), "the extension's state is in the dump");
    assert.deepEqual(storage.filter(([, text]) => text.includes(UI_KEY)).map(([where]) => where), [], 'browser storage holds the key');
  });
});
