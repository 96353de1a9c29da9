import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { Conversation, INTERRUPTED_TEXT, type ConversationJSON } from '../../src/chat/conversation';
import {
  capForStorage,
  ConversationStore,
  withStreamingText,
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
    // Like VS Code's Memento: undefined removes the key.
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
    this.writes.push({ key, value: value === undefined ? (undefined as never) : JSON.parse(JSON.stringify(value)) });
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

  const STREAMING_KEY = `${DEFAULT_STORE_KEY}.streaming`;
  type StreamingValue = { version: number; replies: { id: string; text: string; thinking?: string }[] };
  const streamingWrites = () => memento.writes.filter((w) => w.key === STREAMING_KEY).map((w) => w.value as unknown as StreamingValue | undefined);
  const chatWrites = () => memento.writes.filter((w) => w.key === DEFAULT_STORE_KEY);

  it('throttles streaming appends: at most one write per throttleMs, trailing, of the reply only', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    conversation.addUser('q');
    const a = conversation.startAssistant('m');
    assert.equal(chatWrites().length, 2, 'question + reply start, both immediate');

    for (let i = 0; i < 50; i++) {
      conversation.append(a.id, { text: `${i} ` });
      clock.tick(20); // 50 tokens over 1000 ms
    }
    assert.equal(chatWrites().length, 2, 'the whole chat is not rewritten while the reply streams');
    const writes = streamingWrites();
    assert.equal(writes.length, 2, 'two windows of 500 ms');
    // Each write holds the text as it was when its window closed (t=500: tokens 0-24; t=1000: all 50).
    const upTo = (n: number) => Array.from({ length: n }, (_, i) => `${i} `).join('');
    assert.deepEqual(writes[0], { version: 1, replies: [{ id: a.id, text: upTo(25) }] });
    assert.deepEqual(writes[1], { version: 1, replies: [{ id: a.id, text: upTo(50) }] });

    conversation.append(a.id, { text: 'end' });
    assert.equal(streamingWrites().length, 2, 'trailing write is pending, not immediate');
    clock.tick(499);
    assert.equal(streamingWrites().length, 2);
    clock.tick(1);
    assert.equal(streamingWrites().length, 3);
    assert.ok(streamingWrites()[2]!.replies[0].text.endsWith('49 end'));
  });

  it('a long chat is written once per change, not twice a second while a reply streams', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    for (let i = 0; i < 300; i++) conversation.addUser('x'.repeat(5000)); // 1.5 MB
    const a = conversation.startAssistant('m');
    const before = memento.writes.length;
    for (let i = 0; i < 100; i++) {
      conversation.append(a.id, { text: 'token ', thinking: i === 0 ? 'hmm' : undefined });
      clock.tick(50); // 5 s of streaming
    }
    const during = memento.writes.slice(before);
    assert.equal(during.length, 10, 'one write per 500 ms');
    assert.ok(during.every((w) => w.key === STREAMING_KEY));
    assert.ok(JSON.stringify(during.at(-1)!.value).length < 1000, 'each write is the reply, not the 1.5 MB chat');
    assert.deepEqual(during.at(-1)!.value, { version: 1, replies: [{ id: a.id, text: 'token '.repeat(100), thinking: 'hmm' }] });

    conversation.finish(a.id, 'done');
    const after = memento.writes.slice(before + during.length);
    assert.deepEqual(after.map((w) => w.key), [DEFAULT_STORE_KEY, STREAMING_KEY], 'the whole chat, then the streaming copy dropped');
    assert.equal(memento.data.has(STREAMING_KEY), false);
    assert.equal(memento.stored()!.messages.at(-1)!.text, 'token '.repeat(100));
    assert.equal(memento.stored()!.messages.at(-1)!.state, 'done');
  });

  it('a streaming copy left by a session that ended mid-stream is dropped by the next full write', () => {
    const { conversation } = store.load();
    store.attach(conversation);
    conversation.addUser('q');
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'partial' });
    clock.tick(500);
    assert.equal(memento.data.has(STREAMING_KEY), true);
    store.dispose(); // the window goes away mid-stream

    const next = makeStore();
    const { conversation: reloaded } = next.load();
    assert.equal(reloaded.messages[1].text, 'partial');
    next.attach(reloaded);
    reloaded.addUser('next question');
    assert.equal(memento.data.has(STREAMING_KEY), false);
    assert.equal(memento.stored()!.messages[1].text, 'partial');
    assert.equal(memento.stored()!.messages[1].state, 'interrupted');
    next.dispose();
  });

  describe('merging the streaming copy on load (withStreamingText)', () => {
    const chat = (text: string, state = 'streaming', extra: Record<string, unknown> = {}) => ({
      version: 1,
      messages: [
        { id: 'u1', role: 'user', text: 'q', createdAt: 1 },
        { id: 'a1', role: 'assistant', text, state, model: 'm', createdAt: 2, ...extra },
      ],
    });
    const cases: [string, unknown, unknown, string][] = [
      ['extends the stored text', chat('Once'), { version: 1, replies: [{ id: 'a1', text: 'Once upon' }] }, 'Once upon'],
      ['no streaming copy', chat('Once'), undefined, 'Once'],
      ['another reply', chat('Once'), { version: 1, replies: [{ id: 'zz', text: 'Once upon' }] }, 'Once'],
      ['a finished reply keeps its text', chat('Done.', 'done'), { version: 1, replies: [{ id: 'a1', text: 'Done. more' }] }, 'Done.'],
      ['text that does not extend it', chat('Once'), { version: 1, replies: [{ id: 'a1', text: 'Other' }] }, 'Once'],
      ['malformed copy', chat('Once'), { replies: 'nope' }, 'Once'],
      ['malformed reply entry', chat('Once'), { version: 1, replies: [{ id: 'a1', text: 42 }, null] }, 'Once'],
      ['a stored copy that was cut', chat('Onc', 'streaming', { notice: STORED_CUT_NOTICE }), { version: 1, replies: [{ id: 'a1', text: 'Once upon' }] }, 'Onc'],
    ];
    for (const [name, data, streaming, text] of cases) {
      it(name, () => {
        const before = JSON.stringify(data);
        memento.data.set(DEFAULT_STORE_KEY, JSON.stringify(data));
        if (streaming !== undefined) memento.data.set(STREAMING_KEY, JSON.stringify(streaming));
        const { conversation, problems } = makeStore().load();
        assert.deepEqual(problems, []);
        assert.equal(conversation.messages[1].text, text);
        assert.equal(JSON.stringify(data), before, 'the stored value is not mutated');
      });
    }

    it('the merged text is capped like any stored text', () => {
      const merged = withStreamingText(chat(''), { version: 1, replies: [{ id: 'a1', text: 'abcdefgh', thinking: 'xyz' }] }, 5) as ReturnType<typeof chat>;
      assert.equal(merged.messages[1].text, 'abcde');
      assert.equal((merged.messages[1] as { thinking?: string }).thinking, undefined);
    });
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
    assert.equal(makeStore().load().conversation.messages[1].text, '');
    await store.flush();
    assert.equal(makeStore().load().conversation.messages[1].text, 'tail');
    assert.equal(memento.stored()!.messages[1].text, '', 'through the streaming copy, not a rewrite of the chat');
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
