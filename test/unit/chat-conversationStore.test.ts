import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { Conversation, interruptedText, type ConversationJSON } from '../../src/chat/conversation';
import { ConversationStore, withStreamingText, type ConversationSink, type StreamingJSON } from '../../src/chat/conversationStore';

/** Records every write; `load()` reads it back the way the history does (streaming copy merged). */
class FakeSink implements ConversationSink {
  readonly writes: ({ kind: 'conversation'; value: ConversationJSON } | { kind: 'streaming'; value: StreamingJSON })[] = [];
  conversation: string | undefined;
  streaming: string | undefined;
  fail = false;
  saveConversation(json: ConversationJSON): Promise<void> {
    if (this.fail) return Promise.reject(new Error('disk full'));
    this.writes.push({ kind: 'conversation', value: structuredClone(json) });
    this.conversation = JSON.stringify(json);
    this.streaming = undefined; // the history drops the stale streaming copy
    return Promise.resolve();
  }
  saveStreaming(value: StreamingJSON): Promise<void> {
    if (this.fail) return Promise.reject(new Error('disk full'));
    this.writes.push({ kind: 'streaming', value: structuredClone(value) });
    this.streaming = JSON.stringify(value);
    return Promise.resolve();
  }
  stored(): ConversationJSON | undefined {
    return this.conversation === undefined ? undefined : (JSON.parse(this.conversation) as ConversationJSON);
  }
  load(): Conversation {
    const data = this.conversation === undefined ? undefined : JSON.parse(this.conversation);
    const streaming = this.streaming === undefined ? undefined : JSON.parse(this.streaming);
    return Conversation.fromJSON(withStreamingText(data, streaming)).conversation;
  }
  kinds(): string[] {
    return this.writes.map((w) => w.kind);
  }
}

