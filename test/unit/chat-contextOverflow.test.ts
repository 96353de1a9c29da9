// Context overflow: GMI's "prompt is too long" errors of both formats are recognised, offer "Drop
// oldest turns and retry", and that resends with the history cut to fit, saying how much was left
// out; turns left out before sending are said on the reply too.
import * as assert from 'node:assert/strict';
import { failureActions, NEXT_STEPS } from '../../src/actions/nextSteps';
import { ChatService } from '../../src/chat/chatService';
import { Conversation } from '../../src/chat/conversation';
import { GmiClient } from '../../src/gmi/client';
import { contextOverflow, errorFromResponse } from '../../src/gmi/errors';
import type { WireApi } from '../../src/gmi/types';
import { parseWebviewMessage } from '../../src/protocol/messages';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import './helpers/unhandledRejections';

const ANTHROPIC_TOO_LONG = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' }, request_id: 'req_1' });
const ANTHROPIC_WITH_OUTPUT = JSON.stringify({
  type: 'error',
  error: { type: 'invalid_request_error', message: 'input length and `max_tokens` exceed context limit: 178959 + 64000 > 200000, decrease input length or `max_tokens` and try again' },
});
const OPENAI_TOO_LONG = JSON.stringify({
  error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 150000 tokens. Please reduce the length of the messages.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
});
const VLLM_TOO_LONG = JSON.stringify({
  object: 'error',
  message: "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens (32000 in the messages, 8000 in the completion). Please reduce the length of the messages or completion.",
  type: 'BadRequestError',
  param: null,
  code: 400,
});
/** GMI wraps a backend's error as a JSON string in error.details. */
const GMI_WRAPPED = JSON.stringify({ error: { message: 'Backend request failed with status 400', type: 'backend_error', code: 400, details: VLLM_TOO_LONG } });

