import assert from 'node:assert/strict';
import { Conversation } from '../../src/chat/conversation';
import { HistoryStore } from '../../src/history/historyStore';
import { MemoryFs } from './helpers/memoryFs';

const DIR = '/storage/history';
const FOLDER = `${DIR}/conversations`;
const INDEX = `${DIR}/index.json`;

/** A conversation of `n` question/answer pairs; the first question is `first`. */
function chat(first: string, n = 1, model = 'anthropic/claude-sonnet-4.5'): Conversation {
  const c = new Conversation(() => 1_000);
  for (let i = 0; i < n; i++) {
    c.addUser(i === 0 ? first : `question ${i}`);
    const a = c.startAssistant(model);
    c.append(a.id, { text: `answer ${i}` });
    c.finish(a.id, 'done', { usage: { inputTokens: 10, outputTokens: 5 } });
  }
  return c;
}

describe('history/historyStore', () => {
  let fs: MemoryFs;
  let clock: number;
  let warnings: string[];
  const store = (on = fs) => new HistoryStore(DIR, { fs: on, now: () => clock, warn: (m) => warnings.push(m) });
  const opened = async (on = fs) => {
    const s = store(on);
    await s.open();
    return s;
  };

  beforeEach(() => {
    fs = new MemoryFs();
    clock = 10_000;
    warnings = [];
  });

  it('saves one file per conversation and an index; a new window lists them newest first without reading them', async () => {
    const s = await opened();
    const rust = chat('How do I parse JSON in Rust?');
    await s.saveConversation('aaa', rust.toJSON());
    clock = 20_000;
    await s.saveConversation('bbb', chat('Explain this regex', 2, 'deepseek-ai/DeepSeek-V3.2').toJSON());
    assert.deepEqual(fs.names(FOLDER), ['aaa.json', 'bbb.json']);
    assert.deepEqual(fs.names(DIR), ['index.json']);

    const fresh = fs.clone();
    const again = await opened(fresh);
    assert.deepEqual(
      fresh.ops.filter((o) => o.op === 'readFile').map((o) => o.path),
      [INDEX],
      'listing reads the index only',
    );
    const list = again.list();
    assert.deepEqual(
      list.map((e) => [e.id, e.title, e.model, e.messageCount, e.updatedAt]),
      [
        ['bbb', 'Explain this regex', 'deepseek-ai/DeepSeek-V3.2', 4, 20_000],
        ['aaa', 'How do I parse JSON in Rust?', 'anthropic/claude-sonnet-4.5', 2, 10_000],
      ],
    );
    assert.equal(list[0].size, Buffer.byteLength(fs.files.get(`${FOLDER}/bbb.json`)!));
    const loaded = await again.load('aaa');
    assert.deepEqual(loaded?.conversation.toJSON(), rust.toJSON());
    assert.deepEqual(loaded?.problems, []);
  });

  it('an empty new chat is not stored', async () => {
    const s = await opened();
    await s.saveConversation('empty', new Conversation().toJSON());
    assert.deepEqual(fs.names(FOLDER), []);
    assert.equal(s.list().length, 0);
  });

  describe('atomic writes', () => {
    it('a write that fails half way leaves the previous version, and no partial file', async () => {
      const s = await opened();
      const c = chat('First version');
      await s.saveConversation('aaa', c.toJSON());
      const before = fs.files.get(`${FOLDER}/aaa.json`);
      c.addUser('A second question that the failed write was saving');
      fs.failWhen = (op, path) => (op === 'writeFile' && path.startsWith(`${FOLDER}/aaa.json`) ? new Error('ENOSPC: no space left on device') : undefined);
      await assert.rejects(s.saveConversation('aaa', c.toJSON()), /ENOSPC/);
      assert.ok(fs.ops.some((o) => o.op === 'writeFile' && o.path !== `${FOLDER}/aaa.json` && o.path.startsWith(`${FOLDER}/aaa.json.`)), 'it wrote a temporary file');
      assert.equal(fs.files.get(`${FOLDER}/aaa.json`), before, 'the file holds the previous version');
      assert.deepEqual(fs.names(FOLDER), ['aaa.json'], 'the half-written temporary file is gone');

      fs.failWhen = undefined;
      const reloaded = await (await opened(fs.clone())).load('aaa');
      assert.deepEqual(reloaded?.conversation.messages.map((m) => m.text), ['First version', 'answer 0']);
      // The next save works and holds everything.
      await s.saveConversation('aaa', c.toJSON());
      assert.equal((await (await opened(fs.clone())).load('aaa'))?.conversation.messages.length, 3);
    });

    it('a crash between writing and renaming leaves the previous version; the stray file is cleaned up on open', async () => {
      const s = await opened();
      await s.saveConversation('aaa', chat('Kept').toJSON());
      fs.failWhen = (op) => (op === 'rename' ? new Error('killed') : undefined);
      await assert.rejects(s.saveConversation('aaa', chat('Lost in the crash').toJSON()));
      fs.failWhen = undefined;
      fs.files.set(`${FOLDER}/aaa.json.deadbeef.tmp`, '{"version":1,"mess'); // what a real crash leaves
      const again = await opened();
      assert.deepEqual(fs.names(FOLDER), ['aaa.json']);
      assert.equal((await again.load('aaa'))?.conversation.messages[0].text, 'Kept');
    });

    it('writes of one file never overtake each other, and a burst writes only the newest', async () => {
      const s = await opened();
      const c = chat('q');
      const saves = [];
      for (let i = 0; i < 20; i++) {
        c.addUser(`burst ${i}`);
        saves.push(s.saveConversation('aaa', c.toJSON()));
      }
      await Promise.all(saves);
      const written = fs.ops.filter((o) => o.op === 'writeFile' && o.path.startsWith(`${FOLDER}/aaa.json`)).length;
      assert.ok(written <= 2, `${written} writes for a burst of 20`);
      assert.equal((await (await opened(fs.clone())).load('aaa'))?.conversation.messages.at(-1)?.text, 'burst 19');
    });
  });

  describe('corrupt files', () => {
    it('a corrupt conversation file is moved aside with a warning, and the rest loads', async () => {
      const s = await opened();
      await s.saveConversation('good', chat('Good one').toJSON());
      await s.saveConversation('bad', chat('Bad one').toJSON());
      fs.files.set(`${FOLDER}/bad.json`, '{"version":1,"messages":[{"id":"u1"'); // truncated by a disk error

      const again = await opened(fs);
      assert.equal(await again.load('bad'), undefined);
      const aside = fs.names(FOLDER).filter((n) => n.startsWith('bad.json.corrupt-'));
      assert.equal(aside.length, 1, 'moved aside, not deleted');
      assert.equal(fs.files.get(`${FOLDER}/${aside[0]}`), '{"version":1,"messages":[{"id":"u1"');
      assert.match(warnings.join('\n'), /conversation bad could not be read; it was moved aside to .*bad\.json\.corrupt-/);
      assert.deepEqual(again.list().map((e) => e.id), ['good']);
      assert.equal((await again.load('good'))?.conversation.messages[0].text, 'Good one');
      const index = JSON.parse(fs.files.get(INDEX)!) as { conversations: { id: string }[] };
      assert.deepEqual(index.conversations.map((e) => e.id), ['good'], 'the index no longer lists it');
    });

    it('a conversation file of the wrong shape is moved aside too; unreadable messages inside a good file are skipped', async () => {
      fs.files.set(`${FOLDER}/shape.json`, '"just a string"');
      fs.files.set(`${FOLDER}/partly.json`, JSON.stringify({ version: 1, id: 'partly', createdAt: 5, updatedAt: 6, messages: [{ id: 'u1', role: 'user', text: 'readable', createdAt: 5 }, 42, { role: 'assistant' }] }));
      await fs.mkdir(FOLDER);
      const s = await opened();
      assert.deepEqual(s.list().map((e) => e.id), ['partly'], 'rebuilt from the files that can be read');
      assert.ok(fs.names(FOLDER).some((n) => n.startsWith('shape.json.corrupt-')));
      const loaded = await s.load('partly');
      assert.deepEqual(loaded?.conversation.messages.map((m) => m.text), ['readable']);
      assert.match(loaded!.problems.join(), /Skipped 2 stored messages/);
    });

    it('a corrupt index is moved aside and rebuilt from the conversation files', async () => {
      const s = await opened();
      await s.saveConversation('aaa', chat('Alpha').toJSON());
      await s.saveConversation('bbb', chat('Beta').toJSON());
      fs.files.set(INDEX, 'not json');
      const again = await opened();
      assert.deepEqual(again.list().map((e) => e.title).sort(), ['Alpha', 'Beta']);
      assert.ok(fs.names(DIR).some((n) => n.startsWith('index.json.corrupt-')));
      assert.match(warnings.join('\n'), /the history index could not be read/);
      assert.doesNotThrow(() => JSON.parse(fs.files.get(INDEX)!), 'a good index was written');
    });

    it('the index and the files disagree: files win', async () => {
      const s = await opened();
      await s.saveConversation('aaa', chat('Listed, file gone').toJSON());
      await s.saveConversation('bbb', chat('Listed').toJSON());
      fs.files.delete(`${FOLDER}/aaa.json`);
      fs.files.set(`${FOLDER}/ccc.json`, JSON.stringify({ ...chat('Not listed yet').toJSON(), id: 'ccc', createdAt: 1, updatedAt: 2 }));
      const again = await opened();
      assert.deepEqual(again.list().map((e) => e.title).sort(), ['Listed', 'Not listed yet']);
    });
  });

  it('the streaming copy: a small file while a reply streams, merged on load, removed by the next full write', async () => {
    const s = await opened();
    const c = chat('q');
    c.addUser('long story please');
    const a = c.startAssistant('m');
    await s.saveConversation('aaa', c.toJSON());
    const full = fs.files.get(`${FOLDER}/aaa.json`);
    c.append(a.id, { text: 'Once upon a time' });
    await s.saveStreaming('aaa', { version: 1, replies: [{ id: a.id, text: 'Once upon a time' }] });
    assert.equal(fs.files.get(`${FOLDER}/aaa.json`), full, 'the conversation file was not rewritten');
    assert.ok(fs.files.get(`${FOLDER}/aaa.streaming.json`)!.length < 200);

    // A new window (the old one died mid-stream) gets the text, the reply marked interrupted.
    const reloaded = await (await opened(fs.clone())).load('aaa');
    const reply = reloaded!.conversation.messages.find((m) => m.id === a.id)!;
    assert.deepEqual([reply.text, reply.state], ['Once upon a time', 'interrupted']);

    c.finish(a.id, 'done');
    await s.saveConversation('aaa', c.toJSON());
    assert.deepEqual(fs.names(FOLDER), ['aaa.json']);
  });

  it('a full write whose snapshot is older than a streaming copy does not drop that copy', async () => {
    const s = await opened();
    const c = chat('q');
    const a = c.startAssistant('m');
    await s.saveStreaming('aaa', { version: 1, replies: [{ id: a.id, text: 'old' }] });
    const full = s.saveConversation('aaa', c.toJSON()); // snapshot: the reply still empty
    const streaming = s.saveStreaming('aaa', { version: 1, replies: [{ id: a.id, text: 'newer text' }] });
    await Promise.all([full, streaming]);
    const reply = (await (await opened(fs.clone())).load('aaa'))!.conversation.get(a.id)!;
    assert.equal(reply.text, 'newer text');
  });

  it('a streaming copy left by a window that died is removed by the next full write in a new window', async () => {
    const s = await opened();
    const c = chat('q');
    const a = c.startAssistant('m');
    await s.saveConversation('aaa', c.toJSON());
    await s.saveStreaming('aaa', { version: 1, replies: [{ id: a.id, text: 'partial' }] });
    const again = await opened(fs);
    const loaded = (await again.load('aaa'))!.conversation;
    loaded.addUser('next');
    await again.saveConversation('aaa', loaded.toJSON());
    assert.deepEqual(fs.names(FOLDER), ['aaa.json']);
  });

  it('rename: kept in the file, so it survives a rebuilt index; empty goes back to the first question', async () => {
    const s = await opened();
    const c = chat('The first question');
    await s.saveConversation('aaa', c.toJSON());
    assert.equal(await s.rename('aaa', '  My   own title '), true);
    assert.equal(s.entry('aaa')?.title, 'My own title');
    c.addUser('later question');
    await s.saveConversation('aaa', c.toJSON());
    assert.equal(s.entry('aaa')?.title, 'My own title', 'a later save keeps it');
    fs.files.delete(INDEX);
    const again = await opened();
    assert.equal(again.entry('aaa')?.title, 'My own title');
    await again.rename('aaa', '');
    assert.equal(again.entry('aaa')?.title, 'The first question');
    assert.equal((await opened(fs.clone())).entry('aaa')?.title, 'The first question');
    assert.equal(await again.rename('nope', 'x'), false);
  });

  it('rename right after a save loses neither', async () => {
    const s = await opened();
    const c = chat('q');
    await s.saveConversation('aaa', c.toJSON());
    c.addUser('saved while renaming 1');
    const saving1 = s.saveConversation('aaa', c.toJSON());
    c.addUser('saved while renaming 2');
    const saving2 = s.saveConversation('aaa', c.toJSON());
    await Promise.all([saving1, saving2, s.rename('aaa', 'Renamed')]);
    const again = await opened(fs.clone());
    assert.equal(again.entry('aaa')?.title, 'Renamed');
    assert.equal((await again.load('aaa'))?.conversation.messages.at(-1)?.text, 'saved while renaming 2');
  });

  it('delete removes the files and the entry, and forgets it as the current one', async () => {
    const s = await opened();
    await s.saveConversation('aaa', chat('Delete me').toJSON());
    await s.saveStreaming('aaa', { version: 1, replies: [] });
    await s.saveConversation('bbb', chat('Keep me').toJSON());
    await s.setCurrent('aaa');
    assert.equal(await s.delete('aaa'), true);
    assert.deepEqual(fs.names(FOLDER), ['bbb.json']);
    assert.equal(s.current, undefined);
    const again = await opened(fs.clone());
    assert.deepEqual(again.list().map((e) => e.id), ['bbb']);
    assert.equal(await s.delete('aaa'), false);
  });

  it('remembers the current conversation', async () => {
    const s = await opened();
    await s.saveConversation('aaa', chat('x').toJSON());
    await s.setCurrent('aaa');
    assert.equal((await opened(fs.clone())).current, 'aaa');
  });

  it('ids that are not plain names are refused (no path outside the folder)', async () => {
    const s = await opened();
    assert.equal(await s.load('../index'), undefined);
    await assert.rejects(s.saveConversation('../../escape', chat('x').toJSON()), /Not a conversation id/);
    assert.ok(![...fs.files.keys()].some((p) => p.includes('escape')));
  });

  it('search text: every question and answer, lower-cased', async () => {
    const s = await opened();
    await s.saveConversation('aaa', chat('Where is the BORROW checker?').toJSON());
    assert.equal(await s.searchText('aaa'), 'where is the borrow checker?\nanswer 0');
    assert.equal(await s.searchText('missing'), '');
  });

  it('a filter or a reopen right after a save reads the saved version, not the one on disk before it', async () => {
    const s = await opened();
    const c = chat('Which sort is stable?');
    await s.saveConversation('aaa', c.toJSON());
    // A slow disk: the next write of the file waits until released.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const write = fs.writeFile.bind(fs);
    fs.writeFile = async (path, data) => {
      if (path.startsWith(`${FOLDER}/aaa.json`)) await held;
      return write(path, data);
    };
    c.addUser('Merge sort keeps EQUAL KEYS in order?');
    const saving = s.saveConversation('aaa', c.toJSON());
    const text = s.searchText('aaa');
    const loaded = s.load('aaa');
    release();
    await saving;
    assert.match(await text, /equal keys/);
    assert.equal((await loaded)?.conversation.messages.at(-1)?.text, 'Merge sort keeps EQUAL KEYS in order?');
  });

  it('1,000 conversations: all listed after a reopen, newest first, from an index of a few hundred bytes each', async function () {
    this.timeout(30_000);
    const s = await opened();
    for (let i = 0; i < 1000; i++) {
      clock = 1_000_000 + i * 1000;
      await s.saveConversation(`c${String(i).padStart(4, '0')}`, chat(`Question number ${i}`, 3).toJSON());
    }
    const fresh = fs.clone();
    const again = await opened(fresh);
    const list = again.list();
    assert.equal(list.length, 1000);
    assert.equal(list[0].title, 'Question number 999');
    assert.equal(list[999].title, 'Question number 0');
    assert.ok(list.every((e, i) => i === 0 || list[i - 1].updatedAt >= e.updatedAt));
    assert.equal(fresh.count('readFile'), 1, 'only the index is read');
    const indexBytes = Buffer.byteLength(fs.files.get(INDEX)!);
    assert.ok(indexBytes < 1000 * 300, `index of ${indexBytes} bytes`);
  });
});
