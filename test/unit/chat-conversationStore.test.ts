import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { Conversation, INTERRUPTED_TEXT, type ConversationJSON } from '../../src/chat/conversation';
import {
  capForStorage,
  ConversationStore,
  DEFAULT_STORE_KEY,
  STORED_CUT_NOTICE,
  type KeyValueStore,
} from '../../src/chat/conversationStore';

/** A Memento-like store: keeps values as JSON (like VS Code) and records every write. */
class FakeMemento implements KeyValueStore {
  readonly data = new Map<string, string>();
  readonly writes: { key: string; value: ConversationJSON }[] = [];
  fail = false;
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    if (this.fail) return Promise.reject(new Error('disk full'));
    this.data.set(key, JSON.stringify(value));
    this.writes.push({ key, value: JSON.parse(JSON.stringify(value)) });
    return Promise.resolve();
  }
  stored(key = DEFAULT_STORE_KEY): ConversationJSON | undefined {
    return this.get<ConversationJSON>(key);
  }
}

describe('chat/conversationStore', () => {
  let clock: FakeTimers.Clock;
  let memento: FakeMemento;
  let store: ConversationStore;

  const makeStore = (opts: ConstructorParameters<typeof ConversationStore>[1] = {}) =>
    new ConversationStore(memento, {
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (h) => clock.clearTimeout(h as never),
      ...opts,
    });

  beforeEach(() => {
    clock = FakeTimers.createClock();
    memento = new FakeMemento();
    store = makeStore();
  });

  afterEach(() => {
    store.dispose();
    assert.equal(clock.countTimers(), 0, 'no timer left running');
  });

  it('loads an empty conversation when nothing is stored', () => {
    const { conversation, problems } = store.load();
    assert.equal(conversation.messages.length, 0);
    assert.deepEqual(problems, []);
  });

  it('saves the question immediately, before anything else happens', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    const q = conversation.addUser('What is 2+2?');
    assert.equal(memento.writes.length, 1);
    assert.deepEqual(memento.stored()?.messages.map((m) => m.text), ['What is 2+2?']);
    assert.equal(memento.stored()?.messages[0].id, q.id);
    assert.equal(memento.stored()?.version, 1);
  });

  it('throttles streaming appends: at most one write per throttleMs, trailing', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    conversation.addUser('q');
    const a = conversation.startAssistant('m');
    const before = memento.writes.length; // question + reply start, both immediate
    assert.equal(before, 2);

    for (let i = 0; i < 50; i++) {
      conversation.append(a.id, { text: `${i} ` });
      clock.tick(20); // 50 tokens over 1000 ms
    }
    const streamingWrites = memento.writes.slice(before);
    assert.equal(streamingWrites.length, 2, 'two windows of 500 ms');
    // Each write holds the text as it was when its window closed (t=500: tokens 0-24; t=1000: all 50).
    const upTo = (n: number) => Array.from({ length: n }, (_, i) => `${i} `).join('');
    assert.equal(streamingWrites[0].value.messages[1].text, upTo(25));
    assert.equal(streamingWrites[1].value.messages[1].text, upTo(50));
    assert.equal(streamingWrites[1].value.messages[1].state, 'streaming');

    conversation.append(a.id, { text: 'end' });
    assert.equal(memento.writes.length, before + 2, 'trailing write is pending, not immediate');
    clock.tick(499);
    assert.equal(memento.writes.length, before + 2);
    clock.tick(1);
    assert.equal(memento.writes.length, before + 3);
    assert.ok(memento.stored()!.messages[1].text.endsWith('49 end'));
  });

  it('finish and errors are saved immediately and cancel the pending throttled write', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    conversation.addUser('q');
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'partial' });
    assert.equal(clock.countTimers(), 1);
    conversation.finish(a.id, 'error');
    assert.equal(clock.countTimers(), 0);
    assert.equal(memento.stored()!.messages[1].state, 'error');
    assert.equal(memento.stored()!.messages[1].text, 'partial');
    conversation.addError(a.id, 'Server error', ['retry']);
    assert.equal(memento.stored()!.messages[2].role, 'error');
    const n = memento.writes.length;
    clock.tick(1000);
    assert.equal(memento.writes.length, n, 'no extra write after the immediate one');
  });

  it('clear, retry truncation and new chat are saved', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    const q = conversation.addUser('q');
    const a = conversation.startAssistant('m');
    conversation.finish(a.id, 'error');
    conversation.removeAfter(q.id);
    assert.deepEqual(memento.stored()!.messages.map((m) => m.id), [q.id]);
    conversation.clear();
    assert.deepEqual(memento.stored()!.messages, []);
  });

  it('round-trips a full conversation through the store', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    conversation.addUser('q', { notice: 'Selection was cut' });
    const a = conversation.startAssistant('anthropic/claude-sonnet-4.5');
    conversation.append(a.id, { thinking: 'let me think', text: 'answer' });
    conversation.finish(a.id, 'done', { usage: { inputTokens: 10, outputTokens: 5 } });

    const reloaded = makeStore().load();
    assert.deepEqual(reloaded.problems, []);
    assert.deepEqual(reloaded.conversation.toJSON(), conversation.toJSON());
  });

  it('a reload mid-stream keeps the question and the partial reply, marked interrupted with Retry', async () => {
    const { conversation } = store.load();
    store.attach(conversation);
    const q = conversation.addUser('Tell me a story');
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'Once upon' });
    clock.tick(500); // the throttled write lands
    conversation.append(a.id, { text: ' a time' }); // not yet written: the window reloads now
    // The window reloads: no flush, no dispose. A new store reads what was written.
    const { conversation: after, problems } = makeStore().load();
    assert.deepEqual(problems, []);
    const [u, r, e] = after.messages;
    assert.equal(u.id, q.id);
    assert.equal(u.text, 'Tell me a story');
    assert.equal(r.id, a.id);
    assert.equal(r.state, 'interrupted');
    assert.equal(r.text, 'Once upon');
    assert.equal(e.role, 'error');
    assert.equal(e.text, INTERRUPTED_TEXT);
    assert.deepEqual(e.actions, ['retry']);
    store.dispose(); // the old one is gone with the window
  });

  it('flush writes the pending streamed text at once (deactivate)', async () => {
    const { conversation } = store.load();
    store.attach(conversation);
    conversation.addUser('q');
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'tail' });
    assert.equal(memento.stored()!.messages[1].text, '');
    await store.flush();
    assert.equal(memento.stored()!.messages[1].text, 'tail');
    assert.equal(clock.countTimers(), 0);
  });

  it('dispose stops saving and clears the timer', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'x' });
    assert.equal(clock.countTimers(), 1);
    store.dispose();
    assert.equal(clock.countTimers(), 0);
    const n = memento.writes.length;
    conversation.addUser('after dispose');
    assert.equal(memento.writes.length, n);
  });

  it('attaching another conversation stops watching the first', () => {
    const first = new Conversation();
    const second = new Conversation();
    store.attach(first);
    store.attach(second);
    first.addUser('old');
    assert.equal(memento.writes.length, 0);
    second.addUser('new');
    assert.deepEqual(memento.stored()!.messages.map((m) => m.text), ['new']);
  });

  it('a failing write is reported, never thrown, and the chat keeps working', async () => {
    const errors: unknown[] = [];
    store = makeStore({ onError: (e) => errors.push(e) });
    const { conversation } = store.load();
    store.attach(conversation);
    memento.fail = true;
    conversation.addUser('q');
    await store.flush();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /disk full/);
    memento.fail = false;
    conversation.addUser('q2');
    await store.flush();
    assert.deepEqual(memento.stored()!.messages.map((m) => m.text), ['q', 'q2']);
  });

  it('uses the given key', () => {
    store = makeStore({ key: 'other' });
    const { conversation } = store.load();
    store.attach(conversation);
    conversation.addUser('q');
    assert.equal(memento.writes[0].key, 'other');
  });

  describe('corrupt or old stored data loads what it can', () => {
    // [name, stored value, texts that load, whether a problem is reported]
    const cases: [string, unknown, string[], boolean][] = [
      ['null', null, [], false],
      ['a number', 42, [], true],
      ['a string', 'garbage', [], true],
      ['no messages', { version: 1 }, [], true],
      ['messages not an array', { version: 1, messages: { 0: {} } }, [], true],
      ['unknown version', { version: 99, messages: [{ id: 'u1', role: 'user', text: 'hi', createdAt: 1 }] }, ['hi'], true],
      ['unversioned array', [{ id: 'u1', role: 'user', text: 'hi' }], ['hi'], true],
      [
        'partial array',
        {
          version: 1,
          messages: [{ id: 'u1', role: 'user', text: 'hi' }, { id: 5 }, null, { id: 'a1', role: 'assistant', text: 'yo', state: 'done' }],
        },
        ['hi', 'yo'],
        true,
      ],
      ['wrong field types', { version: 1, messages: [{ id: 'u1', role: 'user', text: ['hi'] }, { id: 'a1', role: 'assistant', text: 'yo', model: 7 }] }, [], true],
    ];
    for (const [name, data, texts, hasProblems] of cases) {
      it(name, () => {
        memento.data.set(DEFAULT_STORE_KEY, JSON.stringify(data));
        const { conversation, problems } = store.load();
        assert.deepEqual(
          conversation.messages.map((m) => m.text),
          texts,
        );
        assert.equal(problems.length > 0, hasProblems, problems.join('; '));
      });
    }

    it('a store whose get throws loads an empty chat with a problem', () => {
      const broken: KeyValueStore = {
        get: () => {
          throw new Error('corrupt database');
        },
        update: () => Promise.resolve(),
      };
      const { conversation, problems } = new ConversationStore(broken).load();
      assert.equal(conversation.messages.length, 0);
      assert.match(problems[0], /corrupt database/);
    });
  });

  describe('storage cap', () => {
    it('keeps the newest maxMessages messages', () => {
      store = makeStore({ maxMessages: 3 });
      const { conversation } = store.load();
      store.attach(conversation);
      for (let i = 0; i < 5; i++) conversation.addUser(`q${i}`);
      assert.deepEqual(memento.stored()!.messages.map((m) => m.text), ['q2', 'q3', 'q4']);
      assert.equal(conversation.messages.length, 5, 'only the stored copy is capped');
    });

    it('keeps the newest messages within maxChars', () => {
      const json = new Conversation();
      for (let i = 0; i < 5; i++) json.addUser(String(i).repeat(100));
      const capped = capForStorage(json.toJSON(), 100, 250);
      assert.deepEqual(capped.messages.map((m) => m.text[0]), ['3', '4']);
    });

    it('cuts the newest message when it alone is too large, and marks it', () => {
      const c = new Conversation();
      c.addUser('small');
      c.addUser('x'.repeat(1000));
      const capped = capForStorage(c.toJSON(), 100, 300);
      assert.equal(capped.messages.length, 1);
      assert.equal(capped.messages[0].text.length, 300);
      assert.equal(capped.messages[0].notice, STORED_CUT_NOTICE);
    });

    it('a 5 MB message is stored cut to the default cap', () => {
      const { conversation } = store.load();
      store.attach(conversation);
      conversation.addUser('y'.repeat(6_000_000));
      const stored = memento.stored()!.messages;
      assert.equal(stored.length, 1);
      assert.equal(stored[0].text.length, 5_000_000);
      assert.equal(conversation.messages[0].text.length, 6_000_000);
    });
  });
});
