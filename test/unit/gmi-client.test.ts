import * as assert from 'node:assert/strict';
import { GmiClient, GmiError } from '../../src/gmi/client';
import type { StreamEvent } from '../../src/gmi/types';
import { Agent, type Dispatcher } from '../../src/gmi/undici';
import { startFakeGmi } from '../fake-gmi/server';
import { generateTestTls } from './helpers/tls';
import { useGmiClientFixture, KEY, collect, textOf, last, terminalCount, errorOf, request } from './helpers/gmiClientFixture';
import './helpers/unhandledRejections';

describe('gmi/client through the fake server', function () {
  const fx = useGmiClientFixture();

  for (const api of ['chatCompletions', 'messages'] as const) {
    describe(api, () => {
      it('streams text, usage and end', async () => {
        fx.fake.enqueue({ text: 'Hello there, 世界 🎉 friend.', chunkSize: 3, usage: { input: 21, output: 8, cached: 5 } });
        const events = await collect(fx.client().stream(request(api)));
        assert.equal(textOf(events), 'Hello there, 世界 🎉 friend.');
        assert.ok(events.filter((e) => e.type === 'text').length > 3, 'arrives in several events');
        const usage = events.find((e) => e.type === 'usage');
        assert.ok(usage && usage.type === 'usage');
        assert.equal(usage.usage.inputTokens, 21);
        assert.equal(usage.usage.outputTokens, 8);
        assert.equal(usage.usage.cachedTokens, 5);
        assert.deepEqual(last(events), { type: 'end', reason: 'stop' });
        assert.equal(terminalCount(events), 1);
      });

      it('streams thinking before text', async () => {
        fx.fake.enqueue({ thinking: 'Considering the options.', text: 'Done.', chunkSize: 4 });
        const events = await collect(fx.client().stream(request(api, { thinkingBudgetTokens: 2048 })));
        assert.equal(textOf(events, 'thinking'), 'Considering the options.');
        assert.equal(textOf(events), 'Done.');
        const firstText = events.findIndex((e) => e.type === 'text');
        assert.ok(events.slice(firstText).every((e) => e.type !== 'thinking'));
      });

      it('default reply echoes the question with a code block', async () => {
        const events = await collect(fx.client().stream(request(api)));
        assert.match(textOf(events), /^Echo: Hello 😀 世界/);
        assert.match(textOf(events), /```ts\n[\s\S]+```/);
        assert.equal(last(events).type, 'end');
      });

      it('maps the end reason (length)', async () => {
        fx.fake.enqueue({ text: 'cut', stopReason: api === 'messages' ? 'max_tokens' : 'length' });
        assert.deepEqual(last(await collect(fx.client().stream(request(api)))), { type: 'end', reason: 'length' });
      });

      it('a stream without its end marker is an error (cut off), partial', async () => {
        fx.fake.enqueue({ text: 'Some text', omitEnd: true });
        const events = await collect(fx.client().stream(request(api)));
        const err = errorOf(events);
        assert.equal(err.error.kind, 'stream');
        assert.match(err.error.message, /cut off/);
        assert.equal(err.partial, true);
        assert.equal(textOf(events), 'Some text');
      });

      it('a mid-stream error event ends the stream with an error', async () => {
        fx.fake.enqueue({ text: 'abcdefghij', chunkSize: 2, errorAfterChunks: 2, streamError: { type: 'overloaded_error', message: 'Overloaded' } });
        const events = await collect(fx.client().stream(request(api)));
        const err = errorOf(events);
        assert.equal(err.error.kind, 'overloaded');
        assert.equal(err.partial, true);
        assert.equal(textOf(events), 'abcd');
        assert.equal(fx.fake.requests.length, 1, 'no retry after text was handed out');
      });

      it('malformed JSON in one event is a stream error', async () => {
        const raw =
          api === 'messages'
            ? 'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}\n\nevent: content_block_delta\ndata: {not json\n\n'
            : 'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: {not json\n\ndata: [DONE]\n\n';
        fx.fake.enqueue({ rawEvents: raw, rawChunkBytes: 7 });
        const events = await collect(fx.client().stream(request(api)));
        assert.equal(textOf(events), 'ok');
        assert.equal(errorOf(events).error.kind, 'stream');
        assert.equal(errorOf(events).partial, true);
      });

      it('the server echoing the key never puts it in an error message', async () => {
        fx.fake.enqueue(
          { status: 401, body: `{"error":{"message":"API key ${KEY} is invalid"}}` },
          { text: 'abcdef', chunkSize: 2, errorAfterChunks: 1, streamError: { type: 'api_error', message: `upstream saw ${KEY}` } },
        );
        const c = fx.client();
        const auth = errorOf(await collect(c.stream(request(api))));
        assert.equal(auth.error.kind, 'auth');
        assert.ok(!auth.error.message.includes(KEY), auth.error.message);
        const mid = errorOf(await collect(c.stream(request(api))));
        assert.ok(!mid.error.message.includes(KEY), mid.error.message);
        assert.match(mid.error.message, /upstream saw \[redacted\]/);
      });
    });
  }

  it('sends the right headers and body for Chat Completions', async () => {
    await collect(fx.client({ organizationId: 'org-7', userAgent: 'gmi-vscode/test' }).stream(request('chatCompletions', { maxTokens: 50 })));
    const r = fx.fake.requests[0];
    assert.equal(r.path, '/v1/chat/completions');
    assert.equal(r.headers.authorization, `Bearer ${KEY}`);
    assert.equal(r.headers['x-organization-id'], 'org-7');
    assert.equal(r.headers['user-agent'], 'gmi-vscode/test');
    const body = r.body as Record<string, unknown>;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.max_tokens, 50);
    assert.deepEqual((body.messages as unknown[])[0], { role: 'system', content: 'You are a test.' });
  });

  it('sends the right headers and body for Messages', async () => {
    await collect(fx.client().stream(request('messages', { thinkingBudgetTokens: 3000 })));
    const r = fx.fake.requests[0];
    assert.equal(r.path, '/v1/messages');
    assert.equal(r.headers['x-api-key'], KEY);
    assert.equal(r.headers.authorization, `Bearer ${KEY}`);
    assert.equal(r.headers['anthropic-version'], '2023-06-01');
    assert.equal(r.headers['x-organization-id'], undefined);
    const body = r.body as Record<string, unknown>;
    assert.deepEqual(body.system, [{ type: 'text', text: 'You are a test.', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 3000 });
    assert.equal(body.max_tokens, 32000);
  });

  it('Chat Completions: <think> tags split across deltas become thinking', async () => {
    for (const chunkSize of [1, 2, 3, 5, 8]) {
      fx.fake.enqueue({ thinking: 'inner thoughts', thinkingFormat: 'tags', text: 'The answer.', chunkSize });
      const events = await collect(fx.client().stream(request('chatCompletions')));
      assert.equal(textOf(events, 'thinking'), 'inner thoughts', `chunkSize ${chunkSize}`);
      assert.equal(textOf(events), 'The answer.', `chunkSize ${chunkSize}`);
    }
  });

  it('a logger that throws does not break the stream', async () => {
    const boom = (): never => {
      throw new Error('logger broke');
    };
    const events = await collect(fx.client({ logger: { info: boom, warn: boom, error: boom } }).stream(request('chatCompletions')));
    assert.match(textOf(events), /^Echo:/);
    assert.deepEqual(last(events), { type: 'end', reason: 'stop' });
  });

  it('with a required key, a rejected request does not use up a reply plan', async () => {
    await fx.restart({ apiKey: 'right' });
    fx.fake.enqueue({ text: 'planned reply' });
    assert.equal(errorOf(await collect(fx.client({ apiKey: 'wrong' }).stream(request('messages')))).error.kind, 'auth');
    assert.equal(textOf(await collect(fx.client({ apiKey: 'right' }).stream(request('messages')))), 'planned reply');
  });

  it('a gateway that ignores "stream": true (one JSON reply) still gives the same events', async () => {
    fx.fake.enqueue({
      headers: { 'content-type': 'application/json' },
      rawEvents: JSON.stringify({
        choices: [{ index: 0, message: { role: 'assistant', content: '<think>hmm</think>Whole reply.' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 3, completion_tokens: 4 },
      }),
    });
    const chat = await collect(fx.client().stream(request('chatCompletions')));
    assert.equal(textOf(chat), 'Whole reply.');
    assert.equal(textOf(chat, 'thinking'), 'hmm');
    assert.deepEqual(chat.find((e) => e.type === 'usage'), { type: 'usage', usage: { inputTokens: 3, outputTokens: 4 } });
    assert.deepEqual(last(chat), { type: 'end', reason: 'length' });

    fx.fake.enqueue({
      headers: { 'content-type': 'application/json' },
      rawEvents: JSON.stringify({
        type: 'message',
        content: [
          { type: 'thinking', thinking: 'pondering' },
          { type: 'text', text: 'Messages reply.' },
        ],
        stop_reason: 'end_turn',
        usage: { input_tokens: 5, output_tokens: 6 },
      }),
    });
    const messages = await collect(fx.client().stream(request('messages')));
    assert.equal(textOf(messages), 'Messages reply.');
    assert.equal(textOf(messages, 'thinking'), 'pondering');
    assert.deepEqual(last(messages), { type: 'end', reason: 'stop' });
  });

  it('a recorded stream written a few bytes at a time decodes the same (emoji, CJK, CRLF, comments, BOM)', async () => {
    const deltas = ['Hi ', '😀', ' 世界', '，再见', ' 👍🏽!'];
    const raw =
      '\uFEFF: keep-alive\r\n\r\n' +
      deltas.map((d, i) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: d }, finish_reason: null }] })}${i % 2 ? '\r\n\r\n' : '\n\n'}`).join('') +
      'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\r\r' +
      'data: {"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":5}}\n\n' +
      'data: [DONE]\n\n';
    for (const rawChunkBytes of [1, 2, 3, 5]) {
      fx.fake.enqueue({ rawEvents: raw, rawChunkBytes });
      const events = await collect(fx.client().stream(request('chatCompletions')));
      assert.equal(textOf(events), deltas.join(''), `rawChunkBytes ${rawChunkBytes}`);
      assert.deepEqual(last(events), { type: 'end', reason: 'stop' });
    }
  });

  it('tool calls come through as complete toolCall events', async () => {
    fx.fake.enqueue({ text: 'Calling.', toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"q":"x"}' }] });
    const events = await collect(fx.client().stream(request('chatCompletions')));
    assert.deepEqual(events.filter((e) => e.type === 'toolCall'), [{ type: 'toolCall', id: 'call_9', name: 'lookup', input: { q: 'x' } }]);
    assert.deepEqual(last(events), { type: 'end', reason: 'toolCalls' });
  });

  describe('error replies', () => {
    it('400 with nested details → badRequest with the inner message', async () => {
      fx.fake.enqueue({ status: 400 });
      const err = errorOf(await collect(fx.client().stream(request('chatCompletions'))));
      assert.equal(err.error.kind, 'badRequest');
      assert.equal(err.error.status, 400);
      assert.match(err.error.message, /Invalid max_tokens value/);
      assert.equal(err.partial, false);
      assert.equal(fx.fake.requests.length, 1);
    });

    it('a bare model name → plain-text 404 → modelNotFound / selectModel', async () => {
      const err = errorOf(await collect(fx.client().stream(request('chatCompletions', { model: 'DeepSeek-V3.2' }))));
      assert.equal(err.error.kind, 'modelNotFound');
      assert.equal(err.error.action, 'selectModel');
      assert.match(err.error.message, /DeepSeek-V3\.2/);
    });

    it('a wrong base path → notFound / openSettings', async () => {
      const err = errorOf(await collect(fx.client({ baseUrl: fx.fake.baseUrl.replace('/v1', '/v2') }).stream(request('chatCompletions'))));
      assert.equal(err.error.kind, 'notFound');
      assert.equal(err.error.action, 'openSettings');
    });

    it('wrong key → 401 in each API shape → auth / setApiKey', async () => {
      await fx.restart({ apiKey: 'the-right-key' });
      for (const api of ['chatCompletions', 'messages'] as const) {
        const err = errorOf(await collect(fx.client().stream(request(api))));
        assert.equal(err.error.kind, 'auth');
        assert.equal(err.error.action, 'setApiKey');
        assert.match(err.error.message, /GMI rejected the API key/);
      }
      const ok = await collect(fx.client({ apiKey: 'the-right-key' }).stream(request('messages')));
      assert.equal(last(ok).type, 'end');
    });

    it('Messages 529 overloaded_error, retried then reported', async () => {
      fx.fake.enqueue({ status: 529 }, { status: 529 }, { status: 529 });
      const events = await collect(fx.client().stream(request('messages')));
      const err = errorOf(events);
      assert.equal(err.error.kind, 'overloaded');
      assert.equal(err.error.action, 'retry');
      assert.equal(events.filter((e) => e.type === 'retry').length, 2);
      assert.equal(fx.fake.requests.length, 3);
    });

    it('HTML and empty bodies never reach the message', async () => {
      fx.fake.enqueue({ status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' }, { status: 402, body: '' });
      const c = fx.client({ maxRetries: 0 });
      const html = errorOf(await collect(c.stream(request('chatCompletions'))));
      assert.equal(html.error.kind, 'server');
      assert.doesNotMatch(html.error.message, /<|nginx/);
      const empty = errorOf(await collect(c.stream(request('chatCompletions'))));
      assert.equal(empty.error.kind, 'billing');
    });

    it('a 200 web page (base URL pointing at a website) → notFound / openSettings', async () => {
      fx.fake.enqueue({ headers: { 'content-type': 'text/html; charset=utf-8' }, rawEvents: '<!doctype html><html><body>Welcome to GMI Cloud</body></html>' });
      const err = errorOf(await collect(fx.client().stream(request('chatCompletions'))));
      assert.equal(err.error.kind, 'notFound');
      assert.equal(err.error.action, 'openSettings');
      assert.doesNotMatch(err.error.message, /Welcome|<html/);
    });

    it('a 200 JSON error body is reported as an error', async () => {
      fx.fake.enqueue({ headers: { 'content-type': 'application/json' }, rawEvents: '{"error":{"message":"quota exhausted","type":"insufficient_quota"}}' });
      const err = errorOf(await collect(fx.client().stream(request('chatCompletions'))));
      assert.match(err.error.message, /quota exhausted/);
    });

    it('429 with Retry-After reports retryAfterMs once retries are used up', async () => {
      fx.fake.enqueue({ status: 429, headers: { 'retry-after': '5' } });
      const err = errorOf(await collect(fx.client({ maxRetries: 0 }).stream(request('chatCompletions'))));
      assert.equal(err.error.kind, 'rateLimit');
      assert.equal(err.error.retryAfterMs, 5000);
      assert.match(err.error.message, /Try again in 5 seconds/);
    });
  });


  describe('base URL and TLS', () => {
    it('refuses http:// for a non-loopback host before any request (the key is never sent)', async () => {
      let dispatched = 0;
      const spy = new Agent();
      const dispatcher = new Proxy(spy, {
        get(target, prop, receiver) {
          if (prop === 'dispatch') {
            return (...args: unknown[]) => {
              dispatched++;
              return (target.dispatch as (...a: unknown[]) => boolean).apply(target, args);
            };
          }
          return Reflect.get(target, prop, receiver);
        },
      }) as Dispatcher;
      const events = await collect(fx.client({ baseUrl: 'http://gmi.example.test/v1', dispatcher }).stream(request('chatCompletions')));
      const err = errorOf(events);
      assert.equal(err.error.kind, 'insecureBaseUrl');
      assert.equal(err.error.action, 'openSettings');
      assert.equal(events.length, 1);
      assert.equal(dispatched, 0);
      await spy.close();
    });

    it('an untrusted certificate → certificate error; trusting the CA fixes it', async function () {
      this.timeout(30_000);
      const tls = await generateTestTls();
      const secure = await startFakeGmi({ tls: { key: tls.key, cert: tls.cert } });
      try {
        const untrusted = errorOf(await collect(fx.client({ baseUrl: secure.baseUrl, maxRetries: 0 }).stream(request('messages'))));
        assert.equal(untrusted.error.kind, 'certificate');
        assert.match(untrusted.error.message, /NODE_EXTRA_CA_CERTS/);
        const agent = new Agent({ connect: { ca: tls.ca } });
        const events = await collect(fx.client({ baseUrl: secure.baseUrl, dispatcher: agent }).stream(request('messages')));
        assert.equal(last(events).type, 'end');
        assert.match(textOf(events), /^Echo:/);
        await agent.close();
      } finally {
        await secure.close();
      }
    });
  });

  describe('listModels', () => {
    it('reads the live list, takes context_length when present and fills gaps from the catalog', async () => {
      const models = await fx.client().listModels();
      assert.equal(fx.fake.requests[0].path, '/v1/models');
      assert.equal(fx.fake.requests[0].headers.authorization, `Bearer ${KEY}`);
      const byId = new Map(models.map((m) => [m.id, m]));
      assert.equal(byId.get('example-org/fake-model-1')?.contextLength, 32768, 'live value');
      assert.equal(byId.get('example-org/fake-model-1')?.maxOutputTokens, undefined, 'unknown to the catalog');
      assert.equal(byId.get('deepseek-ai/DeepSeek-V3.2')?.contextLength, 163_840, 'from the catalog');
      assert.equal(byId.get('anthropic/claude-opus-4.5')?.maxOutputTokens, 32_000);
      assert.equal(byId.get('openai/gpt-4o')?.ownedBy, 'openai');
      assert.ok(!byId.has('google/gemini-3-pro-preview'), 'catalog-only models are not added to a live list');
      assert.ok(models.every((m) => !m.fromCatalog));
    });

    it('throws GmiError (auth) on a wrong key', async () => {
      await fx.restart({ apiKey: 'other' });
      await assert.rejects(fx.client().listModels(), (err: unknown) => err instanceof GmiError && err.info.kind === 'auth' && !err.message.includes(KEY));
    });

    it('throws GmiError (insecureBaseUrl) for an http remote base URL', async () => {
      await assert.rejects(fx.client({ baseUrl: 'http://api.gmi-serving.com/v1' }).listModels(), (err: unknown) => err instanceof GmiError && err.info.kind === 'insecureBaseUrl');
    });
  });
});
