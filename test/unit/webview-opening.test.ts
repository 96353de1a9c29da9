// Opening a conversation: the first frame shows code as text and a long reply's end only; the view's
// background slices highlight the code and render the beginnings, and the DOM then equals the
// one-shot render exactly.
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { LaterHighlights } from '../../src/webview/laterHighlights';
import { LaterHeads, TAIL_FIRST_CHARS } from '../../src/webview/laterHeads';
import { HIGHLIGHT_LATER_ATTR, renderMarkdown, renderPart, sharedMarkdown, splitAtBlock } from '../../src/webview/markdown';
import { HOSTILE_REPLIES } from '../ui/fixtures/hostile-corpus';
import type { MessageView } from '../../src/protocol/messages';
import { oneShotHtml } from './helpers/frozenGroups';
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

describe('webview: opening a conversation — highlighting and beginnings left for later', () => {
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

  it('a message split at any top-level block renders, tail then head in front, as the one-shot render', () => {
    const texts = [
      Object.values(CORPUS).join('\n\n'),
      Object.values(CODE_CASES).join('\n\n'),
      HOSTILE_REPLIES.slice(0, 40).map((r) => r.markdown).join('\n\n'),
      // Definitions apply to the whole text: one in the head used in the tail, one in the tail used in
      // the head, and a second definition of a label (the first wins).
      '[early]: https://example.com/early\n\nUses [late] and [early].\n\n' + 'filler paragraph.\n\n'.repeat(20) +
        '[late]: https://example.com/late\n[early]: https://example.com/ignored\n\nEnd uses [early] and [late].',
      'CRLF\r\n\r\n```js\r\nlet a = 1;\r\n```\r\n\r\n' + '- item\r\n'.repeat(10) + '\r\nNUL \u0000 here\r\n',
    ];
    let splits = 0;
    for (const text of texts) {
      const expected = rendered(text, false).innerHTML;
      const seen = new Set<number>();
      for (let minTail = 1; minTail <= text.length / 2; minTail += Math.max(1, Math.floor(text.length / 200))) {
        const parts = splitAtBlock(text, minTail);
        if (!parts || seen.has(parts.head.length)) continue;
        seen.add(parts.head.length);
        assert.ok(parts.head.length > 0 && parts.tail.length >= minTail);
        const body = doc.createElement('div');
        doc.body.append(body);
        const t = doc.createElement('template');
        t.innerHTML = renderPart(parts.tail, true, parts.headCodeBlocks, parts.references);
        body.append(t.content);
        t.innerHTML = renderPart(parts.head, true, 0, parts.references);
        body.prepend(t.content);
        const queue = new LaterHighlights(doc);
        queue.add(body);
        queue.highlightAll();
        assert.equal(body.innerHTML, expected, `split after ${parts.head.length} of ${text.length} characters`);
        body.remove();
      }
      splits += seen.size;
    }
    assert.ok(splits > 50, `only ${splits} different splits`);
    assert.equal(splitAtBlock('one paragraph only '.repeat(2000), 100), undefined, 'one block: nothing to split');
    assert.equal(splitAtBlock('short\n\ntext', 100), undefined);
  });

  it('in the view: a long newest reply opens with its end, its beginning and file links follow', () => {
    const t = setup(undefined, 2000);
    t.app.start();
    const section = (i: number) => `## Part ${i}\n\nSee \`src/part${i}.ts\` for it.\n\n\`\`\`ts\nexport const part${i} = ${i};\n\`\`\`\n\n` + 'prose '.repeat(60) + '\n\n';
    let long = '';
    for (let i = 0; long.length < 4 * TAIL_FIRST_CHARS; i++) long += section(i);
    t.send({ type: 'state', state: state([
      { id: 'u1', role: 'user', text: 'write it all' },
      { id: 'a1', role: 'assistant', text: long, state: 'done', model: 'm' },
    ]) });
    const body = t.$('[data-id="a1"] .message-body')!;
    assert.ok(!body.textContent!.includes('Part 0'), 'the beginning waits');
    assert.ok(body.textContent!.includes(long.trimEnd().split('\n').at(-1)!.trim()), 'the end is shown at once');
    const firstBlock = Number(body.querySelector('.code-block')!.getAttribute('data-block'));
    assert.ok(firstBlock > 0, 'the code blocks of the end keep their numbers in the whole reply');
    while (t.deferred.length) t.deferred.splice(0).forEach((cb) => cb());
    assert.equal(body.innerHTML, rendered(long, false).innerHTML);
    const asked = t.posted.filter((m): m is { type: 'resolveFiles'; refs: string[] } => (m as { type: string }).type === 'resolveFiles');
    assert.ok(asked.some((m) => m.refs.includes('src/part0.ts')), 'the file references of the beginning are asked for too');
  });

  it('a reply rendered again before its beginning came drops the stale beginning', () => {
    const highlights = new LaterHighlights(doc);
    const heads = new LaterHeads(doc, highlights);
    const body = doc.createElement('div');
    doc.body.append(body);
    const text = 'first paragraph\n\n'.repeat(2000);
    let rendered = 0;
    assert.ok(heads.renderTail(body, text, true, () => rendered++));
    body.replaceChildren(doc.createTextNode('rendered again'));
    assert.equal(heads.renderNext(), false);
    assert.equal(body.textContent, 'rendered again');
    assert.equal(rendered, 0);
    assert.equal(heads.renderTail(body, 'too short', true, () => rendered++), false);
  });

  it('opens a long conversation: newest messages at once, older ones in background slices, all equal one-shot', () => {
    const t = setup(undefined, 4000);
    t.app.start();
    const messages: MessageView[] = [];
    // Size only matters relative to the eager budget; timing belongs to the benchmark.
    const reply = 'Some prose.\n\n```ts\nconst x = 1;\n```\n\n' + 'word '.repeat(100);
    for (let i = 0; i < 60; i++) {
      messages.push({ id: `u${i}`, role: 'user', text: `question ${i}` });
      messages.push({ id: `a${i}`, role: 'assistant', text: `${i}\n\n${reply}`, state: 'done', model: 'm' });
    }
    t.send({ type: 'state', state: state(messages) });
    const all = t.$$('[data-testid="message"]');
    assert.equal(all.length, 120, 'every message element exists at once');
    const pending = t.$$('.message.pending');
    assert.ok(pending.length > 0 && pending.length < 120, 'older messages are left for later');
    assert.ok(!t.$('[data-id="a59"]')!.classList.contains('pending'), 'the newest reply is rendered at once');
    while (t.deferred.length) t.deferred.splice(0).forEach((cb) => cb());
    assert.equal(t.$$('.message.pending').length, 0);
    for (const i of [0, 30, 59]) {
      assert.equal(t.$(`[data-id="a${i}"] .message-body`)!.innerHTML, oneShotHtml(t.doc, `${i}\n\n${reply}`));
      assert.equal(t.$(`[data-id="a${i}"] [data-testid="meta"]`)!.textContent, 'm');
    }
    // A new state drops the old background work.
    t.send({ type: 'state', state: state([{ id: 'n1', role: 'user', text: 'new' }]) });
    assert.equal(t.$$('[data-testid="message"]').length, 1);
  });
});
