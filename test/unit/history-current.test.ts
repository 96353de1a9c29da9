import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import type { Conversation } from '../../src/chat/conversation';
import { ConversationStore } from '../../src/chat/conversationStore';
import { CurrentConversation, showCurrentIn } from '../../src/history/currentConversation';
import { HistoryStore } from '../../src/history/historyStore';
import { MemoryFs } from './helpers/memoryFs';

const DIR = '/storage/history';

describe('history/currentConversation', () => {
  let fs: MemoryFs;
  let clock: FakeTimers.Clock;
  let history: HistoryStore;
  let current: CurrentConversation;

  async function start(on = fs): Promise<CurrentConversation> {
    history = new HistoryStore(DIR, { fs: on, now: () => clock.now });
    await history.open();
    const store = new ConversationStore({ setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h as never) });
    return (await CurrentConversation.restore(history, store)).current;
  }
  const texts = (c: Conversation) => c.messages.map((m) => m.text);

  beforeEach(async () => {
    fs = new MemoryFs();
    clock = FakeTimers.createClock(1_000_000);
    current = await start();
  });
  afterEach(() => current.dispose());

  it('a first start shows a new, empty conversation that is not stored until something is asked', async () => {
    assert.equal(current.conversation.messages.length, 0);
    await current.flush();
    assert.equal(history.list().length, 0);
    current.conversation.addUser('First question');
    await current.flush();
    assert.deepEqual(history.list().map((e) => [e.id, e.title]), [[current.id, 'First question']]);
    const reloaded = await start(fs.clone());
    assert.equal(reloaded.id, current.id, 'a reload shows it again');
    assert.deepEqual(texts(reloaded.conversation), ['First question']);
    reloaded.dispose();
  });

  it('a reload of a window where nothing was asked shows a new empty conversation', async () => {
    const reloaded = await start(fs.clone());
    assert.equal(reloaded.conversation.messages.length, 0);
    reloaded.dispose();
  });

  it('New Chat keeps the old conversation in the history; a reload shows the new one', async () => {
    const events: string[] = [];
    current.onDidChange((e) => events.push(e.id));
    const oldId = current.id;
    current.conversation.addUser('Old question');
    assert.equal(await current.startNew(), true);
    assert.notEqual(current.id, oldId);
    assert.deepEqual(events, [current.id]);
    assert.equal(current.conversation.messages.length, 0);
    assert.equal(await current.startNew(), false, 'an empty chat stays');
    current.conversation.addUser('New question');
    await current.flush();
    assert.deepEqual(history.list().map((e) => e.title).sort(), ['New question', 'Old question']);

    const reloaded = await start(fs.clone());
    assert.deepEqual(texts(reloaded.conversation), ['New question']);
    reloaded.dispose();
  });

  it('opening a stored conversation shows it, and saves its changes to its own file only', async () => {
    current.conversation.addUser('Conversation A');
    const a = current.id;
    await current.startNew();
    current.conversation.addUser('Conversation B');
    const b = current.id;
    const result = await current.open(a);
    assert.equal(result.opened, true);
    assert.equal(current.id, a);
    assert.deepEqual(texts(current.conversation), ['Conversation A']);
    current.conversation.addUser('More for A');
    await current.flush();
    assert.deepEqual(texts((await history.load(a))!.conversation), ['Conversation A', 'More for A']);
    assert.deepEqual(texts((await history.load(b))!.conversation), ['Conversation B']);
    assert.equal((await start(fs.clone())).id, a, 'a reload shows the one opened last');
  });

  it('a reply streaming into the shown conversation is saved there before another is opened', async () => {
    current.conversation.addUser('Stored');
    const stored = current.id;
    await current.startNew();
    current.conversation.addUser('Streaming one');
    const streamingId = current.id;
    const reply = current.conversation.startAssistant('m');
    current.conversation.append(reply.id, { text: 'text still in the throttle window' });
    await current.open(stored);
    await current.flush();
    const saved = (await history.load(streamingId))!.conversation.messages[1];
    assert.equal(saved.text, 'text still in the throttle window');
  });

  it('a missing or corrupt conversation does not open; the shown one stays', async () => {
    current.conversation.addUser('Shown');
    await current.flush();
    assert.deepEqual(await current.open('doesnotexist'), { opened: false, problems: [] });
    assert.deepEqual(texts(current.conversation), ['Shown']);
  });

  it('deleting the shown conversation starts a new one; deleting another keeps the shown one', async () => {
    current.conversation.addUser('Other');
    const other = current.id;
    await current.startNew();
    current.conversation.addUser('Shown');
    const shown = current.id;
    await current.flush();
    assert.equal(await current.delete(other), true);
    assert.equal(current.id, shown);
    assert.equal(await current.delete(shown), true);
    assert.notEqual(current.id, shown);
    assert.equal(current.conversation.messages.length, 0);
    await current.flush();
    assert.equal(history.list().length, 0);
  });

  it('showCurrentIn: the view follows the current conversation and re-renders on a switch', async () => {
    const watched: Conversation[] = [];
    let disposed = 0;
    let refreshed = 0;
    const view = {
      watch: (c: Conversation) => {
        watched.push(c);
        return { dispose: () => void disposed++ };
      },
      refreshState: async () => void refreshed++,
    };
    const sub = showCurrentIn(view, current);
    current.conversation.addUser('x');
    await current.startNew();
    assert.deepEqual([watched.length, disposed, refreshed], [2, 1, 1]);
    assert.equal(watched[1], current.conversation);
    sub.dispose();
    assert.equal(disposed, 2);
  });
});
