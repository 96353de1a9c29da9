import assert from 'node:assert/strict';
import { ChatService, type PreparedRequest, type RequestBlocked, type StreamingClient } from '../../src/chat/chatService';
import { Conversation } from '../../src/chat/conversation';
import type { ChatRequest, StreamEvent } from '../../src/gmi/types';

/** A client whose stream is scripted per call; it records every request it receives. */
class ScriptedClient implements StreamingClient {
  readonly requests: ChatRequest[] = [];
  constructor(private readonly scripts: Array<(signal: AbortSignal) => AsyncIterable<StreamEvent>>) {}
  stream(request: ChatRequest, options?: { signal?: AbortSignal }): AsyncIterable<StreamEvent> {
    this.requests.push(structuredClone(request));
    const script = this.scripts.shift();
    if (!script) throw new Error('no script left');
    return script(options?.signal ?? new AbortController().signal);
  }
}

async function* events(...list: StreamEvent[]): AsyncIterable<StreamEvent> {
  for (const e of list) yield e;
}

/** Streams "a", "b", … until aborted, then ends as cancelled (what GmiClient does on abort). */
async function* untilAborted(signal: AbortSignal, onFirst: () => void): AsyncIterable<StreamEvent> {
  yield { type: 'text', text: 'partial ' };
  onFirst();
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  yield { type: 'end', reason: 'cancelled' };
}

function prepared(client: StreamingClient, extra: Partial<PreparedRequest> = {}): PreparedRequest {
  return { client, model: 'anthropic/claude-sonnet-4.5', api: 'messages', contextLength: 200_000, maxOutputTokens: 8_000, ...extra };
}

