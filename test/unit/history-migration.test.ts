import assert from 'node:assert/strict';
import { interruptedText } from '../../src/chat/conversation';
import { HistoryStore } from '../../src/history/historyStore';
import {
  LEGACY_BACKUP_PREFIX,
  LEGACY_KEY,
  LEGACY_STREAMING_KEY,
  MIGRATED_KEY,
  migrateLegacyConversation,
  type KeyValueStore,
} from '../../src/history/migration';
import { MemoryFs } from './helpers/memoryFs';

const DIR = '/storage/history';

/** The raw old values kept beside the history (one file per distinct value). */
function backups(fs: MemoryFs): unknown[] {
  return fs
    .names(DIR)
    .filter((n) => n.startsWith(LEGACY_BACKUP_PREFIX) && n.endsWith('.json'))
    .map((n) => JSON.parse(fs.files.get(`${DIR}/${n}`)!));
}

/** Like VS Code's Memento: values kept as JSON; undefined removes a key. */
class FakeMemento implements KeyValueStore {
  readonly data = new Map<string, string>();
  fail = false;
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    if (this.fail) return Promise.reject(new Error('storage closed'));
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

/** What the previous version stored: a chat whose last reply was streaming, and that reply's newer text. */
const OLD_CHAT = {
  version: 1,
  messages: [
    { id: 'u1', role: 'user', text: 'What does this function do?', createdAt: 100 },
    { id: 'a1', role: 'assistant', text: 'It adds', state: 'done', model: 'm1', createdAt: 101, usage: { inputTokens: 3, outputTokens: 2 } },
    { id: 'u2', role: 'user', text: 'And the loop?', createdAt: 102 },
    { id: 'a2', role: 'assistant', text: 'The loop', state: 'streaming', model: 'm1', createdAt: 103 },
  ],
};
const OLD_STREAMING = { version: 1, replies: [{ id: 'a2', text: 'The loop walks every item' }] };

describe('history/migration from workspace state', () => {
  let fs: MemoryFs;
  let memento: FakeMemento;
  const opened = async (on = fs) => {
    const s = new HistoryStore(DIR, { fs: on, now: () => 5_000 });
    await s.open();
    return s;
  };

  beforeEach(() => {
    fs = new MemoryFs();
    memento = new FakeMemento();
  });

  it('moves the old conversation (with its streaming copy) into a history file; nothing lost', async () => {
    memento.data.set(LEGACY_KEY, JSON.stringify(OLD_CHAT));
    memento.data.set(LEGACY_STREAMING_KEY, JSON.stringify(OLD_STREAMING));
    const history = await opened();
    const result = await migrateLegacyConversation(memento, history, fs);
    assert.ok(result.id);
    assert.deepEqual(result.problems, []);

    const again = await opened(fs.clone());
    assert.equal(again.current, result.id, 'it is what the sidebar shows');
    assert.deepEqual(again.list().map((e) => [e.title, e.messageCount, e.createdAt]), [['What does this function do?', 5, 100]]);
    const messages = (await again.load(result.id!))!.conversation.messages;
    assert.deepEqual(
      messages.map((m) => [m.id, m.text, m.state]),
      [
        ['u1', 'What does this function do?', undefined],
        ['a1', 'It adds', 'done'],
        ['u2', 'And the loop?', undefined],
        ['a2', 'The loop walks every item', 'interrupted'],
        [messages[4].id, interruptedText(), undefined],
      ],
    );
    assert.deepEqual(messages[1].usage, { inputTokens: 3, outputTokens: 2 });
    // The raw values are kept beside the history, and the old keys are gone.
    assert.deepEqual(backups(fs), [{ [LEGACY_KEY]: OLD_CHAT, [LEGACY_STREAMING_KEY]: OLD_STREAMING }]);
    assert.deepEqual([...memento.data.keys()], [MIGRATED_KEY]);

    // The next start finds nothing to move.
    const files = fs.names(`${DIR}/conversations`);
    assert.deepEqual(await migrateLegacyConversation(memento, again, fs), { problems: [] });
    assert.deepEqual(fs.names(`${DIR}/conversations`), files);
  });

  it('the old key written again (a downgrade, then the update again) is moved too, as its own conversation', async () => {
    memento.data.set(LEGACY_KEY, JSON.stringify(OLD_CHAT));
    const history = await opened();
    const first = await migrateLegacyConversation(memento, history, fs);
    const later = { ...OLD_CHAT, messages: [...OLD_CHAT.messages, { id: 'u3', role: 'user', text: 'Asked in the older version', createdAt: 200 }] };
    memento.data.set(LEGACY_KEY, JSON.stringify(later));
    const second = await migrateLegacyConversation(memento, history, fs);
    assert.ok(second.id && second.id !== first.id);
    assert.equal(history.current, second.id);
    assert.equal(history.list().length, 2);
    assert.equal((await history.load(second.id))!.conversation.messages.at(-1)!.text, 'Asked in the older version');
    assert.equal(backups(fs).length, 2, 'each old value kept');
    assert.equal(memento.get(LEGACY_KEY), undefined);
  });

  it('a run cut short after the write (keys still there) finds its conversation instead of adding a copy or overwriting it', async () => {
    memento.data.set(LEGACY_KEY, JSON.stringify(OLD_CHAT));
    const first = await migrateLegacyConversation({ get: (k) => memento.get(k), update: () => Promise.reject(new Error('quit')) }, await opened(), fs).catch(
      (e: Error) => e,
    );
    assert.match(String(first), /quit/);
    const history = await opened(fs);
    const [entry] = history.list();
    // The user went on in the migrated conversation before the next start.
    const c = (await history.load(entry.id))!.conversation;
    c.addUser('A question asked after the migration');
    await history.saveConversation(entry.id, c.toJSON());

    const second = await migrateLegacyConversation(memento, history, fs);
    assert.equal(second.id, entry.id);
    assert.equal(history.list().length, 1);
    assert.equal((await history.load(entry.id))!.conversation.messages.at(-1)!.text, 'A question asked after the migration');
    assert.equal(memento.get(LEGACY_KEY), undefined);
  });

  it('a failed write keeps the old keys for the next start', async () => {
    memento.data.set(LEGACY_KEY, JSON.stringify(OLD_CHAT));
    const history = await opened();
    fs.failWhen = (op) => (op === 'writeFile' ? new Error('EACCES') : undefined);
    await assert.rejects(migrateLegacyConversation(memento, history, fs), /EACCES/);
    assert.deepEqual(memento.get(LEGACY_KEY), OLD_CHAT);
    assert.equal(memento.get(MIGRATED_KEY), undefined);
    fs.failWhen = undefined;
    assert.ok((await migrateLegacyConversation(memento, history, fs)).id);
  });

  it('an unreadable old value makes no conversation, but its raw value is kept and the problem reported', async () => {
    memento.data.set(LEGACY_KEY, JSON.stringify('}{ not a chat'));
    const history = await opened();
    const result = await migrateLegacyConversation(memento, history, fs);
    assert.equal(result.id, undefined);
    assert.match(result.problems.join(), /not an object/);
    assert.equal(history.list().length, 0);
    assert.deepEqual(backups(fs), [{ [LEGACY_KEY]: '}{ not a chat', [LEGACY_STREAMING_KEY]: null }]);
    assert.equal(memento.get(LEGACY_KEY), undefined);
  });

  it('nothing stored before: nothing written, marked done', async () => {
    const history = await opened();
    assert.deepEqual(await migrateLegacyConversation(memento, history, fs), { problems: [] });
    await Promise.resolve();
    assert.equal(memento.get(MIGRATED_KEY), true);
    assert.deepEqual(backups(fs), []);
    assert.equal(history.list().length, 0);
  });
});
