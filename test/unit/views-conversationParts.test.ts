// The split of a conversation into the `state` message's newest messages and `olderMessages` batches.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MessageView } from '../../src/protocol/messages';
import { BATCH_CHARS, messageChars, NEWEST_CHARS, splitNewestFirst } from '../../src/views/conversationParts';

/** Message i of `sizes`: a question or reply of that many characters (text, or text + thinking). */
function conversation(sizes: number[]): MessageView[] {
  return sizes.map((n, i) =>
    i % 2 === 0
      ? { id: `m${i}`, role: 'user', text: 'q'.repeat(n) }
      : { id: `m${i}`, role: 'assistant', text: 'a'.repeat(n - Math.floor(n / 3)), thinking: 't'.repeat(Math.floor(n / 3)), state: 'done' },
  );
}
const ids = (ms: readonly MessageView[]) => ms.map((m) => m.id);
const chars = (ms: readonly MessageView[]) => ms.reduce((sum, m) => sum + messageChars(m), 0);

describe('conversation parts: newest first, in batches', () => {
  it('a conversation within the first budget is one part: the state, no batch', () => {
    const messages = conversation(Array(40).fill(NEWEST_CHARS / 40));
    assert.equal(chars(messages), NEWEST_CHARS);
    assert.deepEqual(splitNewestFirst(messages), { newest: messages, older: [] });
    assert.deepEqual(splitNewestFirst([]), { newest: [], older: [] }, 'empty conversation');
  });

  it('the state takes the newest messages up to its budget; batches take the older ones, newest batch first, each in order', () => {
    // 10 messages of 100 characters (text + thinking counted); state 250, batches 300.
    const messages = conversation(Array(10).fill(100));
    const parts = splitNewestFirst(messages, { newestChars: 250, batchChars: 300 });
    assert.deepEqual(ids(parts.newest), ['m8', 'm9']);
    assert.deepEqual(parts.older.map(ids), [['m5', 'm6', 'm7'], ['m2', 'm3', 'm4'], ['m0', 'm1']]);
  });

  it('the state has at least the newest two messages, however long; a message is never split', () => {
    const huge = conversation([10, 20, 5_000, 3_000_000]);
    const parts = splitNewestFirst(huge);
    assert.deepEqual(ids(parts.newest), ['m2', 'm3'], 'two messages far over the budget');
    assert.deepEqual(parts.older.map(ids), [['m0', 'm1']]);
    // A single huge message in the middle is a batch of its own; its neighbours are batched apart.
    const middle = conversation([100, 100, BATCH_CHARS * 2, 100, 100, 100]);
    const split = splitNewestFirst(middle, { newestChars: 200, batchChars: BATCH_CHARS });
    assert.deepEqual(ids(split.newest), ['m4', 'm5']);
    assert.deepEqual(split.older.map(ids), [['m3'], ['m2'], ['m0', 'm1']]);
    assert.deepEqual(splitNewestFirst(conversation([BATCH_CHARS * 3])), { newest: conversation([BATCH_CHARS * 3]), older: [] }, 'one message');
  });

  it('image thumbnails count: they travel in the message too', () => {
    const thumbnail = `data:image/png;base64,${'A'.repeat(400)}`;
    const messages: MessageView[] = [
      ...conversation([10, 10]),
      { id: 'u2', role: 'user', text: 'look', attachments: [{ id: 'i1', kind: 'image', name: 'a.png', size: 300, thumbnail }] },
      { id: 'a2', role: 'assistant', text: 'ok', state: 'done' },
      { id: 'u3', role: 'user', text: 'and?' },
    ];
    assert.equal(messageChars(messages[2]), 4 + thumbnail.length);
    assert.deepEqual(ids(splitNewestFirst(messages, { newestChars: 300 }).newest), ['a2', 'u3']);
  });

  it('any conversation: the parts put back together are the conversation; every part within its budget unless it is one message (or the two newest)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 60 }), fc.integer({ min: 1, max: 800 }), fc.integer({ min: 1, max: 800 }), (sizes, newestChars, batchChars) => {
        const messages = conversation(sizes);
        const { newest, older } = splitNewestFirst(messages, { newestChars, batchChars });
        assert.deepEqual([...older].reverse().flat().concat(newest), messages);
        assert.ok(newest.length >= Math.min(2, messages.length));
        assert.ok(newest.length <= 2 || chars(newest) <= newestChars);
        for (const batch of older) assert.ok(batch.length >= 1 && (batch.length === 1 || chars(batch) <= batchChars));
        // Greedy: a batch could not have taken the message before it, nor the state the message before its first.
        for (let b = 0; b < older.length - 1; b++) assert.ok(chars(older[b]) + messageChars(older[b + 1].at(-1)!) > batchChars);
        if (older.length && newest.length >= 2) assert.ok(chars(newest) + messageChars(older[0].at(-1)!) > newestChars);
      }),
      { numRuns: 500 },
    );
  });
});
