// API fidelity through the whole chain in plain Node: ChatService + GmiClient + the loopback server.
// What the request carries for the settings, and what the reply shows for what the server sends.
import * as assert from 'node:assert/strict';
import { ChatService, type PreparedRequest } from '../../src/chat/chatService';
import { Conversation } from '../../src/chat/conversation';
import type { StoredMessage } from '../../src/chat/storedMessage';
import { GmiClient } from '../../src/gmi/client';
import { resolveApi } from '../../src/gmi/baseUrl';
import { startFakeGmi, type FakeGmi, type RecordedRequest } from '../fake-gmi/server';
import './helpers/unhandledRejections';

describe('chat: API fidelity (chat + client + server)', function () {
  this.timeout(20_000);
  let fake: FakeGmi;
  let client: GmiClient;
  let conversation: Conversation;
  let settings: Partial<PreparedRequest>;
  let chat: ChatService;
  const logLines: string[] = [];

  beforeEach(async () => {
    fake = await startFakeGmi();
    client = new GmiClient({
      baseUrl: fake.baseUrl,
      apiKey: 'k',
      maxRetries: 2,
      idleTimeoutMs: 5_000,
      sleep: async () => undefined,
      logger: { info: (m) => logLines.push(m), warn: (m) => logLines.push(m), error: (m) => logLines.push(m) },
    });
    conversation = new Conversation();
    settings = {};
    logLines.length = 0;
    chat = new ChatService({
      conversation,
      prepare: async () => {
        const model = settings.model ?? 'anthropic/claude-sonnet-4.5';
        return { client, model, api: resolveApi(model), contextLength: 200_000, maxOutputTokens: 8_000, ...settings };
      },
    });
  });

  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  const body = (r: RecordedRequest): Record<string, unknown> => r.body as Record<string, unknown>;
  const reply = (): StoredMessage => [...conversation.messages].reverse().find((m) => m.role === 'assistant')!;
  const after = (m: StoredMessage): StoredMessage | undefined => conversation.messages[conversation.messages.indexOf(m) + 1];

  describe('gmi.thinking and gmi.reasoningEffort', () => {
    it('a thinking budget turns on extended thinking for Claude; the thinking shows in the reply’s Thinking', async () => {
      settings = { thinkingBudgetTokens: 6000, temperature: 0.4 };
      fake.enqueue({ thinking: 'Weighing both options.', text: 'Pick the first.' });
      await chat.send('Which one?');
      const sent = body(fake.requests[0]);
      assert.deepEqual(sent.thinking, { type: 'enabled', budget_tokens: 6000 });
      assert.ok((sent.max_tokens as number) > 6000);
      assert.equal(sent.temperature, undefined, 'no temperature with thinking');
      assert.equal(reply().thinking, 'Weighing both options.');
      assert.equal(reply().text, 'Pick the first.');
    });

    it('without a budget no thinking is asked for', async () => {
      await chat.send('Which one?');
      assert.equal(body(fake.requests[0]).thinking, undefined);
    });

    it('reasoning effort goes to the families that take it, and not to others (with a log line)', async () => {
      settings = { model: 'openai/gpt-5', reasoningEffort: 'high' };
      fake.enqueue({ thinking: 'Let me reason.', text: 'Done.' });
      await chat.send('Think hard.');
      assert.equal(body(fake.requests[0]).reasoning_effort, 'high');
      assert.equal(reply().thinking, 'Let me reason.');

      settings = { model: 'deepseek-ai/DeepSeek-V3.2', reasoningEffort: 'high' };
      await chat.send('And now?');
      assert.equal('reasoning_effort' in body(fake.requests[1]), false);
      assert.ok(logLines.some((l) => /gmi\.reasoningEffort is not sent: deepseek-ai\/DeepSeek-V3\.2/.test(l)), logLines.join('\n'));
      assert.ok(after(reply()) === undefined, 'no error');
    });
  });

  describe('endings the user can read', () => {
    it('content_filter ends the reply with a notice that the provider declined, not a silent done', async () => {
      settings = { model: 'openai/gpt-4o' };
      fake.enqueue({ text: 'Here is how to', stopReason: 'content_filter' });
      await chat.send('Something the filter dislikes');
      const r = reply();
      assert.equal(r.text, 'Here is how to', 'what arrived is kept');
      const notice = after(r)!;
      assert.equal(notice.role, 'error');
      assert.equal(notice.replyTo, r.id);
      assert.match(notice.text, /^The provider's content filter stopped this reply \(finish reason content_filter\): it was declined, not finished\./);
      assert.deepEqual(notice.actions, ['selectModel', 'retry']);
    });

    it('Messages stop reason refusal: the model declined', async () => {
      fake.enqueue({ text: '', stopReason: 'refusal' });
      await chat.send('Something the model refuses');
      const notice = after(reply())!;
      assert.equal(notice.text, 'anthropic/claude-sonnet-4.5 declined to answer (stop reason refusal). Rephrase the question, or try another model.');
    });

    it('Chat Completions refusal: its words are shown, then the notice', async () => {
      settings = { model: 'openai/gpt-4o' };
      const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
        `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      fake.enqueue({ rawEvents: chunk({ role: 'assistant', content: null, refusal: "I'm sorry, " }) + chunk({ refusal: "I can't help with that." }) + chunk({}, 'stop') + 'data: [DONE]\n\n' });
      await chat.send('Something the model refuses');
      assert.equal(reply().text, "I'm sorry, I can't help with that.");
      assert.match(after(reply())!.text, /^openai\/gpt-4o declined to answer/);
    });

    it('a normal stop adds nothing', async () => {
      await chat.send('Hello');
      assert.equal(after(reply()), undefined);
    });
  });

  describe('usage that adds up', () => {
    it('Chat Completions with running totals in every chunk: the last totals count; cached and reasoning tokens and the cost are shown', async () => {
      settings = { model: 'openai/gpt-4o' };
      fake.enqueue({ text: 'A fairly long answer, sent in many small pieces.', chunkSize: 3, usageInEveryChunk: true, usage: { input: 1200, output: 300, cached: 1000, reasoning: 50 } });
      await chat.send('Q');
      // gpt-4o: 200 uncached × $2.50 + 1,000 cached × $1.25 + 300 out × $10, per million
      assert.deepEqual(reply().usage, { inputTokens: 1200, outputTokens: 300, cachedTokens: 1000, reasoningTokens: 50, costUsd: 0.00475, pricesAsOf: '2026-12-01' });
    });

    it('Messages: cache reads and writes are part of the input shown, and priced as such', async () => {
      fake.enqueue({ text: 'ok', usage: { input: 50, output: 100, cached: 2000, cacheWrite: 300 } });
      await chat.send('Q');
      const u = reply().usage!;
      assert.equal(u.inputTokens, 2350);
      assert.equal(u.cachedTokens, 2000);
      assert.equal(u.cacheWriteTokens, 300);
      // Sonnet 4.5: 50 × $3 + 2,000 × $0.30 + 300 × $3.75 + 100 × $15, per million
      assert.ok(Math.abs(u.costUsd! - 0.003375) < 1e-12, String(u.costUsd));
    });

    it('no cost for a model without prices; the usage survives a save and a reload', async () => {
      settings = { model: 'example-org/fake-model-1' };
      fake.enqueue({ text: 'ok', usage: { input: 10, output: 5, reasoning: 2 } });
      await chat.send('Q');
      assert.deepEqual(reply().usage, { inputTokens: 10, outputTokens: 5, reasoningTokens: 2 });
      settings = { model: 'openai/gpt-4o' };
      fake.enqueue({ text: 'ok', usage: { input: 10, output: 5, cached: 4 } });
      await chat.send('Q2');
      const reloaded = Conversation.fromJSON(JSON.parse(JSON.stringify(conversation.toJSON()))).conversation;
      assert.deepEqual(reloaded.messages.map((m) => m.usage), conversation.messages.map((m) => m.usage));
      assert.equal(reloaded.messages[3].usage?.cachedTokens, 4);
    });
  });
});
