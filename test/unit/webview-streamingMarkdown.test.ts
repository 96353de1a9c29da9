import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { sharedMarkdown } from '../../src/webview/markdown';
import { StreamingMarkdown, lineStartOffset } from '../../src/webview/streamingMarkdown';
import { CORPUS } from './helpers/webviewCorpus';
import { htmlWithoutGroups, oneShotHtml } from './helpers/frozenGroups';
import { extractCodeBlocks, growingCodeBlock } from '../../src/code/codeBlocks';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
const document = dom.window.document;

/** The one-shot render, serialized through the same DOM so both sides are normalized alike. */
function oneShot(text: string): string {
  return oneShotHtml(document, text);
}

/** The DOM with each code element reduced to its text (highlighting left out). */
function shape(html: string): string {
  const div = document.createElement('div');
  div.innerHTML = html;
  for (const code of Array.from(div.querySelectorAll('pre > code'))) code.textContent = code.textContent;
  return div.innerHTML;
}

/** Numbers of the code blocks whose Copy / Insert / Apply are disabled. */
function disabledBlocks(container: HTMLElement): number[] {
  const buttons = Array.from(container.querySelectorAll('button.code-action[disabled]'));
  return [...new Set(buttons.map((b) => Number(b.getAttribute('data-block'))))];
}

/**
 * The renderer's DOM equals a one-shot render of `text` — exactly, or, while an open fence shows
 * its newest part unhighlighted, in everything but that highlighting — except that the buttons of
 * the block still being written (as the host sees it in the whole text) are disabled, all three.
 */
function assertShows(r: StreamingMarkdown, container: HTMLElement, text: string, message?: string): void {
  const growing = growingCodeBlock(text);
  assert.deepEqual(disabledBlocks(container), growing === -1 ? [] : [growing], `${message ?? ''}: disabled buttons`);
  if (growing !== -1) assert.equal(container.querySelectorAll(`button.code-action[disabled][data-block="${growing}"]`).length, 3);
  const html = htmlWithoutGroups(container).replace(/ disabled=""/g, '');
  const expected = oneShot(text);
  if (r.exact) assert.equal(html, expected, message);
  else assert.equal(shape(html), shape(expected), message);
}

