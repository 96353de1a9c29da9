import assert from 'node:assert/strict';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { Conversation } from '../../src/chat/conversation';
import type { StoredMessage } from '../../src/chat/storedMessage';
import {
  buildAskMessage,
  buildExplainMessage,
  fencedBlock,
  fitSelection,
  inlineCode,
  toChatTurns,
  type SelectionContext,
} from '../../src/chat/prompts';
import { extractCodeBlocks } from '../../src/code/codeBlocks';

const sel = (over: Partial<SelectionContext> = {}): SelectionContext => ({
  text: 'function add(a, b) {\n  return a + b;\n}',
  fileName: 'src/math.js',
  languageId: 'javascript',
  startLine: 10,
  endLine: 12,
  ...over,
});

/** The inline code spans markdown-it sees in a text. */
function codeSpans(md: string): string[] {
  const spans: string[] = [];
  for (const t of new MarkdownIt().parse(md, {})) {
    for (const c of t.children ?? []) if (c.type === 'code_inline') spans.push(c.content);
  }
  return spans;
}

describe('chat/prompts', () => {
  describe('fencedBlock', () => {
    it('uses a fence longer than any backtick run, so ``` inside cannot break out', () => {
      const code = 'Some docs:\n```js\nx()\n```\nand ````` five';
      const block = fencedBlock(code, 'markdown');
      assert.ok(block.startsWith('``````markdown\n'));
      assert.deepEqual(extractCodeBlocks(`Before\n\n${block}\n\nAfter`), [{ lang: 'markdown', code, fenced: true }]);
    });

    it('property: any code round-trips through the fence exactly (one block, same text)', () => {
      const code = fc.string({ unit: fc.constantFrom('`', '~', 'a', ' ', '\n', '\t', '>', '-', '#'), maxLength: 80 });
      fc.assert(
        fc.property(code, (c) => {
          const blocks = extractCodeBlocks(`Q?\n\n${fencedBlock(c, 'ts')}\n\nafter`);
          assert.equal(blocks.length, 1);
          // extractCodeBlocks drops one trailing newline: the code's own, or the one the fence needs.
          assert.equal(blocks[0].code, c.endsWith('\n') ? c.slice(0, -1) : c);
        }),
      );
    });

    it('keeps only safe characters in the info string', () => {
      assert.ok(fencedBlock('x', 'c++ `evil`\n').startsWith('```c++evil\n'));
    });
  });

  it('inlineCode survives backticks in file names', () => {
    assert.deepEqual(codeSpans(`see ${inlineCode('a`b.ts')} here`), ['a`b.ts']);
    assert.deepEqual(codeSpans(`see ${inlineCode('`x`')} here`), ['`x`']);
  });

  describe('buildAskMessage', () => {
    it('is just the question without a selection', () => {
      assert.equal(buildAskMessage('  What is a monad?\n'), 'What is a monad?');
    });

    it('puts the question first, then the labelled selection', () => {
      const msg = buildAskMessage('Why is this slow?', sel());
      assert.ok(msg.startsWith('Why is this slow?\n\n'));
      assert.match(msg, /`src\/math\.js` \(javascript, lines 10-12\)/);
      assert.deepEqual(extractCodeBlocks(msg), [{ lang: 'javascript', code: sel().text, fenced: true }]);
    });

    it('code containing ``` stays inside its block', () => {
      const text = 'const md = `\n```\nnot the end\n```\n`;';
      const msg = buildAskMessage('Explain', sel({ text, languageId: 'typescript' }));
      assert.deepEqual(extractCodeBlocks(msg), [{ lang: 'typescript', code: text, fenced: true }]);
    });

    it('a single line is labelled as one line', () => {
      assert.match(buildAskMessage('q', sel({ startLine: 5, endLine: 5 })), /javascript, line 5\)/);
    });
  });

  it('buildExplainMessage names the file, language and lines and carries the code', () => {
    const msg = buildExplainMessage(sel());
    assert.match(msg, /^Explain/);
    assert.match(msg, /javascript/);
    assert.match(msg, /`src\/math\.js`/);
    assert.match(msg, /lines 10-12/);
    assert.deepEqual(extractCodeBlocks(msg), [{ lang: 'javascript', code: sel().text, fenced: true }]);
  });

  describe('fitSelection', () => {
    it('leaves a small selection alone', () => {
      const s = sel();
      assert.deepEqual(fitSelection(s, 1000), { selection: s });
    });

    it('cuts a large selection and narrows its line range to what is kept', () => {
      const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
      const s = sel({ text: lines.join('\n'), startLine: 101, endLine: 1100 });
      const r = fitSelection(s, 100); // 300 chars
      const keptLines = r.selection.text.split('\n');
      assert.deepEqual(keptLines, lines.slice(0, keptLines.length));
      assert.equal(r.selection.startLine, 101);
      assert.equal(r.selection.endLine, 100 + keptLines.length);
      assert.equal(r.notice, `Selection was cut to the first ${keptLines.length} of 1,000 lines to fit the model's context.`);
    });
  });

  describe('toChatTurns', () => {
    function msg(over: Partial<StoredMessage> & Pick<StoredMessage, 'role'>): StoredMessage {
      return { id: Math.random().toString(36).slice(2), text: 'x', createdAt: 0, ...over };
    }

    it('keeps questions and finished replies; skips errors, empty, failed and streaming replies', () => {
      const turns = toChatTurns([
        msg({ role: 'user', text: 'q1' }),
        msg({ role: 'assistant', text: 'a1', state: 'done' }),
        msg({ role: 'user', text: 'q2' }),
        msg({ role: 'assistant', text: 'partial', state: 'stopped' }),
        msg({ role: 'user', text: 'q3' }),
        msg({ role: 'assistant', text: 'cut off', state: 'interrupted' }),
        msg({ role: 'error', text: 'boom', actions: ['retry'] }),
        msg({ role: 'user', text: 'q4' }),
        msg({ role: 'assistant', text: 'half', state: 'error' }),
        msg({ role: 'error', text: 'boom' }),
        msg({ role: 'user', text: 'q5' }),
        msg({ role: 'assistant', text: '  ', state: 'done' }),
        msg({ role: 'user', text: 'q6' }),
        msg({ role: 'assistant', text: 'so far', state: 'streaming' }),
      ]);
      assert.deepEqual(turns, [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: 'partial' },
        { role: 'user', content: 'q3' },
        { role: 'assistant', content: 'cut off' },
        { role: 'user', content: 'q4\n\nq5\n\nq6' },
      ]);
    });

    it('drops a leading reply (history capped on load) so the user speaks first', () => {
      assert.deepEqual(
        toChatTurns([
          msg({ role: 'assistant', text: 'orphan', state: 'done' }),
          msg({ role: 'assistant', text: 'orphan 2', state: 'done' }),
          msg({ role: 'user', text: 'q' }),
        ]),
        [{ role: 'user', content: 'q' }],
      );
    });

    it('works on a live conversation mid-stream', () => {
      const c = new Conversation();
      c.addUser('first');
      const a = c.startAssistant('m');
      c.append(a.id, { text: 'answer' });
      c.finish(a.id, 'done');
      c.addUser('second');
      const b = c.startAssistant('m');
      c.append(b.id, { text: 'streaming…' });
      assert.deepEqual(toChatTurns(c.messages), [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'answer' },
        { role: 'user', content: 'second' },
      ]);
    });

    it('property: roles always alternate and start with the user', () => {
      const m = fc.record({
        role: fc.constantFrom<StoredMessage['role']>('user', 'assistant', 'error'),
        text: fc.constantFrom('', ' ', 'a', 'b c'),
        state: fc.constantFrom<StoredMessage['state']>('streaming', 'done', 'stopped', 'error', 'interrupted'),
      });
      fc.assert(
        fc.property(fc.array(m, { maxLength: 20 }), (ms) => {
          const turns = toChatTurns(ms.map((x) => msg(x)));
          if (turns.length) assert.equal(turns[0].role, 'user');
          for (let i = 1; i < turns.length; i++) assert.notEqual(turns[i].role, turns[i - 1].role);
          for (const t of turns) assert.notEqual(typeof t.content === 'string' ? t.content.trim() : t.content, '');
        }),
      );
    });
  });
});
