// Security, seen from the real webview in Chromium (code-server + the packaged .vsix):
//  1. a corpus of hostile replies (test/ui/fixtures/hostile-corpus.ts) streams through the chat in
//     small and odd chunks; nothing runs (window.__pwned stays unset in every frame, no dialog opens)
//     and nothing is fetched but the workbench's own resources (every request the browser makes is
//     recorded, and a loopback canary server that every loading payload points at counts zero
//     connections). Remote images show as text with their URL; a link click asks first.
//  2. forged webview → host messages go through the very channel the chat script's
//     `vscode.postMessage` uses (the webview host frame's `__vscode_post_message__`, which relays to
//     the extension host's onDidReceiveMessage) and, for clicks, through the chat script itself with
//     tampered DOM: nothing happens, malformed ones are logged.
//  3. the key never reaches the webview's HTML or messages, the log file, or an error shown to the
//     user, even when the server echoes it back in error bodies.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import type { Dialog, Frame, Page, Request } from 'playwright-core';
import { hostileCorpus, type HostileReply } from './fixtures/hostile-corpus';
import {
  activeEditor,
  ask,
  editorText,
  ensureKey,
  messages,
  openChat,
  openFile,
  ROOT,
  session,
  until,
  UI_KEY,
  waitForState,
  WAIT,
  type Session,
} from './harness';

// ---------- the canary: a loopback server that counts every connection ----------

interface Canary {
  host: string;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

async function startCanary(): Promise<Canary> {
  const sockets = new Set<Socket>();
  const canary = { host: '', connections: 0, requests: [] as string[], close: async () => undefined };
  const server = http.createServer((req, res) => {
    canary.requests.push(`${req.method} ${req.url}`);
    res.writeHead(204).end();
  });
  // Counted on connection, so a TLS hello or a half-sent request counts too.
  server.on('connection', (socket: Socket) => {
    canary.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canary.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  canary.close = () =>
    new Promise<undefined>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve(undefined));
    });
  return canary;
}

// ---------- what the browser does ----------

interface Watch {
  requests: Array<{ url: string; frame: string }>;
  dialogs: string[];
  popups: string[];
  stop(): void;
}

/** Records every request of the browser context (pages, frames, workers) and every dialog / new page. */
function watchBrowser(page: Page): Watch {
  const context = page.context();
  const w: Watch = { requests: [], dialogs: [], popups: [], stop: () => undefined };
  const onRequest = (r: Request) => {
    let frame = '';
    try {
      frame = r.frame().url();
    } catch {
      frame = '(worker)';
    }
    w.requests.push({ url: r.url(), frame });
  };
  const onDialog = (d: Dialog) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  };
  const onPage = (p: Page) => {
    w.popups.push(p.url());
    void p.close().catch(() => undefined);
  };
  context.on('request', onRequest);
  context.on('page', onPage);
  page.on('dialog', onDialog);
  page.on('popup', onPage);
  w.stop = () => {
    context.off('request', onRequest);
    context.off('page', onPage);
    page.off('dialog', onDialog);
    page.off('popup', onPage);
  };
  return w;
}

/**
 * Requests that went anywhere but the workbench itself: the code-server origin, and the chat
 * webview's own files (dist/, media/ of the installed extension), which VS Code's webview service
 * worker serves under *.vscode-resource.vscode-cdn.net without going to the network.
 */
