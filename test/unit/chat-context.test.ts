import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  contextBudget,
  countLines,
  cutText,
  estimateTokens,
  fitHistory,
  formatCount,
} from '../../src/chat/context';
import type { TextTurn } from '../../src/gmi/types';

const user = (content: string): TextTurn => ({ role: 'user', content });
const assistant = (content: string): TextTurn => ({ role: 'assistant', content });

function assertAlternates(turns: TextTurn[]): void {
  if (turns.length === 0) return;
  assert.equal(turns[0].role, 'user', 'first turn is a user turn');
  for (let i = 1; i < turns.length; i++) assert.notEqual(turns[i].role, turns[i - 1].role, `turns ${i - 1}/${i} alternate`);
}

describe('chat/context', () => {
  it('estimateTokens is conservative (>= chars/4) and cheap to reason about', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('abc'), 1);
    assert.equal(estimateTokens('abcd'), 2);
    assert.equal(estimateTokens('x'.repeat(3000)), 1000);
    fc.assert(fc.property(fc.string(), (s) => estimateTokens(s) >= Math.ceil(s.length / 4)));
  });

  it('estimateTokens counts non-ASCII text a token per UTF-16 unit', () => {
    assert.equal(estimateTokens('你好世界'), 4);
    assert.equal(estimateTokens('😀'), 2);
    assert.equal(estimateTokens('abc你'), 2);
  });

  it('formatCount and countLines', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1234), '1,234');
    assert.equal(formatCount(56789), '56,789');
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\nb'), 2);
    assert.equal(countLines('a\n\n'), 2);
  });

  describe('contextBudget', () => {
    it('reserves output, system prompt and a margin', () => {
      // 200k context, 8k out, 300-char system prompt (100 tokens), 5% margin (10k).
      assert.equal(contextBudget(200_000, 8_000, 'x'.repeat(300)), 200_000 - 8_000 - 100 - 10_000);
    });
    it('reserves at most half the window for output', () => {
      assert.equal(contextBudget(100_000, 100_000, ''), 100_000 - 50_000 - 5_000);
    });
    it('is never negative, and 0 for a nonsense context length', () => {
      assert.equal(contextBudget(1000, 400, 'x'.repeat(10_000)), 0);
      assert.equal(contextBudget(0, 10, ''), 0);
      assert.equal(contextBudget(Number.NaN, 10, ''), 0);
    });
  });

  describe('cutText', () => {
    it('returns short text unchanged', () => {
      assert.deepEqual(cutText('hello\nworld', 10), { text: 'hello\nworld', cut: false });
      assert.deepEqual(cutText('abc', 1), { text: 'abc', cut: false });
    });

    it('cuts at a line boundary near the limit and says how many lines were kept', () => {
      const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}`); // 8 chars each
      const text = lines.join('\n');
      const r = cutText(text, 30); // 90 chars: 10 whole lines need 89
      assert.equal(r.cut, true);
      assert.equal(r.text, lines.slice(0, 10).join('\n'));
      assert.equal(r.notice, "Selection was cut to the first 10 of 100 lines to fit the model's context.");
    });

    it('cuts a single long line mid-line without splitting a surrogate pair', () => {
      // 6 tokens: 'a' (1/3) + 2 emoji (4) + the first half of the third (1) fit; the half is dropped.
      const r = cutText('a' + '😀'.repeat(100), 6);
      assert.equal(r.cut, true);
      assert.equal(r.text, 'a😀😀');
      assert.equal(r.notice, "Selection was cut to the first 5 of 201 characters to fit the model's context.");
    });

    it('cuts CJK text by its token estimate, not its length', () => {
      const line = '这是一行中文。\n'; // 7 CJK + newline = 7 tokens + 1/3
      const text = line.repeat(100);
      const r = cutText(text, 100);
      assert.equal(r.cut, true);
      assert.ok(estimateTokens(r.text) <= 100);
      assert.equal(r.text, line.repeat(13).slice(0, -1)); // 13 lines = 91 + ceil(12/3) = 95 tokens
      assert.equal(r.notice, "Selection was cut to the first 13 of 100 lines to fit the model's context.");
    });

    it('names what was cut', () => {
      assert.match(cutText('x'.repeat(100), 1, 'Message').notice!, /^Message was cut/);
    });

    it('a 5 MB selection is cut to the limit at a line boundary, with exact counts', () => {
      const line = 'const value = computeSomething(input, options); // 60 chars.\n';
      assert.equal(line.length, 61);
      const total = Math.ceil((5 * 1024 * 1024) / line.length);
      const text = line.repeat(total);
      assert.ok(text.length >= 5 * 1024 * 1024);
      const maxTokens = 100_000; // 300,000 chars
      const r = cutText(text, maxTokens);
      const keptLines = Math.floor(300_000 / line.length); // whole lines that fit
      assert.equal(r.cut, true);
      assert.equal(r.text.length, keptLines * line.length - 1, 'whole lines, the last newline dropped');
      assert.ok(estimateTokens(r.text) <= maxTokens);
      assert.equal(r.text, text.slice(0, keptLines * line.length - 1));
      assert.equal(
        r.notice,
        `Selection was cut to the first ${formatCount(keptLines)} of ${formatCount(total)} lines to fit the model's context.`,
      );
    });

    it('property: result is a prefix within the budget; cut iff the text was too long', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 0, max: 120 }), (s, t) => {
          const r = cutText(s, t);
          assert.ok(s.startsWith(r.text));
          assert.ok(r.text.length <= t * 3);
          assert.ok(estimateTokens(r.text) <= t);
          assert.equal(r.cut, estimateTokens(s) > t);
          assert.equal(r.notice !== undefined, r.cut);
        }),
      );
    });
  });

  describe('fitHistory', () => {
    const history = [
      user('q1 ' + 'a'.repeat(297)), // 100 tokens + 4
      assistant('r1 ' + 'b'.repeat(297)),
      user('q2 ' + 'c'.repeat(297)),
      assistant('r2 ' + 'd'.repeat(297)),
      user('q3'),
    ];

    it('keeps everything when it fits', () => {
      const r = fitHistory(history, 10_000);
      assert.deepEqual(r.turns, history);
      assert.equal(r.dropped, 0);
      assert.equal(r.notice, undefined);
    });

    it('drops the oldest turns first and starts with a user turn', () => {
      // q3 costs 5; r2 104 → 109; q2 104 → 213; r1 would make 317.
      const r = fitHistory(history, 250);
      assert.deepEqual(r.turns, history.slice(2));
      assert.equal(r.dropped, 2);
      assertAlternates(r.turns);
    });

    it('never starts with an assistant turn even when one would fit', () => {
      // Room for q3 + r2 but not q2: r2 must go too.
      const r = fitHistory(history, 150);
      assert.deepEqual(r.turns, [history[4]]);
      assert.equal(r.dropped, 4);
    });

    it('keeps the newest question, cut with a notice, when it alone is too large', () => {
      const big = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
      const r = fitHistory([user('old'), assistant('old reply'), user('Explain this:\n' + big)], 500);
      assert.equal(r.turns.length, 1);
      assert.equal(r.dropped, 2);
      assert.equal(r.turns[0].role, 'user');
      assert.ok(r.turns[0].content.startsWith('Explain this:\nline 0\nline 1\n'));
      assert.match(r.notice!, /^Message was cut to the first [\d,]+ of 2,001 lines/);
      assert.ok(r.turns[0].content.endsWith(`[${r.notice}]`), 'the model is told too');
      assert.ok(estimateTokens(r.turns[0].content) + 4 <= 500);
    });

    it('does not modify the input turns', () => {
      const turns = [user('x'.repeat(3000))];
      fitHistory(turns, 100);
      assert.equal(turns[0].content.length, 3000);
    });

    it('no user turn: nothing to send', () => {
      assert.deepEqual(fitHistory([], 100), { turns: [], dropped: 0 });
      assert.deepEqual(fitHistory([assistant('a')], 100), { turns: [], dropped: 1 });
    });

    it('property: alternation valid, newest question kept, a suffix of the history, within budget', () => {
      const turnsArb = fc
        .array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 12 })
        .map((contents) => contents.map((c, i) => (i % 2 === 0 ? user(c) : assistant(c))))
        .map((ts) => (ts[ts.length - 1].role === 'user' ? ts : ts.slice(0, -1)))
        .filter((ts) => ts.length > 0);
      fc.assert(
        fc.property(turnsArb, fc.integer({ min: 0, max: 400 }), (turns, budget) => {
          const r = fitHistory(turns, budget);
          assertAlternates(r.turns);
          assert.ok(r.turns.length >= 1);
          assert.equal(r.dropped + r.turns.length, turns.length);
          const last = r.turns[r.turns.length - 1];
          const newest = turns[turns.length - 1];
          assert.equal(last.role, 'user');
          if (r.notice === undefined) {
            assert.equal(last.content, newest.content);
            const cost = r.turns.reduce((s, t) => s + estimateTokens(t.content) + 4, 0);
            if (r.turns.length > 1) assert.ok(cost <= budget);
          }
          assert.deepEqual(r.turns.slice(0, -1), turns.slice(r.dropped, -1));
        }),
      );
    });
  });
});
