// Security, seen from the real webview in Chromium (code-server + the packaged .vsix): a corpus of
// hostile replies (test/ui/fixtures/hostile-corpus.ts) streams through the chat in small and odd
// chunks; nothing runs (window.__pwned stays unset in every frame, no dialog opens) and nothing is
// fetched but the workbench's own resources (every request the browser makes is recorded, and a
// loopback canary server that every loading payload points at counts zero connections). Remote
// images show as text with their URL; a link click asks first. Forged webview messages and the key:
// security-messages.test.ts (it runs after this file).
import * as assert from 'node:assert/strict';
import { chatFrames, foreignRequests, pwnedFrames, startCanary, watchBrowser, type Canary, type Watch } from './browserWatch';
import { hostileCorpus, type HostileReply } from './fixtures/hostile-corpus';
import { ask, ensureKey, messages, openChat, session, until, waitForState, WAIT, type Session } from './harness';

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
