// The append-only streaming copy (src/history/streamingCopy.ts) and how HistoryStore writes it:
// each save of a growing reply writes only what is new, and what was saved is read back whole,
// also after a write that died half way.
import assert from 'node:assert/strict';
import { Conversation } from '../../src/chat/conversation';
import type { StreamingJSON } from '../../src/chat/conversationStore';
import { HistoryStore } from '../../src/history/historyStore';
import { appendLine, readStreamingCopy, startLine, stateOf } from '../../src/history/streamingCopy';
import { MemoryFs } from './helpers/memoryFs';

const DIR = '/storage/history';
const COPY = `${DIR}/conversations/aaa.streaming.json`;
const value = (id: string, text: string, thinking?: string): StreamingJSON => ({ version: 1, replies: [{ id, text, ...(thinking ? { thinking } : {}) }] });

describe('history/streamingCopy', () => {
  it('a start line plus appended lines read back as the newest value', () => {
    let file = startLine(value('r1', 'Once'));
    let state = stateOf(value('r1', 'Once'));
    for (const [text, thinking] of [['Once upon', 'hm'], ['Once upon a "time"\n', 'hm, yes'], ['Once upon a "time"\n', 'hm, yes']]) {
      const line = appendLine(state, value('r1', text, thinking));
      assert.notEqual(line, undefined);
      file += line;
      state = stateOf(value('r1', text, thinking));
    }
    assert.equal(file.split('\n').length, 4, 'the last save added nothing: no line');
    assert.deepEqual(readStreamingCopy(file), value('r1', 'Once upon a "time"\n', 'hm, yes'));
  });

  it('a value that does not extend the file (another reply, shorter text) needs a new file', () => {
    const state = stateOf(value('r1', 'Hello there', 'think'));
    assert.equal(appendLine(state, value('r2', 'Hello there, more')), undefined);
    assert.equal(appendLine(state, value('r1', 'Hello')), undefined);
    assert.equal(appendLine(state, value('r1', 'Hallo there, more', 'think')), undefined, 'not an extension, though longer');
    assert.equal(appendLine(state, value('r1', 'Hello there, more')), undefined, 'the thinking went away');
    assert.equal(appendLine(state, { version: 1, replies: [] }), undefined);
  });

  it('a last line cut short by a crash is left out; a file of the old single-JSON format still reads', () => {
    const file = startLine(value('r1', 'A')) + JSON.stringify({ t: 'B' }) + '\n' + '{"t":"C';
    assert.deepEqual(readStreamingCopy(file), value('r1', 'AB'));
    assert.deepEqual(readStreamingCopy(JSON.stringify(value('r1', 'old'))), value('r1', 'old'));
  });
});

describe('history/historyStore: the streaming copy is append-only', () => {
  async function streaming(fs: MemoryFs) {
    const store = new HistoryStore(DIR, { fs, now: () => 1_000 });
    await store.open();
    const c = new Conversation(() => 1_000);
    c.addUser('write a long story');
    const a = c.startAssistant('m');
    await store.saveConversation('aaa', c.toJSON());
    return { store, c, a };
  }

  it('each save of a growing reply writes only the new text, and a new window reads it all', async () => {
    const fs = new MemoryFs();
    const { store, c, a } = await streaming(fs);
    const piece = 'x'.repeat(10_000);
    let largest = 0;
    for (let i = 0; i < 50; i++) {
      c.append(a.id, { text: piece });
      const before = fs.files.get(COPY)?.length ?? 0;
      await store.saveStreaming('aaa', value(a.id, c.get(a.id)!.text));
      largest = Math.max(largest, fs.files.get(COPY)!.length - before);
    }
    assert.equal(fs.ops.filter((o) => o.op === 'writeFile' && o.path.startsWith(COPY)).length, 1, 'started once');
    assert.equal(fs.ops.filter((o) => o.op === 'appendFile' && o.path === COPY).length, 49);
    assert.ok(largest < 10_100, `a save wrote ${largest} characters for 10,000 new ones`);
    const reply = (await new HistoryStore(DIR, { fs: fs.clone() }).load('aaa'))!.conversation.get(a.id)!;
    assert.equal(reply.text.length, 500_000);
    assert.equal(reply.state, 'interrupted');
  });

  it('after an append that died half way, the next save starts the file again: nothing saved is lost', async () => {
    const fs = new MemoryFs();
    const { store, c, a } = await streaming(fs);
    c.append(a.id, { text: 'First part. ' });
    await store.saveStreaming('aaa', value(a.id, c.get(a.id)!.text));
    fs.failWhen = (op) => (op === 'appendFile' ? new Error('ENOSPC') : undefined);
    c.append(a.id, { text: 'Second part. ' });
    await assert.rejects(store.saveStreaming('aaa', value(a.id, c.get(a.id)!.text)));
    const afterCrash = (await new HistoryStore(DIR, { fs: fs.clone() }).load('aaa'))!.conversation.get(a.id)!;
    assert.equal(afterCrash.text, 'First part. ', 'the torn line is left out');
    fs.failWhen = undefined;
    c.append(a.id, { text: 'Third part.' });
    await store.saveStreaming('aaa', value(a.id, c.get(a.id)!.text));
    const reply = (await new HistoryStore(DIR, { fs: fs.clone() }).load('aaa'))!.conversation.get(a.id)!;
    assert.equal(reply.text, 'First part. Second part. Third part.');
  });

  it('a full write removes the copy; the next reply starts a new one', async () => {
    const fs = new MemoryFs();
    const { store, c, a } = await streaming(fs);
    c.append(a.id, { text: 'Answer one.' });
    await store.saveStreaming('aaa', value(a.id, c.get(a.id)!.text));
    c.finish(a.id, 'done');
    await store.saveConversation('aaa', c.toJSON());
    assert.equal(fs.files.has(COPY), false);
    c.addUser('again');
    const b = c.startAssistant('m');
    c.append(b.id, { text: 'Answer two.' });
    await store.saveStreaming('aaa', value(b.id, c.get(b.id)!.text));
    assert.deepEqual(readStreamingCopy(fs.files.get(COPY)!), value(b.id, 'Answer two.'));
  });
});
