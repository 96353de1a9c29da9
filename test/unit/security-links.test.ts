// A link click in the chat must reach the host's ask-first path only. VS Code's webview host frame
// adds its own click listener on the content window and opens any clicked <a href> itself, whatever
// preventDefault says (pre/index.html, handleInnerClick); the UI security suite saw a click reach
// the loopback canary that way. Here the same kind of window listener stands in for VS Code's.
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { ChatApp } from '../../src/webview/app';
import type { MessageView } from '../../src/protocol/messages';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

function setup(text: string) {
  const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>');
  const win = dom.window as unknown as Window;
  const posted: unknown[] = [];
  const app = new ChatApp(dom.window.document.getElementById('root')!, { postMessage: (m) => posted.push(m), getState: () => undefined, setState: () => undefined }, win, {
    schedule: (cb) => cb(),
    defer: (cb) => cb(),
  });
  app.start();
  const reply: MessageView = { id: 'a1', role: 'assistant', text, state: 'done' };
  dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data: { type: 'state', state: { messages: [reply], stateId: 1, hasApiKey: true, model: 'm', busy: false } } }));
  // What VS Code's webview host does: a bubbling click listener on the content window.
  const hostSaw: string[] = [];
  win.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a');
    if (a) hostSaw.push(a.getAttribute('href') ?? '');
  });
  return { dom, win, posted, hostSaw, links: () => Array.from(dom.window.document.querySelectorAll('.messages a')) };
}

describe('security: link clicks in the chat', () => {
  before(useEnglishWebviewStrings);

  it('a click posts openLink and goes no further (VS Code would open the link itself)', () => {
    const t = setup('See [docs](http://127.0.0.1:9/?k=SECRET) and http://127.0.0.1:9/bare and <http://127.0.0.1:9/auto>.');
    const links = t.links();
    assert.equal(links.length, 3);
    for (const a of links) {
      const ev = new t.dom.window.MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
      a.dispatchEvent(ev);
      assert.equal(ev.defaultPrevented, true);
    }
    assert.deepEqual(t.hostSaw, [], 'the click reached the window, where VS Code opens links');
    assert.deepEqual(t.posted.filter((m) => (m as { type: string }).type === 'openLink'), [
      { type: 'openLink', href: 'http://127.0.0.1:9/?k=SECRET' },
      { type: 'openLink', href: 'http://127.0.0.1:9/bare' },
      { type: 'openLink', href: 'http://127.0.0.1:9/auto' },
    ]);
  });

  it('a click on something inside a link (an image shown as text) is the same', () => {
    const t = setup('[![logo](http://127.0.0.1:9/logo.png)](http://127.0.0.1:9/outer)');
    const inner = t.dom.window.document.querySelector('.messages a .md-image-url')!;
    inner.dispatchEvent(new t.dom.window.MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));
    assert.deepEqual(t.hostSaw, []);
    assert.deepEqual(t.posted.at(-1), { type: 'openLink', href: 'http://127.0.0.1:9/outer' });
  });

  it('a middle click does not navigate and posts nothing', () => {
    const t = setup('[docs](http://127.0.0.1:9/middle)');
    const before = t.posted.length;
    const ev = new t.dom.window.MouseEvent('auxclick', { bubbles: true, cancelable: true, button: 1 });
    t.links()[0].dispatchEvent(ev);
    assert.equal(ev.defaultPrevented, true);
    assert.equal(t.posted.length, before);
  });
});