/** A renderer whose frames run only when the test says so. */
function manualRenderer(eager = false) {
  const container = document.createElement('div');
  const queue: Array<() => void> = [];
  const r = new StreamingMarkdown(container, { schedule: (cb) => queue.push(cb), eager });
  const frame = () => queue.splice(0).forEach((cb) => cb());
  return { container, r, frame, queue };
}

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunksOf(text: string, rand: () => number, max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rand() * max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

const ALL = Object.values(CORPUS).join('\n\n');

describe('webview streaming markdown', function () {
  // jsdom is slow and CI machines are busy; these tests do a lot of rendering, not timing.
  this.timeout(120_000);
  for (const [name, text] of Object.entries({ ...CORPUS, all: ALL })) {
    it(`${name}: random chunks, DOM equals a one-shot render after every frame`, () => {
      // The combined document is long: fewer seeds and sparser checks keep the suite quick.
      const big = name === 'all';
      for (const seed of big ? [1] : [1, 2, 3]) {
        const rand = mulberry32(seed * 7919 + name.length);
        const { container, r, frame } = manualRenderer();
        let sent = '';
        for (const chunk of chunksOf(text, rand, 40)) {
          r.append(chunk);
          sent += chunk;
          if (rand() < (big ? 0.1 : 0.4)) {
            frame();
            assertShows(r, container, sent, `seed ${seed} after ${sent.length} chars`);
          }
        }
        frame();
        assert.equal(r.text, text);
        r.finish();
        assert.equal(container.innerHTML, oneShot(text));
      }
    });

    if (name !== 'all') it(`${name}: 1-char chunks, flushed each char`, () => {
      const { container, r } = manualRenderer();
      for (let i = 0; i < text.length; i++) {
        r.append(text[i]);
        r.flush();
        // Checking every prefix is quadratic; sample them, always including the end.
        if (i % 17 === 0) assertShows(r, container, text.slice(0, i + 1), `after ${i + 1} chars`);
      }
      r.finish();
      assert.equal(container.innerHTML, oneShot(text));
    });
  }

  it('random documents built from tricky lines: every frame equals a one-shot render', () => {
    // Lines that open, continue, interrupt or close blocks; soups of them find boundary mistakes.
    const LINES = ['', '', '', 'para text', '2', '2. item', '1. one', '- a', '* b', '+ c', '  - nested', '    code',
      '   indented 3', '```', '```js', '~~~', '````', '> quote', '>', '---', '***', '===', '# h', 'a | b', '|-|-|',
      '--|--', '| x | y |', '[r]: http://r.example', '[r]', '[s]: <http://s.example> "t"', '\t tab', '  ```', ' 10) x',
      '<div>', 'x  ', '\\', '- [ ] t', '-', '1.', '    - deep', '      ```py'];
    const rand = mulberry32(2024);
    for (let doc = 0; doc < 60; doc++) {
      const lines = Array.from({ length: 3 + Math.floor(rand() * 22) }, () => LINES[Math.floor(rand() * LINES.length)]);
      const text = lines.join(rand() < 0.1 ? '\r\n' : '\n') + (rand() < 0.5 ? '\n' : '');
      const { container, r } = manualRenderer();
      let sent = '';
      for (const chunk of chunksOf(text, rand, 6)) {
        r.append(chunk);
        sent += chunk;
        r.flush();
        assertShows(r, container, sent, `doc ${JSON.stringify(sent)}`);
      }
      r.finish();
      assert.equal(container.innerHTML, oneShot(text), `doc ${JSON.stringify(text)}`);
    }
  });

  it('a long open code fence grows in place and is highlighted again only now and then', () => {
    const { container, r } = manualRenderer();
    const line = (i: number) => `const value${i} = compute(${i}, "text", /re/g); // note ${i}\n`;
    let text = 'Intro.\n\n```ts\n';
    r.append(text);
    r.flush();
    const code = container.querySelector('pre > code')!;
    let highlightedViews = 0;
    for (let i = 0; i < 600; i++) {
      for (const piece of line(i).match(/.{1,9}/gs)!) {
        r.append(piece);
        text += piece;
        r.flush();
        if (r.exact) highlightedViews++;
      }
      assert.equal(container.querySelector('pre > code'), code, 'the code element is kept, not re-rendered');
      assert.equal(code.textContent, text.slice(text.indexOf('```ts\n') + 6));
    }
    assert.ok(text.length > 30_000);
    // Re-highlighting happens each time the code grows by a quarter: a handful of times, not per chunk.
    assert.ok(highlightedViews > 3 && highlightedViews < 30, `highlighted ${highlightedViews} times`);
    assertShows(r, container, text);
    r.append('```\n\nAfter.');
    text += '```\n\nAfter.';
    r.flush();
    assert.ok(r.exact);
    assert.equal(htmlWithoutGroups(container), oneShot(text));
  });

  it('finish() shows a fence left open at the end exactly as a one-shot render', () => {
    const { container, r } = manualRenderer();
    const text = '```python\n' + 'x = 1  # c\n'.repeat(300) + 'y = "unfinished';
    for (let i = 0; i < text.length; i += 50) {
      r.append(text.slice(i, i + 50));
      r.flush();
    }
    assert.equal(r.exact, false);
    r.finish();
    assert.ok(r.exact);
    assert.equal(container.innerHTML, oneShot(text));
  });

  it('coalesces many appends into one render per frame', () => {
    const { r, frame, queue } = manualRenderer();
    for (const ch of CORPUS.prose) r.append(ch);
    assert.equal(queue.length, 1);
    frame();
    assert.equal(r.renders, 1);
    frame();
    assert.equal(r.renders, 1, 'no render without new text');
  });

  it('eager: the first delta after a frame renders at once, the rest of that frame on the frame', () => {
    const { container, r, frame, queue } = manualRenderer(true);
    r.append('Hello');
    assert.equal(r.renders, 1, 'rendered without waiting for a frame');
    assert.equal(container.textContent?.trim(), 'Hello');
    r.append(' there');
    r.append(', world');
    assert.equal(r.renders, 1, 'later deltas wait for the frame');
    assert.equal(container.textContent?.trim(), 'Hello');
    assert.equal(queue.length, 1, 'one frame callback, not one per delta');
    frame();
    assert.equal(r.renders, 2);
    assert.equal(container.textContent?.trim(), 'Hello there, world');
    frame();
    assert.equal(r.renders, 2, 'no render without new text');
    r.append('!');
    assert.equal(r.renders, 3, 'after a quiet frame the next delta renders at once again');
    assertShows(r, container, 'Hello there, world!');
  });

  it('eager: random chunks and frames still end equal to a one-shot render', () => {
    const rand = mulberry32(7);
    for (const [name, text] of Object.entries(CORPUS)) {
      const { container, r, frame } = manualRenderer(true);
      for (const chunk of chunksOf(text, rand, 9)) {
        r.append(chunk);
        if (rand() < 0.3) frame();
      }
      r.finish();
      assert.equal(container.innerHTML, oneShot(text), name);
    }
  });

  it('freezes finished blocks: their DOM nodes are kept while the tail streams', () => {
    const { container, r } = manualRenderer();
    r.append('# Head\n\nFirst paragraph.\n\n```js\nlet a');
    r.flush();
    const heading = container.querySelector('h1');
    const para = container.querySelector('p');
    assert.ok(heading && para);
    for (const ch of ' = 1;\n```\n\nMore text\n\nAnd more.') {
      r.append(ch);
      r.flush();
    }
    assert.equal(container.querySelector('h1'), heading, 'heading node was never replaced');
    assert.equal(container.querySelector('p'), para, 'paragraph node was never replaced');
  });

  it('code-block indices follow markdown-it token order over the whole message', () => {
    const text = CORPUS.code + '\n\n' + CORPUS.mixed + '\n\n' + CORPUS.lists;
    const expected = sharedMarkdown()
      .parse(text, {})
      .filter((t) => t.type === 'fence' || t.type === 'code_block')
      .map((t) => t.content);
    assert.ok(expected.length >= 10);
    const rand = mulberry32(42);
    const { container, r, frame } = manualRenderer();
    for (const chunk of chunksOf(text, rand, 25)) {
      r.append(chunk);
      if (rand() < 0.5) frame();
    }
    frame();
    const blocks = Array.from(container.querySelectorAll('.code-block'));
    assert.deepEqual(
      blocks.map((b) => Number(b.getAttribute('data-block'))),
      expected.map((_, i) => i),
    );
    assert.deepEqual(
      blocks.map((b) => b.querySelector('code')!.textContent),
      expected,
    );
    for (const b of blocks) {
      const i = b.getAttribute('data-block');
      for (const id of ['copy', 'insert', 'apply']) {
        const btn = b.querySelector(`button[data-testid="${id}"]`);
        assert.ok(btn, `${id} button on block ${i}`);
        assert.equal(btn.getAttribute('data-block'), i);
      }
    }
  });

  it("block N in the streamed DOM is block N of the host's extractCodeBlocks", () => {
    const text = Object.values(CORPUS).join('\n\n');
    const { container, r, frame } = manualRenderer();
    const rand = mulberry32(7);
    for (const chunk of chunksOf(text, rand, 30)) {
      r.append(chunk);
      if (rand() < 0.3) frame();
    }
    frame();
    const shown = Array.from(container.querySelectorAll('.code-block')).map((b) => ({
      block: Number(b.getAttribute('data-block')),
      code: b.querySelector('code')!.textContent!.replace(/\n$/, ''),
    }));
    const host = extractCodeBlocks(text);
    assert.equal(shown.length, host.length);
    shown.forEach((s, i) => {
      assert.equal(s.block, i);
      assert.equal(s.code, host[i].code.replace(/\r\n?/g, '\n'), `block ${i}`);
    });
  });

  it('setText with unrelated text starts over; with an extension, appends', () => {
    const { container, r } = manualRenderer();
    r.append('para one\n\npara two\n\n');
    r.flush();
    r.setText('para one\n\npara two\n\npara three');
    r.flush();
    assert.equal(htmlWithoutGroups(container), oneShot('para one\n\npara two\n\npara three'));
    r.setText('# Other\n\n```py\nx\n```');
    r.flush();
    assertShows(r, container, '# Other\n\n```py\nx\n```');
    assert.equal(r.text, '# Other\n\n```py\nx\n```');
  });

  describe('Copy / Insert / Apply only on finished blocks', () => {
    const buttons = (c: HTMLElement, block: number) => Array.from(c.querySelectorAll<HTMLButtonElement>(`button.code-action[data-block="${block}"]`));

    it('a fence still streaming has its buttons disabled until its closing line is complete', () => {
      const { container, r } = manualRenderer();
      const steps = ['Intro.\n\n```ts\n', 'const a = 1;\n', 'const b = 2;\n', '```'];
      let text = '';
      for (const step of steps) {
        r.append(step);
        text += step;
        r.flush();
        assert.equal(buttons(container, 0).length, 3);
        assert.ok(buttons(container, 0).every((b) => b.disabled), `disabled after ${JSON.stringify(text)}`);
      }
      // "```" may still become "```js" (a new fence): only the line break ends the block.
      r.append('\n');
      r.flush();
      assert.ok(buttons(container, 0).every((b) => !b.disabled));
      assert.equal(htmlWithoutGroups(container), oneShot(`${text}\n`));
    });

    it('earlier blocks work while a later one streams', () => {
      const { container, r } = manualRenderer();
      r.append('```py\nfirst()\n```\n\nThen:\n\n```py\nsecond(');
      r.flush();
      assert.deepEqual(disabledBlocks(container), [1]);
      assert.ok(buttons(container, 0).every((b) => !b.disabled));
    });

    it('an indented code block at the end is still growing; text after it ends it', () => {
      const { container, r } = manualRenderer();
      r.append('Example:\n\n    let x = 1;\n');
      r.flush();
      assert.deepEqual(disabledBlocks(container), [0]);
      r.append('\nDone.');
      r.flush();
      assert.deepEqual(disabledBlocks(container), []);
    });

    it('a fence in a list item is over when the list item is', () => {
      const { container, r } = manualRenderer();
      r.append('1. Run:\n\n   ```sh\n   make\n');
      r.flush();
      assert.deepEqual(disabledBlocks(container), [0]);
      r.append('2. Then');
      r.flush();
      assert.deepEqual(disabledBlocks(container), []);
    });

    it('finish() (a stopped or interrupted reply) enables them: the DOM is exactly the one-shot render', () => {
      const { container, r } = manualRenderer();
      const text = 'Partial:\n\n```ts\nfunction f() {\n  return';
      r.append(text);
      r.flush();
      assert.deepEqual(disabledBlocks(container), [0]);
      r.finish();
      assert.deepEqual(disabledBlocks(container), []);
      assert.equal(container.innerHTML, oneShot(text));
    });

    it('the long-fence fast path keeps them disabled while the code grows', () => {
      const { container, r } = manualRenderer();
      r.append('```ts\n');
      r.flush();
      for (let i = 0; i < 200; i++) {
        r.append(`const v${i} = ${i};\n`);
        r.flush();
      }
      assert.deepEqual(disabledBlocks(container), [0]);
      r.append('```\n');
      r.flush();
      assert.deepEqual(disabledBlocks(container), []);
    });
  });

  it('lineStartOffset counts \\r\\n, \\r and \\n as markdown-it does', () => {
    assert.equal(lineStartOffset('a\r\nb\rc\nd', 0), 0);
    assert.equal(lineStartOffset('a\r\nb\rc\nd', 1), 3);
    assert.equal(lineStartOffset('a\r\nb\rc\nd', 2), 5);
    assert.equal(lineStartOffset('a\r\nb\rc\nd', 3), 7);
    assert.equal(lineStartOffset('a', 5), 1);
  });
});