describe('context overflow', () => {
  describe('recognising the error', () => {
    it('reads the numbers from each known shape', () => {
      assert.deepEqual(contextOverflow(ANTHROPIC_TOO_LONG), { promptTokens: 250000, limitTokens: 200000 });
      assert.deepEqual(contextOverflow(ANTHROPIC_WITH_OUTPUT), { promptTokens: 178959, outputTokens: 64000, limitTokens: 200000 });
      assert.deepEqual(contextOverflow(OPENAI_TOO_LONG), { limitTokens: 128000, promptTokens: 150000 });
      assert.deepEqual(contextOverflow(VLLM_TOO_LONG), { limitTokens: 32768, promptTokens: 32000, outputTokens: 8000 });
      assert.deepEqual(contextOverflow(GMI_WRAPPED), { limitTokens: 32768, promptTokens: 32000, outputTokens: 8000 });
      assert.deepEqual(
        contextOverflow(JSON.stringify({ object: 'error', message: "'max_tokens' or 'max_completion_tokens' is too large: 10000. This model's maximum context length is 16384 tokens and your request has 7000 input tokens (10000 > 16384 - 7000)." })),
        { limitTokens: 16384, promptTokens: 7000 },
      );
      assert.deepEqual(contextOverflow(JSON.stringify({ error: { message: 'Too long.', code: 'context_length_exceeded' } })), {});
    });

    it('other 400s are not overflows', () => {
      for (const body of ['', 'Bad Request', JSON.stringify({ error: { message: 'Invalid max_tokens value, the valid range of max_tokens is [1, 393216]' } })]) {
        assert.equal(contextOverflow(body), undefined, body);
        assert.equal(errorFromResponse({ status: 400, body }).kind, 'badRequest');
      }
    });

    it('becomes an error that offers "Drop oldest turns and retry" (not a plain Retry) in both formats', () => {
      for (const body of [ANTHROPIC_TOO_LONG, OPENAI_TOO_LONG, GMI_WRAPPED]) {
        const info = errorFromResponse({ status: 400, body, model: 'anthropic/claude-sonnet-4.5' });
        assert.equal(info.kind, 'contextOverflow', body);
        assert.equal(info.action, 'dropOldestTurns');
        assert.deepEqual(failureActions(info), ['dropOldestTurns', 'openLog']);
      }
      assert.equal(
        errorFromResponse({ status: 400, body: ANTHROPIC_TOO_LONG, model: 'anthropic/claude-sonnet-4.5' }).message,
        "The conversation is too long for anthropic/claude-sonnet-4.5's context (HTTP 400: 250,000 tokens > 200,000). Drop the oldest turns and retry, or start a new chat.",
      );
      assert.equal(NEXT_STEPS.dropOldestTurns.label, 'Drop oldest turns and retry');
      assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'dropOldestTurns' }), { type: 'action', action: 'dropOldestTurns' });
    });
  });

  describe('through the chat and the server', () => {
    let fake: FakeGmi;
    let client: GmiClient;
    beforeEach(async () => {
      fake = await startFakeGmi();
      client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', maxRetries: 0 });
    });
    afterEach(async () => {
      await client.close();
      await fake.close();
    });

    /** A chat with `exchanges` earlier question/answer pairs of ~1,000 tokens each, all answered. */
    async function longChat(model: string, api: WireApi, exchanges: number, contextLength = 1_000_000) {
      const conversation = new Conversation();
      const chat = new ChatService({ conversation, prepare: async () => ({ client, model, api, contextLength, maxOutputTokens: 1_000 }) });
      for (let i = 0; i < exchanges; i++) {
        fake.enqueue({ text: `Answer ${i}: ${'a'.repeat(1500)}` });
        await chat.send(`Question ${i}: ${'q'.repeat(1500)}`);
      }
      return { conversation, chat };
    }
    const sentTurns = (i: number): number => ((fake.requests[i].body as { messages: unknown[] }).messages).filter((m) => (m as { role: string }).role !== 'system').length;

    for (const [api, model, body] of [
      ['messages', 'anthropic/claude-sonnet-4.5', JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 12000 tokens > 6000 maximum' } })],
      ['chatCompletions', 'deepseek-ai/DeepSeek-V3.2', JSON.stringify({ error: { message: 'Backend request failed with status 400', type: 'backend_error', code: 400, details: JSON.stringify({ object: 'error', message: "This model's maximum context length is 6000 tokens. However, your messages resulted in 12000 tokens. Please reduce the length of the messages.", code: 400 }) } })],
    ] as const) {
      it(`${api}: the action resends with the history cut to what the server said fits, and says how much was left out`, async () => {
        const { conversation, chat } = await longChat(model, api, 5);
        fake.enqueue({ status: 400, body });
        await chat.send('And the last question?');
        const error = conversation.messages.at(-1)!;
        assert.equal(error.role, 'error');
        assert.match(error.text, /^The conversation is too long for /);
        assert.deepEqual(error.actions, ['dropOldestTurns', 'openLog']);
        assert.equal(sentTurns(5), 11, 'everything was sent the first time');

        fake.enqueue({ text: 'Short answer.' });
        assert.equal(await chat.retry(error.id, { dropOldestTurns: true }), true);
        const reply = conversation.messages.at(-1)!;
        assert.equal(reply.text, 'Short answer.');
        const kept = sentTurns(6);
        // the server counted 12,000 against 6,000: about 45% of the history fits (with the margin)
        assert.ok(kept >= 3 && kept <= 5, `kept ${kept} of 11 turns`);
        assert.equal(reply.notice, `The ${11 - kept} oldest messages were left out to fit ${model}'s context (GMI said the conversation was too long).`);
        assert.equal(conversation.messages.filter((m) => m.role === 'error').length, 0, 'the error is gone with the failed reply');
      });
    }

    it('without numbers in the error, half of the history is sent', async () => {
      const { conversation, chat } = await longChat('openai/gpt-4o', 'chatCompletions', 4);
      fake.enqueue({ status: 400, body: JSON.stringify({ error: { message: 'Too long.', code: 'context_length_exceeded' } }) });
      await chat.send('Q');
      fake.enqueue({ text: 'ok' });
      await chat.retry(conversation.messages.at(-1)!.id, { dropOldestTurns: true });
      assert.ok(sentTurns(5) <= 5, `sent ${sentTurns(5)} of 9 turns`);
      assert.match(conversation.messages.at(-1)!.notice ?? '', /^The \d+ oldest messages were left out/);
    });

    it('turns left out before sending are said on the reply, not only in the log', async () => {
      const { conversation } = await longChat('example-org/fake-model-1', 'chatCompletions', 4, 4_000);
      const last = conversation.messages.at(-1)!;
      assert.equal(last.role, 'assistant');
      assert.match(last.notice ?? '', /^The \d+ oldest messages were left out to fit example-org\/fake-model-1's context\.$/);
      assert.equal(conversation.messages[1].notice, undefined, 'the first reply had everything');
    });
  });
});