describe('ChatService', () => {
  it('stores the question before the request is prepared, then streams text, thinking and usage into a done reply', async () => {
    const conversation = new Conversation();
    const client = new ScriptedClient([
      () =>
        events(
          { type: 'thinking', text: 'hmm' },
          { type: 'text', text: 'Hello' },
          { type: 'text', text: ' world' },
          { type: 'usage', usage: { inputTokens: 12, outputTokens: 3 } },
          { type: 'end', reason: 'stop' },
        ),
    ]);
    let seenAtPrepare: string[] = [];
    const chat = new ChatService({
      conversation,
      prepare: async () => {
        seenAtPrepare = conversation.messages.map((m) => `${m.role}:${m.text}`);
        return prepared(client, { system: 'be brief' });
      },
    });
    assert.equal(await chat.send('Hi there'), true);
    assert.deepEqual(seenAtPrepare, ['user:Hi there']);
    const [user, reply] = conversation.messages;
    assert.equal(user.text, 'Hi there');
    assert.equal(reply.role, 'assistant');
    assert.equal(reply.text, 'Hello world');
    assert.equal(reply.thinking, 'hmm');
    assert.equal(reply.state, 'done');
    assert.equal(reply.model, 'anthropic/claude-sonnet-4.5');
    // Sonnet 4.5 list prices: 12 × $3 + 3 × $15 per million
    assert.deepEqual(reply.usage, { inputTokens: 12, outputTokens: 3, costUsd: 0.000081, pricesAsOf: '2026-12-01' });
    assert.equal(client.requests[0].system, 'be brief');
    assert.deepEqual(client.requests[0].messages, [{ role: 'user', content: 'Hi there' }]);
    assert.equal(chat.busy, false);
  });

  it('sends the earlier turns as history on the next question', async () => {
    const conversation = new Conversation();
    const client = new ScriptedClient([
      () => events({ type: 'text', text: 'A1' }, { type: 'end', reason: 'stop' }),
      () => events({ type: 'text', text: 'A2' }, { type: 'end', reason: 'stop' }),
    ]);
    const chat = new ChatService({ conversation, prepare: async () => prepared(client) });
    await chat.send('Q1');
    await chat.send('Q2');
    assert.deepEqual(client.requests[1].messages, [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ]);
  });

  it('turns a failure into an error reply plus an error message with the next step and Retry', async () => {
    const conversation = new Conversation();
    const client = new ScriptedClient([
      () =>
        events(
          { type: 'text', text: 'Half an ans' },
          { type: 'error', error: { kind: 'auth', message: 'GMI rejected the API key.', status: 401, action: 'setApiKey' }, partial: true },
        ),
    ]);
    const chat = new ChatService({ conversation, prepare: async () => prepared(client) });
    await chat.send('Q');
    const [, reply, error] = conversation.messages;
    assert.equal(reply.state, 'error');
    assert.equal(reply.text, 'Half an ans', 'partial text is kept');
    assert.equal(error.role, 'error');
    assert.equal(error.text, 'GMI rejected the API key.');
    assert.equal(error.replyTo, reply.id);
    assert.deepEqual(error.actions, ['setApiKey', 'retry']);
  });

  it('keeps the question and offers Set API Key when the request cannot start', async () => {
    const conversation = new Conversation();
    const blocked: RequestBlocked = { blocked: true, message: 'A GMI API key is needed.', actions: ['setApiKey'] };
    const chat = new ChatService({ conversation, prepare: async () => blocked });
    await chat.send('my long question');
    assert.equal(conversation.messages[0].text, 'my long question');
    assert.equal(conversation.messages.length, 2);
    assert.equal(conversation.messages[1].role, 'error');
    assert.deepEqual(conversation.messages[1].actions, ['setApiKey', 'retry']);
    assert.equal(chat.busy, false);
  });

  it('Stop keeps the partial reply as stopped; a question sent meanwhile is refused, never merged', async () => {
    const conversation = new Conversation();
    let firstChunk!: () => void;
    const streaming = new Promise<void>((r) => (firstChunk = r));
    const client = new ScriptedClient([(signal) => untilAborted(signal, firstChunk)]);
    const busy: boolean[] = [];
    const chat = new ChatService({ conversation, prepare: async () => prepared(client) });
    chat.onDidChangeBusy((b) => busy.push(b));
    const sending = chat.send('Q');
    await streaming;
    assert.equal(chat.busy, true);
    assert.equal(await chat.send('second question'), false);
    chat.stop();
    await sending;
    assert.deepEqual(
      conversation.messages.map((m) => [m.role, m.text, m.state]),
      [
        ['user', 'Q', undefined],
        ['assistant', 'partial ', 'stopped'],
      ],
    );
    assert.deepEqual(busy, [true, false]);
    assert.equal(client.requests.length, 1);
  });

  it('Retry drops the failed reply and its error, and asks the same question again', async () => {
    const conversation = new Conversation();
    const client = new ScriptedClient([
      () => events({ type: 'error', error: { kind: 'server', message: 'GMI had a server error.', status: 500, action: 'retry' }, partial: false }),
      () => events({ type: 'text', text: 'Now it works' }, { type: 'end', reason: 'stop' }),
    ]);
    const chat = new ChatService({ conversation, prepare: async () => prepared(client) });
    await chat.send('Q');
    const error = conversation.messages[2];
    assert.equal(error.role, 'error');
    assert.equal(await chat.retry(error.id), true);
    assert.deepEqual(
      conversation.messages.map((m) => [m.role, m.text, m.state]),
      [
        ['user', 'Q', undefined],
        ['assistant', 'Now it works', 'done'],
      ],
    );
    assert.deepEqual(client.requests[1].messages, [{ role: 'user', content: 'Q' }]);
  });

  it('says so when the reply stopped at the length limit set in gmi.maxTokens', async () => {
    const conversation = new Conversation();
    const client = new ScriptedClient([() => events({ type: 'text', text: 'long…' }, { type: 'end', reason: 'length' })]);
    const chat = new ChatService({ conversation, prepare: async () => prepared(client, { maxTokens: 2000 }) });
    await chat.send('Q');
    assert.equal(conversation.messages[1].state, 'done');
    assert.equal(conversation.messages[2].text, 'The reply stopped at the maximum length of 2,000 tokens set in gmi.maxTokens. Ask to continue, or raise the limit.');
    assert.deepEqual(conversation.messages[2].actions, ['openSettings']);
  });

  it('with gmi.maxTokens empty, the length message names the model’s own limit, not the setting', async () => {
    const conversation = new Conversation();
    const client = new ScriptedClient([() => events({ type: 'text', text: 'long…' }, { type: 'end', reason: 'length' })]);
    const chat = new ChatService({ conversation, prepare: async () => prepared(client) });
    await chat.send('Q');
    const notice = conversation.messages[2];
    assert.equal(notice.text, "The reply stopped at anthropic/claude-sonnet-4.5's maximum reply length (32,000 tokens). Ask it to continue where it stopped.");
    assert.doesNotMatch(notice.text, /gmi\.maxTokens/);
    assert.deepEqual(notice.actions, []);
  });

  it('leaves out the oldest turns when the history exceeds the context', async () => {
    const conversation = new Conversation();
    const big = 'x'.repeat(6_000); // ~2,000 tokens: more than the whole budget below
    const client = new ScriptedClient([
      () => events({ type: 'text', text: big }, { type: 'end', reason: 'stop' }),
      () => events({ type: 'text', text: 'ok' }, { type: 'end', reason: 'stop' }),
    ]);
    // A tiny context: room for the newest question but not the big first exchange.
    const chat = new ChatService({ conversation, prepare: async () => prepared(client, { contextLength: 1_500, maxOutputTokens: 200 }) });
    await chat.send('first');
    await chat.send('second');
    assert.deepEqual(client.requests[1].messages, [{ role: 'user', content: 'second' }]);
  });
});
