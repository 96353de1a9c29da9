import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { chatCsp, renderChatHtml } from '../../src/views/chatHtml';
import { englishWebviewStrings } from './helpers/webviewStrings';

const options = {
  cspSource: 'https://abc.vscode-cdn.net',
  nonce: 'N0nce123abcDEF',
  scriptUri: 'https://abc.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://abc.vscode-cdn.net/ext/media/chat.css',
  codiconsUri: 'https://abc.vscode-cdn.net/ext/dist/codicons/codicon.css',
  strings: englishWebviewStrings(),
  language: 'en',
};

describe('webview HTML shell', () => {
  const html = renderChatHtml(options);
  const doc = new JSDOM(html).window.document;

  it('has exactly the specified CSP, with nothing unsafe', () => {
    const meta = doc.querySelectorAll('meta[http-equiv="Content-Security-Policy"]');
    assert.equal(meta.length, 1);
    const csp = meta[0].getAttribute('content');
    assert.equal(
      csp,
      "default-src 'none'; img-src https://abc.vscode-cdn.net data:; style-src https://abc.vscode-cdn.net; " +
        "font-src https://abc.vscode-cdn.net; script-src 'nonce-N0nce123abcDEF'",
    );
    assert.equal(csp, chatCsp(options.cspSource, options.nonce));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic/);
  });

  it('loads one script by nonce and nothing inline', () => {
    const scripts = doc.querySelectorAll('script');
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0].getAttribute('nonce'), options.nonce);
    assert.equal(scripts[0].getAttribute('src'), options.scriptUri);
    assert.equal(scripts[0].textContent, '');
    assert.equal(doc.querySelectorAll('style, [style]').length, 0);
    const onAttrs = Array.from(doc.querySelectorAll('*')).flatMap((el) =>
      Array.from(el.attributes).filter((a) => a.name.startsWith('on')),
    );
    assert.deepEqual(onAttrs, []);
    const sheets = Array.from(doc.querySelectorAll('link[rel="stylesheet"]')).map((l) => l.getAttribute('href'));
    assert.deepEqual(sheets, [options.codiconsUri, options.styleUri]);
    assert.ok(doc.getElementById('root'));
  });

  it('escapes what it is given', () => {
    const evil = renderChatHtml({ ...options, scriptUri: 'x"><script>alert(1)</script>', nonce: 'a"b' });
    const d = new JSDOM(evil).window.document;
    assert.equal(d.querySelectorAll('script').length, 1);
    assert.equal(d.querySelector('script')!.getAttribute('src'), 'x"><script>alert(1)</script>');
  });
});
