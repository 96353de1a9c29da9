// Nothing typed or received is lost, through the whole chain in plain Node: ConversationStore +
// HistoryStore (on an in-memory disk) + ChatService + GmiClient + the loopback server. The question is stored before the request reaches
// the server; a "reload" mid-stream finds the question and the partial reply (interrupted, with
// Retry); a request that cannot even be prepared still ends with an error the user can act on; and
// any sequence of good and failing replies leaves one reply per question, never mixed.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChatService, type PreparedRequest } from '../../src/chat/chatService';
import { Conversation, interruptedText } from '../../src/chat/conversation';
import { ConversationStore } from '../../src/chat/conversationStore';
import { GmiClient } from '../../src/gmi/client';
import type { WireApi } from '../../src/gmi/types';
import { HistoryStore } from '../../src/history/historyStore';
import { startFakeGmi, type FakeGmi, type ReplyPlan } from '../fake-gmi/server';
import { leftoverTimers, startTrackingTimers } from './fixtures/timerTracker';
import { MemoryFs } from './helpers/memoryFs';
import './helpers/unhandledRejections';

const DIR = '/storage/history';
const ID = 'conversation1';

/** What a new window finds on `disk`: the conversation loaded through a fresh HistoryStore. */
async function reloadFrom(disk: MemoryFs): Promise<Conversation> {
  const history = new HistoryStore(DIR, { fs: disk.clone() });
  await history.open();
  return (await history.load(ID))?.conversation ?? new Conversation();
}

