import assert from 'node:assert/strict';
import { estimateTokens } from '../../src/chat/context';
import { CONTEXT_LINES, MAX_SYMBOL_LINES, smallestEnclosing, surroundingCode } from '../../src/problems/surroundingCode';

/** A file of `n` lines "line 0", "line 1", … */
const file = (n: number, line = (i: number) => `line ${i}`) => Array.from({ length: n }, (_, i) => line(i));
const at = (lines: string[]) => (n: number) => {
  if (n < 0 || n >= lines.length) throw new Error(`line ${n} read outside the file`);
  return lines[n];
};
const cost = (lines: string[], start: number, end: number) => lines.slice(start, end + 1).reduce((t, l) => t + estimateTokens(l) + 1, 0);

describe('problems: the code sent with a problem', () => {
  it('smallestEnclosing picks the innermost span that contains the whole problem', () => {
    const spans = [
      { start: 0, end: 100 },
      { start: 10, end: 40 },
      { start: 20, end: 30 },
      { start: 50, end: 60 },
    ];
    assert.deepEqual(smallestEnclosing(spans, { start: 22, end: 25 }), { start: 20, end: 30 });
    assert.deepEqual(smallestEnclosing(spans, { start: 25, end: 35 }), { start: 10, end: 40 }, 'a problem reaching outside a span is not in it');
    assert.deepEqual(smallestEnclosing(spans, { start: 45, end: 45 }), { start: 0, end: 100 });
    assert.equal(smallestEnclosing(spans, { start: 150, end: 150 }), undefined);
    assert.equal(smallestEnclosing([], { start: 1, end: 1 }), undefined);
  });

  it('sends the enclosing function whole when it fits', () => {
    const lines = file(500);
    const got = surroundingCode(at(lines), lines.length, { start: 120, end: 120 }, { start: 100, end: 180 }, 1_000_000);
    assert.deepEqual(got, { span: { start: 100, end: 180 }, rule: 'function', cut: false });
  });

  it('without a function: 30 lines above and below the problem, clamped to the file', () => {
    const lines = file(500);
    assert.equal(CONTEXT_LINES, 30);
    assert.deepEqual(surroundingCode(at(lines), lines.length, { start: 200, end: 202 }, undefined, 1_000_000), {
      span: { start: 170, end: 232 },
      rule: 'lines',
      cut: false,
    });
    assert.deepEqual(surroundingCode(at(lines), lines.length, { start: 3, end: 3 }, undefined, 1_000_000)?.span, { start: 0, end: 33 });
    assert.deepEqual(surroundingCode(at(lines), lines.length, { start: 495, end: 499 }, undefined, 1_000_000)?.span, { start: 465, end: 499 });
    assert.deepEqual(surroundingCode(at(['only']), 1, { start: 0, end: 0 }, undefined, 1_000)?.span, { start: 0, end: 0 });
  });

  it('a function longer than the limit, or over the budget, gives way to the ±30 lines', () => {
    const lines = file(2000);
    const longest = { start: 550, end: 550 + MAX_SYMBOL_LINES - 1 };
    assert.deepEqual(surroundingCode(at(lines), lines.length, { start: 700, end: 700 }, longest, 1_000_000)?.span, longest);
    const tooLong = { start: 550, end: 550 + MAX_SYMBOL_LINES };
    const long = surroundingCode(at(lines), lines.length, { start: 700, end: 700 }, tooLong, 1_000_000);
    assert.equal(long?.rule, 'lines');
    assert.deepEqual(long?.span, { start: 670, end: 730 });

    const budget = cost(lines, 670, 730) + 5; // the 61 lines fit; the 81-line function does not
    const big = surroundingCode(at(lines), lines.length, { start: 700, end: 700 }, { start: 660, end: 740 }, budget);
    assert.deepEqual(big, { span: { start: 670, end: 730 }, rule: 'lines', cut: false });
  });

  it('over the budget: the lines nearest the problem are kept, evenly above and below, within the budget', () => {
    const lines = file(500);
    const budget = cost(lines, 190, 210) + 2; // room for about 21 lines
    const got = surroundingCode(at(lines), lines.length, { start: 200, end: 200 }, undefined, budget)!;
    assert.equal(got.cut, true);
    assert.ok(got.span.start <= 200 && got.span.end >= 200, 'the problem line is kept');
    assert.ok(cost(lines, got.span.start, got.span.end) <= budget, 'within the budget');
    assert.ok(Math.abs(200 - got.span.start - (got.span.end - 200)) <= 1, `balanced around the problem: ${JSON.stringify(got.span)}`);
    assert.ok(got.span.end - got.span.start >= 18, `uses the budget: ${JSON.stringify(got.span)}`);
  });

  it('a huge line on one side does not stop the other side from growing', () => {
    const lines = file(100, (i) => (i === 49 ? 'x'.repeat(100_000) : `line ${i}`));
    const got = surroundingCode(at(lines), lines.length, { start: 50, end: 50 }, undefined, 500)!;
    assert.equal(got.span.start, 50, 'the huge line above is left out');
    assert.equal(got.span.end, 80, 'the lines below are all sent');
    assert.equal(got.cut, true);
  });

  it('the problem lines alone over the budget: nothing to send', () => {
    const lines = file(10, (i) => (i === 5 ? 'y'.repeat(10_000) : 'short'));
    assert.equal(surroundingCode(at(lines), lines.length, { start: 5, end: 5 }, undefined, 100), undefined);
  });

  it('reads only lines near the problem in a very large file', () => {
    let reads = 0;
    const lineAt = (n: number) => {
      reads++;
      return `const v${n} = ${n};`;
    };
    const got = surroundingCode(lineAt, 5_000_000, { start: 2_500_000, end: 2_500_000 }, undefined, 1_000_000);
    assert.deepEqual(got?.span, { start: 2_499_970, end: 2_500_030 });
    assert.ok(reads < 200, `${reads} lines read`);
  });

  it('blank lines at the edges of the ±30 lines are left out, not those of a function', () => {
    const lines = ['', '', 'a', 'b', '', 'c', '', ''];
    assert.deepEqual(surroundingCode(at(lines), lines.length, { start: 3, end: 3 }, undefined, 1_000)?.span, { start: 2, end: 5 });
    assert.deepEqual(surroundingCode(at(lines), lines.length, { start: 3, end: 3 }, { start: 1, end: 6 }, 1_000)?.span, { start: 1, end: 6 });
    assert.deepEqual(surroundingCode(at(['', 'x', '']), 3, { start: 0, end: 0 }, undefined, 1_000)?.span, { start: 0, end: 1 }, 'the problem line itself stays');
  });

  it('a problem range past the end of the file is clamped to it', () => {
    const lines = file(10);
    assert.deepEqual(surroundingCode(at(lines), lines.length, { start: 12, end: 14 }, undefined, 1_000)?.span, { start: 0, end: 9 });
  });
});