function foreignRequests(w: Watch, origin: string): string[] {
  return w.requests
    .map((r) => r.url)
    .filter((url) => {
      if (url.startsWith('data:') || url.startsWith('blob:')) return false;
      try {
        const u = new URL(url);
        if (u.origin === origin) return false;
        const ownResource =
          u.protocol === 'https:' &&
          u.hostname.endsWith('.vscode-resource.vscode-cdn.net') &&
          /\/extensions\/gmi-cloud\.gmi-vscode-[^/]+\/(dist|media)\/[^?#]+$/.test(u.pathname);
        return !ownResource;
      } catch {
        return true;
      }
    });
}

/** The chat webview's host frame (VS Code's index.html) and content frame (our HTML). */
async function chatFrames(page: Page): Promise<{ host: Frame; content: Frame }> {
  const hostEl = await page.locator('iframe.webview.ready[src*="gmi-cloud.gmi-vscode"]').elementHandle({ timeout: WAIT });
  const host = await hostEl?.contentFrame();
  if (!host) throw new Error('no chat webview host frame');
  const contentEl = await host.locator('#active-frame').elementHandle({ timeout: WAIT });
  const content = await contentEl?.contentFrame();
  if (!content) throw new Error('no chat webview content frame');
  return { host, content };
}

/** `window.__pwned` and friends in every frame of the page (frames that went away are skipped). */
async function pwnedFrames(page: Page): Promise<string[]> {
  const hits: string[] = [];
  for (const f of page.frames()) {
    const v = await f.evaluate('typeof window.__pwned === "undefined" ? "" : String(window.__pwned)').catch(() => '');
    if (v) hits.push(`${f.url()}: __pwned=${v}`);
  }
  return hits;
}

/** DOM checks in the chat's content document; returns the problems found. */
const DOM_AUDIT = `(() => {
  const problems = [];
  const doc = document;
  for (const el of doc.querySelectorAll('*')) {
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name)) problems.push('on* attribute ' + a.name + ' on <' + el.localName + '>');
      if (['src', 'srcset', 'srcdoc', 'action', 'formaction', 'background', 'poster', 'ping', 'xlink:href'].includes(a.name.toLowerCase()) && el.localName !== 'script')
        problems.push(a.name + ' on <' + el.localName + '>');
      if (a.name === 'href') {
        const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
        if (/^(javascript|vbscript|data|file):/.test(v)) problems.push('dangerous href ' + a.value.slice(0, 60));
        if (el.localName === 'link' && !v.startsWith(location.origin.toLowerCase()) && !/^https?:\\/\\/[^/]*vscode-(resource|cdn)/.test(v) && !v.startsWith('vscode-'))
          problems.push('link to ' + a.value.slice(0, 80));
      }
    }
  }
  // VS Code's own webview API script comes first and has no nonce (the webview host injects it);
  // every other script must carry the page's nonce.
  const scripts = Array.from(doc.querySelectorAll('script'));
  scripts.forEach((s, i) => {
    const vscodeApi = i === 0 && !s.src && s.textContent.trim().startsWith('globalThis.acquireVsCodeApi');
    if (!s.nonce && !vscodeApi) problems.push('script without nonce: ' + (s.src || s.textContent.slice(0, 60)));
  });
  if (scripts.filter((s) => s.nonce).length !== 1) problems.push(scripts.filter((s) => s.nonce).length + ' scripts with a nonce');
  const list = doc.querySelector('.messages');
  if (!list) problems.push('no .messages');
  else {
    const bad = list.querySelectorAll('img, picture, svg, math, iframe, frame, object, embed, video, audio, source, track, style, link, meta, base, form, input, textarea, script, template');
    for (const el of bad) problems.push('<' + el.localName + '> in a message');
  }
  return problems;
})()`;

// ---------- the corpus in replies ----------

/** Unbalanced fences swallow what follows; such payloads go last in their reply. */
const unbalancedFence = (md: string): boolean => (md.match(/^(```|~~~)/gm) ?? []).length % 2 === 1;

function batches(corpus: HostileReply[], size: number): HostileReply[][] {
  const balanced = corpus.filter((r) => !unbalancedFence(r.markdown));
  const tails = corpus.filter((r) => unbalancedFence(r.markdown));
  const out: HostileReply[][] = [];
  for (let i = 0; i < balanced.length; i += size) out.push(balanced.slice(i, i + size));
  tails.forEach((t, i) => out[i % out.length].push(t));
  return out;
}

const replyText = (batch: HostileReply[]) => batch.map((r, i) => `## Payload ${i + 1}: ${r.name.replace(/[<>`*_[\]]/g, ' ')}\n\n${r.markdown}\n`).join('\n');

describe('UI: security', function () {
  this.timeout(600_000);
  let s: Session;
  let canary: Canary;
  let watch: Watch;
  let origin: string;
  let corpus: HostileReply[];

  before(async () => {
    canary = await startCanary();
    corpus = hostileCorpus(canary.host);
    s = await session();
    origin = new URL(s.url).origin;
    await ensureKey(s);
    watch = watchBrowser(s.page);
  });
  after(async () => {
    watch?.stop();
    await canary?.close();
  });

  it(`streams the hostile corpus: nothing runs, nothing is fetched, images are text`, async () => {
    assert.ok(corpus.length >= 150, `corpus has ${corpus.length} replies`);
    const frame = await openChat(s.page);
    const groups = batches(corpus, 12);
    // Every chunk size from 1 to 7 characters (7 is the default), so payloads split mid-tag and
    // mid-entity; the last reply also carries the corpus in its thinking.
    for (let i = 0; i < groups.length; i++) {
      const text = replyText(groups[i]);
      const thinking = i === groups.length - 1 ? replyText(groups[0]) : undefined;
      s.fake.enqueue({ text, thinking, thinkingFormat: 'reasoning_content', chunkSize: (i % 7) + 1 });
      const reply = await ask(s, frame, `Security batch ${i + 1} of ${groups.length}`);
      await waitForState(reply, 'done', 120_000);
      const { content } = await chatFrames(s.page);
      assert.deepEqual(await content.evaluate(DOM_AUDIT), [], `DOM problems after batch ${i + 1}`);
      assert.deepEqual(await pwnedFrames(s.page), [], `script ran in batch ${i + 1}`);
      assert.equal(canary.connections, 0, `the canary was reached in batch ${i + 1}: ${canary.requests.join(', ')}`);
      // The reply shows the payloads as text: its last heading is there.
      assert.ok((await reply.innerText()).includes(`Payload ${groups[i].length}:`), `batch ${i + 1} rendered`);
    }

    // Remote images are text naming their URL, secrets and all.
    const { content } = await chatFrames(s.page);
    const urls: string[] = await content.evaluate(`Array.from(document.querySelectorAll('.md-image-url'), (e) => e.textContent)`);
    assert.ok(urls.includes(`http://${canary.host}/?k=SECRET`), `image URL shown as text (saw ${urls.length} image URLs)`);
    assert.ok(urls.includes(`http://${canary.host}/ref.png?k=SECRET`), 'reference-style image shown as text');
    assert.equal(await content.locator('.messages img').count(), 0);

    assert.deepEqual(watch.dialogs, [], 'a dialog opened');
    assert.deepEqual(watch.popups, [], 'a page opened');
    assert.deepEqual(foreignRequests(watch, origin), [], 'requests left the workbench origin');
    assert.equal(canary.connections, 0);
    const own = watch.requests.filter((r) => r.url.startsWith(origin)).length;
    console.log(
      `      corpus ${corpus.length} payloads in ${groups.length} replies; ${watch.requests.length} requests recorded ` +
        `(${own} to ${origin}, ${watch.requests.length - own} the webview's own files); canary connections ${canary.connections}`,
    );
  });

  it('clicking a link in a reply does not navigate: a modal shows the full URL first', async () => {
    const frame = await openChat(s.page);
    const href = `http://${canary.host}/?k=SECRET-from-your-file`;
    const link = frame.locator(`.messages a[href="${href}"]`).last();
    await link.waitFor({ state: 'visible', timeout: WAIT });
    const popupsBefore = watch.popups.length;

    // Middle-click: nothing at all.
    await link.click({ button: 'middle' });
    // Click: the host asks, showing the whole address.
    await link.click();
    const dialog = s.page.locator('.monaco-dialog-box').filter({ hasText: 'Open this link from the reply?' });
    await dialog.waitFor({ state: 'visible', timeout: WAIT });
    assert.ok((await dialog.innerText()).includes(href), `the modal shows ${href}`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT });

    // A long planted link hides its payload at the end: the modal still shows all of it.
    const long = `http://${canary.host}/docs?page=${'a'.repeat(900)}&k=SECRET-AT-THE-END`;
    s.fake.enqueue({ text: `Read [the docs](${long}) first.` });
    const reply = await ask(s, frame, 'A reply with a long link');
    await waitForState(reply, 'done');
    await reply.locator('a').first().click();
    await dialog.waitFor({ state: 'visible', timeout: WAIT });
    const shown = (await dialog.innerText()).replace(/\s+/g, '');
    assert.ok(shown.includes(long), `the modal shows the whole ${long.length}-character link, its end included`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT });

    assert.equal(watch.popups.length, popupsBefore, 'a page opened');
    assert.deepEqual(await pwnedFrames(s.page), []);
    assert.equal(canary.connections, 0, `the canary was reached: ${canary.requests.join(', ')}`);
    assert.deepEqual(foreignRequests(watch, origin), []);
    assert.equal(s.page.url().startsWith(origin), true, 'the workbench navigated away');
  });

  it('control: the browser can reach the canary, and the recorder sees the webview frames', async () => {
    // Runs last: the zeros above are not a canary the browser cannot reach, nor a recorder blind to
    // webview frames. (The workbench page itself cannot fetch it: its own CSP blocks http: origins.)
    const before = canary.connections;
    const other = await s.browser.newContext();
    try {
      const p = await other.newPage();
      await p.goto(`http://${canary.host}/control`).catch(() => undefined);
    } finally {
      await other.close();
    }
    await until('the canary to count the control request', async () => canary.connections > before);
    assert.ok(canary.requests.includes('GET /control'));
    assert.ok(watch.requests.some((r) => /\/gmi-cloud\.gmi-vscode-[^/]+\/dist\/webview\.js$/.test(r.url)), "the recorder saw the webview's own script load");
  });
});

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
