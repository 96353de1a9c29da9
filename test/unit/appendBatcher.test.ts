import assert from 'node:assert/strict';
import { AppendBatcher, type PendingAppend } from '../../src/views/appendBatcher';

/** A batcher on a manual clock: `advance(ms)` moves time and fires due timers. */
function setup(intervalMs = 8) {
  let clock = 0;
  const timers: Array<{ at: number; cb: () => void; id: number }> = [];
  let nextId = 1;
  const posted: Array<PendingAppend & { at: number }> = [];
  const batcher = new AppendBatcher({
    intervalMs,
    post: (a) => posted.push({ ...a, at: clock }),
    now: () => clock,
    setTimer: (cb, ms) => {
      const t = { at: clock + ms, cb, id: nextId++ };
      timers.push(t);
      return t.id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = (ms: number) => {
    const end = clock + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const due = timers[0];
      if (!due || due.at > end) break;
      timers.shift();
      clock = due.at;
      due.cb();
    }
    clock = end;
  };
  return { batcher, posted, advance, timers };
}

describe('AppendBatcher (stream deltas → view messages)', () => {
  it('posts the first delta at once (leading edge)', () => {
    const t = setup();
    t.advance(100);
    t.batcher.add('a1', 'Hello');
    assert.deepEqual(t.posted, [{ id: 'a1', text: 'Hello', thinking: undefined, at: 100 }]);
    assert.equal(t.timers.length, 0);
  });

  it('deltas within the interval wait together and go when it ends, in order', () => {
    const t = setup(8);
    t.batcher.add('a1', 'one ');
    t.advance(3);
    t.batcher.add('a1', 'two ');
    t.advance(2);
    t.batcher.add('a1', 'three', 'hmm');
    assert.equal(t.posted.length, 1);
    t.advance(3);
    assert.deepEqual(t.posted.slice(1), [{ id: 'a1', text: 'two three', thinking: 'hmm', at: 8 }]);
  });

  it('never delays a delta by more than the interval, and posts at most once per interval', () => {
    const t = setup(8);
    const arrivals: number[] = [];
    for (let i = 0; i < 200; i++) {
      arrivals.push(i * 3);
      t.batcher.add('a1', `${i},`);
      t.advance(3);
    }
    t.advance(100);
    assert.equal(t.posted.map((p) => p.text).join(''), arrivals.map((_, i) => `${i},`).join(''), 'every delta, once, in order');
    for (let i = 1; i < t.posted.length; i++) assert.ok(t.posted[i].at - t.posted[i - 1].at >= 8, `posts ${i - 1} and ${i} too close`);
    // each delta is posted within 8 ms of its arrival
    let delta = 0;
    for (const p of t.posted) {
      for (const piece of p.text!.split(',').filter(Boolean)) {
        assert.equal(Number(piece), delta);
        assert.ok(p.at - arrivals[delta] <= 8, `delta ${delta} waited ${p.at - arrivals[delta]} ms`);
        delta++;
      }
    }
    assert.ok(t.posted.length < 200 / 2, `batched: ${t.posted.length} posts for 200 deltas`);
  });

  it('flush() posts what is pending now and cancels the timer; empty deltas post nothing', () => {
    const t = setup(8);
    t.batcher.add('a1', 'x');
    t.batcher.add('a1', 'y');
    t.batcher.add('a2', '', 'think');
    t.batcher.add('a1', '', '');
    assert.equal(t.timers.length, 1);
    t.batcher.flush();
    assert.deepEqual(
      t.posted.map(({ id, text, thinking }) => ({ id, text, thinking })),
      [
        { id: 'a1', text: 'x', thinking: undefined },
        { id: 'a1', text: 'y', thinking: undefined },
        { id: 'a2', text: undefined, thinking: 'think' },
      ],
    );
    assert.equal(t.timers.length, 0);
    t.batcher.flush();
    assert.equal(t.posted.length, 3, 'nothing left to post');
  });

  it('dispose() drops pending deltas and the timer', () => {
    const t = setup(8);
    t.batcher.add('a1', 'x');
    t.batcher.add('a1', 'y');
    t.batcher.dispose();
    t.advance(50);
    assert.equal(t.posted.length, 1);
    assert.equal(t.timers.length, 0);
  });
});