describe('chat/conversationStore', () => {
  let clock: FakeTimers.Clock;
  let sink: FakeSink;
  let store: ConversationStore;

  const makeStore = (opts: ConstructorParameters<typeof ConversationStore>[0] = {}) =>
    new ConversationStore({
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (h) => clock.clearTimeout(h as never),
      ...opts,
    });
  const attached = (): Conversation => {
    const conversation = new Conversation();
    store.attach(conversation, sink);
    return conversation;
  };

  beforeEach(() => {
    clock = FakeTimers.createClock();
    sink = new FakeSink();
    store = makeStore();
  });

  afterEach(() => {
    store.dispose();
    assert.equal(clock.countTimers(), 0, 'no timer left running');
  });

  it('saves the question immediately, before anything else happens', () => {
    const conversation = attached();
    const q = conversation.addUser('What is 2+2?');
    assert.deepEqual(sink.kinds(), ['conversation']);
    assert.deepEqual(sink.stored()?.messages.map((m) => [m.id, m.text]), [[q.id, 'What is 2+2?']]);
    assert.equal(sink.stored()?.version, 1);
  });

  const streamingWrites = () => sink.writes.filter((w) => w.kind === 'streaming').map((w) => w.value);
  const chatWrites = () => sink.writes.filter((w) => w.kind === 'conversation');

  it('throttles streaming appends: at most one write per throttleMs, trailing, of the reply only', () => {
    const conversation = attached();
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
    assert.ok(streamingWrites()[2].replies[0].text.endsWith('49 end'));
  });

  it('a long chat is written once per change, not twice a second while a reply streams', () => {
    const conversation = attached();
    for (let i = 0; i < 300; i++) conversation.addUser('x'.repeat(5000)); // 1.5 MB
    const a = conversation.startAssistant('m');
    const before = sink.writes.length;
    for (let i = 0; i < 100; i++) {
      conversation.append(a.id, { text: 'token ', thinking: i === 0 ? 'hmm' : undefined });
      clock.tick(50); // 5 s of streaming
    }
    const during = sink.writes.slice(before);
    assert.equal(during.length, 10, 'one write per 500 ms');
    assert.ok(during.every((w) => w.kind === 'streaming'));
    assert.ok(JSON.stringify(during.at(-1)!.value).length < 1000, 'each write is the reply, not the 1.5 MB chat');
    assert.deepEqual(during.at(-1)!.value, { version: 1, replies: [{ id: a.id, text: 'token '.repeat(100), thinking: 'hmm' }] });

    conversation.finish(a.id, 'done');
    assert.deepEqual(sink.kinds().slice(before + during.length), ['conversation'], 'then the whole chat, once');
    assert.equal(sink.stored()!.messages.at(-1)!.text, 'token '.repeat(100));
    assert.equal(sink.stored()!.messages.at(-1)!.state, 'done');
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
    ];
    for (const [name, data, streaming, text] of cases) {
      it(name, () => {
        const before = JSON.stringify(data);
        const { conversation, problems } = Conversation.fromJSON(withStreamingText(data, streaming));
        assert.deepEqual(problems, []);
        assert.equal(conversation.messages[1].text, text);
        assert.equal(JSON.stringify(data), before, 'the stored value is not mutated');
      });
    }

    it('thinking comes back with the text', () => {
      const merged = withStreamingText(chat(''), { version: 1, replies: [{ id: 'a1', text: 'abc', thinking: 'xyz' }] }) as ReturnType<typeof chat>;
      assert.deepEqual([merged.messages[1].text, (merged.messages[1] as { thinking?: string }).thinking], ['abc', 'xyz']);
    });
  });

  it('finish and errors are saved immediately and cancel the pending throttled write', () => {
    const conversation = attached();
    conversation.addUser('q');
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'partial' });
    assert.equal(clock.countTimers(), 1);
    conversation.finish(a.id, 'error');
    assert.equal(clock.countTimers(), 0);
    assert.equal(sink.stored()!.messages[1].state, 'error');
    assert.equal(sink.stored()!.messages[1].text, 'partial');
    conversation.addError(a.id, 'Server error', ['retry']);
    assert.equal(sink.stored()!.messages[2].role, 'error');
    const n = sink.writes.length;
    clock.tick(1000);
    assert.equal(sink.writes.length, n, 'no extra write after the immediate one');
  });

  it('retry truncation is saved', () => {
    const conversation = attached();
    const q = conversation.addUser('q');
    const a = conversation.startAssistant('m');
    conversation.finish(a.id, 'error');
    conversation.removeAfter(q.id);
    assert.deepEqual(sink.stored()!.messages.map((m) => m.id), [q.id]);
  });

  it('round-trips a full conversation', () => {
    const conversation = attached();
    conversation.addUser('q', { notice: 'Selection was cut' });
    const a = conversation.startAssistant('anthropic/claude-sonnet-4.5');
    conversation.append(a.id, { thinking: 'let me think', text: 'answer' });
    conversation.finish(a.id, 'done', { usage: { inputTokens: 10, outputTokens: 5 } });
    assert.deepEqual(sink.load().toJSON(), conversation.toJSON());
  });

  it('a reload mid-stream keeps the question and the partial reply, marked interrupted with Retry', () => {
    const conversation = attached();
    const q = conversation.addUser('Tell me a story');
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'Once upon' });
    clock.tick(500); // the throttled write lands
    conversation.append(a.id, { text: ' a time' }); // not yet written: the window reloads now
    const [u, r, e] = sink.load().messages;
    assert.deepEqual([u.id, u.text], [q.id, 'Tell me a story']);
    assert.deepEqual([r.id, r.state, r.text], [a.id, 'interrupted', 'Once upon']);
    assert.deepEqual([e.role, e.text, e.actions], ['error', interruptedText(), ['retry']]);
  });

  it('flush writes the pending streamed text at once (deactivate)', async () => {
    const conversation = attached();
    conversation.addUser('q');
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'tail' });
    assert.equal(sink.load().messages[1].text, '');
    await store.flush();
    assert.equal(sink.load().messages[1].text, 'tail');
    assert.equal(sink.stored()!.messages[1].text, '', 'through the streaming copy, not a rewrite of the chat');
    assert.equal(clock.countTimers(), 0);
  });

  it('dispose stops saving and clears the timer', () => {
    const conversation = attached();
    const a = conversation.startAssistant('m');
    conversation.append(a.id, { text: 'x' });
    assert.equal(clock.countTimers(), 1);
    store.dispose();
    assert.equal(clock.countTimers(), 0);
    const n = sink.writes.length;
    conversation.addUser('after dispose');
    assert.equal(sink.writes.length, n);
  });

  it('attaching another conversation writes what the first had pending, then stops watching it', () => {
    const first = attached();
    first.addUser('old');
    const a = first.startAssistant('m');
    first.append(a.id, { text: 'pending text' });
    const other = new FakeSink();
    const second = new Conversation();
    store.attach(second, other);
    assert.equal(sink.load().messages[1].text, 'pending text', 'the throttled write of the first went to its own sink');
    assert.equal(clock.countTimers(), 0);
    const n = sink.writes.length;
    first.addUser('not saved any more');
    assert.equal(sink.writes.length, n);
    second.addUser('new');
    assert.deepEqual(other.stored()!.messages.map((m) => m.text), ['new']);
  });

  it('a failing write is reported, never thrown, and the chat keeps working', async () => {
    const errors: unknown[] = [];
    store = makeStore({ onError: (e) => errors.push(e) });
    const conversation = attached();
    sink.fail = true;
    conversation.addUser('q');
    await store.flush();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /disk full/);
    sink.fail = false;
    conversation.addUser('q2');
    await store.flush();
    assert.deepEqual(sink.stored()!.messages.map((m) => m.text), ['q', 'q2']);
  });

  it('a sink that throws synchronously is reported the same way', async () => {
    const errors: unknown[] = [];
    store = makeStore({ onError: (e) => errors.push(e) });
    const conversation = new Conversation();
    store.attach(conversation, {
      saveConversation: () => {
        throw new Error('folder gone');
      },
      saveStreaming: () => Promise.resolve(),
    });
    conversation.addUser('q');
    await store.flush();
    assert.match(String(errors[0]), /folder gone/);
  });

  it('keeps the whole history: 1,000 messages and a 6 MB message are written in full', () => {
    const conversation = attached();
    for (let i = 0; i < 1000; i++) conversation.addUser(`q${i}`);
    conversation.addUser('y'.repeat(6_000_000));
    const stored = sink.stored()!.messages;
    assert.equal(stored.length, 1001);
    assert.equal(stored[0].text, 'q0');
    assert.equal(stored[1000].text.length, 6_000_000);
    assert.equal(stored[1000].notice, undefined);
  });
});