const MODEL: Record<WireApi, string> = { chatCompletions: 'deepseek-ai/DeepSeek-V3.2', messages: 'anthropic/claude-sonnet-4.5' };
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('reliability: nothing lost (store + chat + client + server)', function () {
  this.timeout(60_000);
  let fake: FakeGmi;
  let client: GmiClient;

  beforeEach(async () => {
    startTrackingTimers();
    fake = await startFakeGmi();
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', maxRetries: 0, idleTimeoutMs: 5_000 });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
    assert.deepEqual(leftoverTimers(), [], 'timers left running');
  });

  async function setup(api: WireApi = 'chatCompletions', throttleMs = 50): Promise<{ conversation: Conversation; store: ConversationStore; memory: MemoryFs; chat: ChatService }> {
    const memory = new MemoryFs();
    const history = new HistoryStore(DIR, { fs: memory });
    await history.open();
    const store = new ConversationStore({ throttleMs });
    const conversation = new Conversation();
    store.attach(conversation, history.sink(ID));
    const prepared: PreparedRequest = { client, model: MODEL[api], api, contextLength: 100_000, maxOutputTokens: 4_000 };
    const chat = new ChatService({ conversation, prepare: async () => prepared });
    return { conversation, store, memory, chat };
  }

  const stored = (memory: MemoryFs) => {
    const text = memory.files.get(`${DIR}/conversations/${ID}.json`);
    return text === undefined ? undefined : (JSON.parse(text) as { messages: Array<{ role: string; text: string; state?: string }> });
  };

  it('the question is in storage before the request reaches the server', async () => {
    const { memory, chat, store } = await setup();
    fake.enqueue({ text: 'Answer.', headersDelayMs: 100 });
    const sending = chat.send('Is my question safe?');
    while (fake.requests.length === 0) await tick();
    assert.deepEqual(stored(memory)?.messages.map((m) => [m.role, m.text])[0], ['user', 'Is my question safe?']);
    await sending;
    await store.flush();
    assert.deepEqual(stored(memory)?.messages.map((m) => [m.role, m.text, m.state]), [
      ['user', 'Is my question safe?', undefined],
      ['assistant', 'Answer.', 'done'],
    ]);
    store.dispose();
  });

  for (const api of ['chatCompletions', 'messages'] as const) {
    it(`${api}: a reload mid-stream finds the question and the partial reply, interrupted, and Retry completes it`, async () => {
      const { conversation, memory, chat, store } = await setup(api);
      const text = 'A long answer that streams for a while before the window reloads. '.repeat(10);
      fake.enqueue({ text, chunkSize: 8, delayMs: 10 });
      const sending = chat.send('Long question');
      // Wait until the throttled save has written some of the reply (its streaming copy).
      while (!((await reloadFrom(memory)).messages[1]?.text.length ?? 0)) await tick();
      const snapshot = memory.clone();
      const live = conversation.messages[1].text;

      // What a new window would load from that snapshot.
      const loaded = (await reloadFrom(snapshot)).messages;
      assert.deepEqual(loaded.map((m) => m.role), ['user', 'assistant', 'error']);
      assert.equal(loaded[0].text, 'Long question');
      assert.equal(loaded[1].state, 'interrupted');
      assert.ok(loaded[1].text.length > 0 && live.startsWith(loaded[1].text), 'a prefix of what had arrived');
      assert.equal(loaded[2].text, interruptedText());
      assert.deepEqual(loaded[2].actions, ['retry']);
      assert.equal(loaded[2].replyTo, loaded[1].id);

      // deactivate: flush writes exactly what has arrived so far.
      await store.flush();
      assert.equal((await reloadFrom(memory)).messages[1].text, conversation.messages[1].text);

      chat.stop();
      await sending;
      store.dispose();

      // Retry from the reloaded conversation asks the same question again.
      const reloaded = await reloadFrom(snapshot);
      fake.enqueue({ text: 'Complete answer.' });
      const again = new ChatService({ conversation: reloaded, prepare: async () => ({ client, model: MODEL[api], api, contextLength: 100_000, maxOutputTokens: 4_000 }) });
      assert.equal(await again.retry(reloaded.messages[2].id), true);
      assert.deepEqual(reloaded.messages.map((m) => [m.role, m.text, m.state]), [
        ['user', 'Long question', undefined],
        ['assistant', 'Complete answer.', 'done'],
      ]);
      const body = fake.requests.at(-1)!.body as { messages: Array<{ role: string; content: string | Array<{ text?: string }> }> };
      // (Claude's newest turn comes as a text block with a cache marker: compare the text)
      const textOf = (c: string | Array<{ text?: string }>): string => (typeof c === 'string' ? c : c.map((b) => b.text ?? '').join(''));
      assert.deepEqual(body.messages.filter((m) => m.role !== 'system').map((m) => [m.role, textOf(m.content)]), [['user', 'Long question']]);
    });
  }

  it('a request that cannot be prepared (e.g. the key store throws) ends with an error and Retry, the chat stays usable', async () => {
    const conversation = new Conversation();
    let fail = true;
    const chat = new ChatService({
      conversation,
      prepare: async () => {
        if (fail) throw new Error('SecretStorage is unavailable');
        return { client, model: MODEL.chatCompletions, api: 'chatCompletions', contextLength: 100_000, maxOutputTokens: 4_000 };
      },
    });
    assert.equal(await chat.send('Question one'), true);
    assert.equal(chat.busy, false);
    assert.deepEqual(conversation.messages.map((m) => m.role), ['user', 'error']);
    assert.match(conversation.messages[1].text, /SecretStorage is unavailable/);
    assert.ok(conversation.messages[1].actions?.includes('retry'));

    fail = false;
    fake.enqueue({ text: 'Now it works.' });
    assert.equal(await chat.retry(conversation.messages[1].id), true);
    assert.deepEqual(conversation.messages.map((m) => [m.role, m.text, m.state]), [
      ['user', 'Question one', undefined],
      ['assistant', 'Now it works.', 'done'],
    ]);
  });

  it('property: any sequence of good and failing replies gives one reply per question, each with only its own text', async () => {
    type Outcome = 'ok' | 'http500' | 'http401' | 'reset' | 'errorEvent' | 'noEnd' | 'malformed';
    const planFor = (o: Outcome, text: string): ReplyPlan => {
      switch (o) {
        case 'ok':
          return { text, chunkSize: 3 };
        case 'http500':
          return { status: 500 };
        case 'http401':
          return { status: 401 };
        case 'reset':
          return { text, chunkSize: 3, resetAfterChunks: 2 };
        case 'errorEvent':
          return { text, chunkSize: 3, errorAfterChunks: 2 };
        case 'noEnd':
          return { text, chunkSize: 3, omitEnd: true };
        case 'malformed':
          return { rawEvents: `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(text.slice(0, 6))}}}]}\n\ndata: {oops\n\n` };
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Outcome>('ok', 'http500', 'http401', 'reset', 'errorEvent', 'noEnd', 'malformed'), { minLength: 1, maxLength: 6 }),
        fc.constantFrom<WireApi>('chatCompletions', 'messages'),
        async (outcomes, api) => {
          fake.reset();
          const { conversation, chat, store } = await setup(api, 10);
          const texts = outcomes.map((_, i) => `Answer number ${i} with its own words.`);
          outcomes.forEach((o, i) => fake.enqueue(planFor(api === 'messages' && o === 'malformed' ? 'noEnd' : o, texts[i])));
          for (let i = 0; i < outcomes.length; i++) {
            assert.equal(await chat.send(`Question ${i}`), true);
            assert.equal(chat.busy, false);
          }
          await store.flush();
          store.dispose();
          // Walk the conversation: user, assistant, and an error message exactly when the reply failed.
          const list = conversation.messages;
          let at = 0;
          outcomes.forEach((o, i) => {
            assert.equal(list[at]?.role, 'user');
            assert.equal(list[at].text, `Question ${i}`);
            const reply = list[at + 1];
            assert.equal(reply?.role, 'assistant');
            if (o === 'ok') {
              assert.equal(reply.state, 'done');
              assert.equal(reply.text, texts[i]);
              at += 2;
            } else {
              assert.equal(reply.state, 'error', `${o}: ${reply.text}`);
              assert.ok(texts[i].startsWith(reply.text), `${o}: only its own text, a prefix`);
              assert.equal(list[at + 2]?.role, 'error');
              assert.equal(list[at + 2].replyTo, reply.id);
              at += 3;
            }
          });
          assert.equal(at, list.length, 'nothing else in the conversation');
        },
      ),
      { numRuns: 25 },
    );
  });
});
