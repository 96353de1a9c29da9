// Highlighting left for later (a conversation opening): the first frame shows code as text, the
// view's background slices highlight it, and the DOM then equals the one-shot render exactly.
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { LaterHighlights } from '../../src/webview/laterHighlights';
import { HIGHLIGHT_LATER_ATTR, renderMarkdown, sharedMarkdown } from '../../src/webview/markdown';
import { HOSTILE_REPLIES } from '../ui/fixtures/hostile-corpus';
import { CORPUS } from './helpers/webviewCorpus';
import { setup, state } from './helpers/webviewApp';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

const doc = new JSDOM('<!doctype html><body></body>').window.document;

function rendered(text: string, later: boolean): HTMLElement {
  const div = doc.createElement('div');
  const t = doc.createElement('template');
  t.innerHTML = renderMarkdown(text, true, sharedMarkdown(), later);
  div.append(t.content);
  doc.body.append(div); // highlighting skips code no longer in the document
  return div;
}

/** Code that escaping, the HTML parser or highlight.js could get wrong. */
const CODE_CASES: Record<string, string> = {
  markupInCode: '```html\n<script>alert(1)</script> &amp; "quoted" \'single\' </code></pre>\n```',
  aliases: '```ts\nconst a: number = 1;\n```\n\n```sh\necho "$HOME" && ls\n```\n\n```py\ndef f(): return 1\n```',
  unknownAndNone: '```brainfuck\n+++[>+<-]\n```\n\n```\nplain & <text>\n```\n\n    indented <code> & more\n',
  lineEndings: '```js\r\nlet a = 1;\r\n\r\nlet b = "\u0000";\r\n```\r\n',
  emptyAndBlank: '```js\n```\n\n```rust\n\n\n```',
  inList: '1. step\n\n   ```bash\n   npm run build\n   ```\n2. next',
  leadingNewline: '```python\n\n\nprint("after blank lines")\n```',
};

describe('webview: highlighting left for later', () => {
  before(useEnglishWebviewStrings);
  afterEach(() => doc.body.replaceChildren());

  it('gives exactly the one-shot render once every block is highlighted (corpora, hostile replies, edge cases)', () => {
    const texts = [...Object.values(CORPUS), ...Object.values(CODE_CASES), ...HOSTILE_REPLIES.map((r) => r.markdown)];
    let marked = 0;
    for (const text of texts) {
      const later = rendered(text, true);
      const queue = new LaterHighlights(doc);
      queue.add(later);
      marked += queue.size;
      queue.highlightAll();
      assert.equal(queue.size, 0);
      assert.equal(later.querySelectorAll(`[${HIGHLIGHT_LATER_ATTR}]`).length, 0);
      assert.equal(later.innerHTML, rendered(text, false).innerHTML, text.slice(0, 80));
    }
    assert.ok(marked > 20, `only ${marked} code blocks were left for later`);
  });

  it('leaves only code highlight.js knows for later, as escaped text, and highlights the last block first', () => {
    const body = rendered(CODE_CASES.aliases + '\n\n' + CODE_CASES.unknownAndNone, true);
    const codes = Array.from(body.querySelectorAll('pre code'));
    assert.deepEqual(codes.map((c) => c.getAttribute(HIGHLIGHT_LATER_ATTR)), ['ts', 'sh', 'py', null, null, null]);
    assert.equal(body.querySelectorAll('[class^="hljs-"]').length, 0, 'nothing highlighted yet');
    const queue = new LaterHighlights(doc);
    queue.add(body);
    assert.equal(queue.size, 3);
    assert.equal(queue.highlightNext(), true);
    assert.deepEqual(codes.map((c) => c.querySelector('[class^="hljs-"]') !== null), [false, false, true, false, false, false]);
    queue.highlightAll();
    assert.deepEqual(codes.map((c) => c.querySelector('[class^="hljs-"]') !== null), [true, true, true, false, false, false]);
    assert.equal(queue.highlightNext(), false);
  });

  it('skips code that left the document before its turn (a body rendered again, a conversation replaced)', () => {
    const body = rendered(CODE_CASES.aliases, true);
    const queue = new LaterHighlights(doc);
    queue.add(body);
    body.remove();
    assert.equal(queue.highlightNext(), false);
    assert.equal(body.querySelectorAll('[class^="hljs-"]').length, 0);
    assert.equal(queue.size, 0);
  });

  it('in the view: a conversation opens with its code as text, and a reply updated before its turn ends right', () => {
    const t = setup(undefined, 2000);
    t.app.start();
    const reply = (i: number) => `Reply ${i}\n\n\`\`\`ts\nconst v${i}: number = ${i};\n\`\`\`\n\n` + 'text '.repeat(150);
    const messages = [];
    for (let i = 0; i < 12; i++) {
      messages.push({ id: `u${i}`, role: 'user' as const, text: `question ${i}` });
      messages.push({ id: `a${i}`, role: 'assistant' as const, text: reply(i), state: 'done' as const, model: 'm' });
    }
    t.send({ type: 'state', state: state(messages) });
    assert.equal(t.$$('pre code [class^="hljs-"]').length, 0, 'the first frame waits for no highlighting');
    assert.ok(t.$('[data-id="a11"] pre code')!.hasAttribute(HIGHLIGHT_LATER_ATTR), 'the newest reply is rendered, its code as text');
    // The newest reply changes (a file link, usage) before its code is highlighted: rendered again, right.
    t.send({ type: 'messageUpdated', message: { ...messages[23], text: reply(99) } });
    while (t.deferred.length) t.deferred.splice(0).forEach((cb) => cb());
    assert.equal(t.$$(`[${HIGHLIGHT_LATER_ATTR}]`).length, 0, 'everything highlighted in the end');
    for (const [id, text] of [['a0', reply(0)], ['a5', reply(5)], ['a11', reply(99)]]) {
      const body = t.$(`[data-id="${id}"] .message-body`)!;
      const expected = rendered(text, false);
      assert.equal(body.innerHTML, expected.innerHTML, id);
    }
    // renderAllPending (print, find, tests) leaves nothing for later either.
    t.send({ type: 'state', state: state(messages) });
    t.app.renderAllPending();
    assert.equal(t.$$(`[${HIGHLIGHT_LATER_ATTR}]`).length, 0);
    assert.equal(t.$$('.message.pending').length, 0);
  });
});
