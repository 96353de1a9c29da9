import assert from 'node:assert/strict';
import { trackRange } from '../../src/refactor/rangeTracking';

// The document "0123456789"; the proposal covers "3456" (offsets 3..7).
const range = { start: 3, end: 7 };
const edit = (rangeOffset: number, rangeLength: number, text: string) => ({ rangeOffset, rangeLength, textLength: text.length });

function apply(doc: string, rangeOffset: number, rangeLength: number, text: string): string {
  return doc.slice(0, rangeOffset) + text + doc.slice(rangeOffset + rangeLength);
}

describe('refactor range tracking', () => {
  it('shifts the range for edits before it, so the same text is still found', () => {
    const doc = '0123456789';
    for (const [off, len, text] of [
      [0, 0, 'abc'],
      [1, 2, ''],
      [0, 3, 'X'],
      [3, 0, 'inserted at start '],
    ] as const) {
      const moved = trackRange(range, [edit(off, len, text)]);
      assert.notEqual(moved, 'stale');
      const after = apply(doc, off, len, text);
      if (moved !== 'stale') assert.equal(after.slice(moved.start, moved.end), '3456', `${off},${len},${text}`);
    }
  });

  it('ignores edits after it, including an insertion right at its end', () => {
    assert.deepEqual(trackRange(range, [edit(7, 0, 'tail')]), range);
    assert.deepEqual(trackRange(range, [edit(8, 2, '')]), range);
  });

  it('goes stale when an edit touches the range', () => {
    assert.equal(trackRange(range, [edit(4, 1, 'x')]), 'stale');
    assert.equal(trackRange(range, [edit(2, 2, '')]), 'stale', 'deletion overlapping the start');
    assert.equal(trackRange(range, [edit(6, 3, '')]), 'stale', 'deletion overlapping the end');
    assert.equal(trackRange(range, [edit(5, 0, 'x')]), 'stale', 'insertion inside');
    assert.equal(trackRange(range, [edit(0, 10, 'all new')]), 'stale', 'replace all');
  });

  it('sums several changes of one event, all measured against the old document', () => {
    // Two edits reported in one event (e.g. a multi-cursor edit): both before the range.
    const moved = trackRange(range, [edit(2, 0, 'BB'), edit(0, 1, '')]);
    assert.deepEqual(moved, { start: 4, end: 8 });
  });

  it('ignores no-op changes', () => {
    assert.deepEqual(trackRange(range, [edit(5, 0, '')]), range);
  });
});
