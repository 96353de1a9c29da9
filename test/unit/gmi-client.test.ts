import * as assert from 'node:assert/strict';
import { GmiClient, GmiError, type GmiClientOptions } from '../../src/gmi/client';
import type { ChatRequest, StreamEvent, WireApi } from '../../src/gmi/types';
import { Agent, type Dispatcher } from '../../src/gmi/undici';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import { generateTestTls } from './helpers/tls';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQtdGVzdCJ9.c2VjcmV0LXNpZ25hdHVyZQ';

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}
const textOf = (events: StreamEvent[], type: 'text' | 'thinking' = 'text'): string =>
  events.map((e) => (e.type === type ? e.text : '')).join('');
const last = (events: StreamEvent[]): StreamEvent => events[events.length - 1];
function terminalCount(events: StreamEvent[]): number {
  return events.filter((e) => e.type === 'end' || e.type === 'error').length;
}
function errorOf(events: StreamEvent[]): Extract<StreamEvent, { type: 'error' }> {
  const e = last(events);
  assert.equal(e.type, 'error', `expected an error, got ${JSON.stringify(e)}`);
  return e as Extract<StreamEvent, { type: 'error' }>;
}

function request(api: WireApi, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: api === 'messages' ? 'anthropic/claude-sonnet-4.5' : 'deepseek-ai/DeepSeek-V3.2',
    api,
    system: 'You are a test.',
    messages: [{ role: 'user', content: 'Hello 😀 世界' }],
    ...extra,
  };
}

describe('gmi/client through the fake server', function () {
  let fake: FakeGmi;
  const clients: GmiClient[] = [];
  let logs: string[];
  let sleeps: number[];

  function client(options: Partial<GmiClientOptions> = {}): GmiClient {
    const c = new GmiClient({
      baseUrl: fake.baseUrl,
      apiKey: KEY,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
      logger: {
        info: (m) => logs.push(m),
        warn: (m) => logs.push(m),
        error: (m) => logs.push(m),
      },
      ...options,
    });
    clients.push(c);
    return c;
  }

  beforeEach(async () => {
    fake = await startFakeGmi();
    logs = [];
    sleeps = [];
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await fake.close();
    for (const line of logs) assert.ok(!line.includes(KEY), `key in log line: ${line}`);
  });

  for (const api of ['chatCompletions', 'messages'] as const) {
    describe(api, () => {
      it('streams text, usage and end', async () => {
        fake.enqueue({ text: 'Hello there, 世界 🎉 friend.', chunkSize: 3, usage: { input: 21, output: 8, cached: 5 } });
        const events = await collect(client().stream(request(api)));
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
        fake.enqueue({ thinking: 'Considering the options.', text: 'Done.', chunkSize: 4 });
        const events = await collect(client().stream(request(api, { thinkingBudgetTokens: 2048 })));
        assert.equal(textOf(events, 'thinking'), 'Considering the options.');
        assert.equal(textOf(events), 'Done.');
        const firstText = events.findIndex((e) => e.type === 'text');
        assert.ok(events.slice(firstText).every((e) => e.type !== 'thinking'));
      });

      it('default reply echoes the question with a code block', async () => {
        const events = await collect(client().stream(request(api)));
        assert.match(textOf(events), /^Echo: Hello 😀 世界/);
        assert.match(textOf(events), /```ts\n[\s\S]+```/);
        assert.equal(last(events).type, 'end');
      });

      it('maps the end reason (length)', async () => {
        fake.enqueue({ text: 'cut', stopReason: api === 'messages' ? 'max_tokens' : 'length' });
        assert.deepEqual(last(await collect(client().stream(request(api)))), { type: 'end', reason: 'length' });
      });

      it('a stream without its end marker is an error (cut off), partial', async () => {
        fake.enqueue({ text: 'Some text', omitEnd: true });
        const events = await collect(client().stream(request(api)));
        const err = errorOf(events);
        assert.equal(err.error.kind, 'stream');
        assert.match(err.error.message, /cut off/);
        assert.equal(err.partial, true);
        assert.equal(textOf(events), 'Some text');
      });

      it('a mid-stream error event ends the stream with an error', async () => {
        fake.enqueue({ text: 'abcdefghij', chunkSize: 2, errorAfterChunks: 2, streamError: { type: 'overloaded_error', message: 'Overloaded' } });
        const events = await collect(client().stream(request(api)));
        const err = errorOf(events);
        assert.equal(err.error.kind, 'overloaded');
        assert.equal(err.partial, true);
        assert.equal(textOf(events), 'abcd');
        assert.equal(fake.requests.length, 1, 'no retry after text was handed out');
      });

      it('malformed JSON in one event is a stream error', async () => {
        const raw =
          api === 'messages'
            ? 'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}\n\nevent: content_block_delta\ndata: {not json\n\n'
            : 'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: {not json\n\ndata: [DONE]\n\n';
        fake.enqueue({ rawEvents: raw, rawChunkBytes: 7 });
        const events = await collect(client().stream(request(api)));
        assert.equal(textOf(events), 'ok');
        assert.equal(errorOf(events).error.kind, 'stream');
        assert.equal(errorOf(events).partial, true);
      });

      it('the server echoing the key never puts it in an error message', async () => {
        fake.enqueue(
          { status: 401, body: `{"error":{"message":"API key ${KEY} is invalid"}}` },
          { text: 'abcdef', chunkSize: 2, errorAfterChunks: 1, streamError: { type: 'api_error', message: `upstream saw ${KEY}` } },
        );
        const c = client();
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
    await collect(client({ organizationId: 'org-7', userAgent: 'gmi-vscode/test' }).stream(request('chatCompletions', { maxTokens: 50 })));
    const r = fake.requests[0];
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
    await collect(client().stream(request('messages', { thinkingBudgetTokens: 3000 })));
    const r = fake.requests[0];
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
      fake.enqueue({ thinking: 'inner thoughts', thinkingFormat: 'tags', text: 'The answer.', chunkSize });
      const events = await collect(client().stream(request('chatCompletions')));
      assert.equal(textOf(events, 'thinking'), 'inner thoughts', `chunkSize ${chunkSize}`);
      assert.equal(textOf(events), 'The answer.', `chunkSize ${chunkSize}`);
    }
  });

  it('a logger that throws does not break the stream', async () => {
    const boom = (): never => {
      throw new Error('logger broke');
    };
    const events = await collect(client({ logger: { info: boom, warn: boom, error: boom } }).stream(request('chatCompletions')));
    assert.match(textOf(events), /^Echo:/);
    assert.deepEqual(last(events), { type: 'end', reason: 'stop' });
  });

  it('with a required key, a rejected request does not use up a reply plan', async () => {
    await fake.close();
    fake = await startFakeGmi({ apiKey: 'right' });
    fake.enqueue({ text: 'planned reply' });
    assert.equal(errorOf(await collect(client({ apiKey: 'wrong' }).stream(request('messages')))).error.kind, 'auth');
    assert.equal(textOf(await collect(client({ apiKey: 'right' }).stream(request('messages')))), 'planned reply');
  });

  it('a gateway that ignores "stream": true (one JSON reply) still gives the same events', async () => {
    fake.enqueue({
      headers: { 'content-type': 'application/json' },
      rawEvents: JSON.stringify({
        choices: [{ index: 0, message: { role: 'assistant', content: '<think>hmm</think>Whole reply.' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 3, completion_tokens: 4 },
      }),
    });
    const chat = await collect(client().stream(request('chatCompletions')));
    assert.equal(textOf(chat), 'Whole reply.');
    assert.equal(textOf(chat, 'thinking'), 'hmm');
    assert.deepEqual(chat.find((e) => e.type === 'usage'), { type: 'usage', usage: { inputTokens: 3, outputTokens: 4 } });
    assert.deepEqual(last(chat), { type: 'end', reason: 'length' });

    fake.enqueue({
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
    const messages = await collect(client().stream(request('messages')));
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
      fake.enqueue({ rawEvents: raw, rawChunkBytes });
      const events = await collect(client().stream(request('chatCompletions')));
      assert.equal(textOf(events), deltas.join(''), `rawChunkBytes ${rawChunkBytes}`);
      assert.deepEqual(last(events), { type: 'end', reason: 'stop' });
    }
  });

  it('tool calls come through as complete toolCall events', async () => {
    fake.enqueue({ text: 'Calling.', toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"q":"x"}' }] });
    const events = await collect(client().stream(request('chatCompletions')));
    assert.deepEqual(events.filter((e) => e.type === 'toolCall'), [{ type: 'toolCall', id: 'call_9', name: 'lookup', input: { q: 'x' } }]);
    assert.deepEqual(last(events), { type: 'end', reason: 'toolCalls' });
  });

  describe('error replies', () => {
    it('400 with nested details → badRequest with the inner message', async () => {
      fake.enqueue({ status: 400 });
      const err = errorOf(await collect(client().stream(request('chatCompletions'))));
      assert.equal(err.error.kind, 'badRequest');
      assert.equal(err.error.status, 400);
      assert.match(err.error.message, /Invalid max_tokens value/);
      assert.equal(err.partial, false);
      assert.equal(fake.requests.length, 1);
    });

    it('a bare model name → plain-text 404 → modelNotFound / selectModel', async () => {
      const err = errorOf(await collect(client().stream(request('chatCompletions', { model: 'DeepSeek-V3.2' }))));
      assert.equal(err.error.kind, 'modelNotFound');
      assert.equal(err.error.action, 'selectModel');
      assert.match(err.error.message, /DeepSeek-V3\.2/);
    });

    it('a wrong base path → notFound / openSettings', async () => {
      const err = errorOf(await collect(client({ baseUrl: fake.baseUrl.replace('/v1', '/v2') }).stream(request('chatCompletions'))));
      assert.equal(err.error.kind, 'notFound');
      assert.equal(err.error.action, 'openSettings');
    });

    it('wrong key → 401 in each API shape → auth / setApiKey', async () => {
      await fake.close();
      fake = await startFakeGmi({ apiKey: 'the-right-key' });
      for (const api of ['chatCompletions', 'messages'] as const) {
        const err = errorOf(await collect(client().stream(request(api))));
        assert.equal(err.error.kind, 'auth');
        assert.equal(err.error.action, 'setApiKey');
        assert.match(err.error.message, /GMI rejected the API key/);
      }
      const ok = await collect(client({ apiKey: 'the-right-key' }).stream(request('messages')));
      assert.equal(last(ok).type, 'end');
    });

    it('Messages 529 overloaded_error, retried then reported', async () => {
      fake.enqueue({ status: 529 }, { status: 529 }, { status: 529 });
      const events = await collect(client().stream(request('messages')));
      const err = errorOf(events);
      assert.equal(err.error.kind, 'overloaded');
      assert.equal(err.error.action, 'retry');
      assert.equal(events.filter((e) => e.type === 'retry').length, 2);
      assert.equal(fake.requests.length, 3);
    });

    it('HTML and empty bodies never reach the message', async () => {
      fake.enqueue({ status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' }, { status: 402, body: '' });
      const c = client({ maxRetries: 0 });
      const html = errorOf(await collect(c.stream(request('chatCompletions'))));
      assert.equal(html.error.kind, 'server');
      assert.doesNotMatch(html.error.message, /<|nginx/);
      const empty = errorOf(await collect(c.stream(request('chatCompletions'))));
      assert.equal(empty.error.kind, 'billing');
    });

    it('a 200 web page (base URL pointing at a website) → notFound / openSettings', async () => {
      fake.enqueue({ headers: { 'content-type': 'text/html; charset=utf-8' }, rawEvents: '<!doctype html><html><body>Welcome to GMI Cloud</body></html>' });
      const err = errorOf(await collect(client().stream(request('chatCompletions'))));
      assert.equal(err.error.kind, 'notFound');
      assert.equal(err.error.action, 'openSettings');
      assert.doesNotMatch(err.error.message, /Welcome|<html/);
    });

    it('a 200 JSON error body is reported as an error', async () => {
      fake.enqueue({ headers: { 'content-type': 'application/json' }, rawEvents: '{"error":{"message":"quota exhausted","type":"insufficient_quota"}}' });
      const err = errorOf(await collect(client().stream(request('chatCompletions'))));
      assert.match(err.error.message, /quota exhausted/);
    });

    it('429 with Retry-After reports retryAfterMs once retries are used up', async () => {
      fake.enqueue({ status: 429, headers: { 'retry-after': '5' } });
      const err = errorOf(await collect(client({ maxRetries: 0 }).stream(request('chatCompletions'))));
      assert.equal(err.error.kind, 'rateLimit');
      assert.equal(err.error.retryAfterMs, 5000);
      assert.match(err.error.message, /Try again in 5 seconds/);
    });
  });

  describe('retries', () => {
    it('honours Retry-After and retry-after-ms, emitting retry events', async () => {
      fake.enqueue({ status: 503, headers: { 'retry-after': '2' } }, { status: 429, headers: { 'retry-after-ms': '1234' } }, { text: 'finally' });
      const events = await collect(client().stream(request('chatCompletions')));
      assert.deepEqual(sleeps, [2000, 1234]);
      const retries = events.filter((e) => e.type === 'retry');
      assert.deepEqual(
        retries.map((e) => e.type === 'retry' && [e.attempt, e.delayMs]),
        [
          [1, 2000],
          [2, 1234],
        ],
      );
      assert.ok(retries.every((e) => e.type === 'retry' && e.reason.length > 0));
      assert.equal(textOf(events), 'finally');
      assert.equal(last(events).type, 'end');
      assert.equal(fake.requests.length, 3);
      assert.ok(logs.some((l) => /retry 1\/2 in 2000 ms/.test(l)));
    });

    it('backs off exponentially without server hints', async () => {
      fake.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
      const events = await collect(client({ maxRetries: 2, random: () => 0 }).stream(request('chatCompletions')));
      assert.deepEqual(sleeps, [500, 1000]);
      assert.equal(errorOf(events).error.kind, 'server');
    });

    it('x-should-retry: true retries a 400, false stops a 503', async () => {
      fake.enqueue({ status: 400, headers: { 'x-should-retry': 'true' } }, { text: 'ok' });
      const first = await collect(client().stream(request('chatCompletions')));
      assert.equal(textOf(first), 'ok');
      assert.equal(fake.requests.length, 2);

      fake.enqueue({ status: 503, headers: { 'x-should-retry': 'false' } }, { text: 'never used' });
      const second = await collect(client().stream(request('chatCompletions')));
      assert.equal(errorOf(second).error.kind, 'server');
      assert.equal(fake.requests.length, 3);
    });

    it('retries a connection dropped before any response', async () => {
      fake.enqueue({ destroyBeforeHeaders: true }, { text: 'second try' });
      const events = await collect(client().stream(request('messages')));
      assert.equal(events[0].type, 'retry');
      assert.equal(textOf(events), 'second try');
      assert.equal(fake.requests.length, 2);
    });

    it('retries a body that breaks before the first event, not after', async () => {
      fake.enqueue({ resetAfterChunks: 0 }, { text: 'abcdefgh', chunkSize: 2, resetAfterChunks: 2 }, { text: 'not reached' });
      const events = await collect(client().stream(request('chatCompletions')));
      assert.equal(events.filter((e) => e.type === 'retry').length, 1);
      assert.equal(textOf(events), 'abcd');
      const err = errorOf(events);
      assert.equal(err.error.kind, 'stream');
      assert.match(err.error.message, /cut off/);
      assert.equal(err.partial, true);
      assert.equal(fake.requests.length, 2);
    });

    it('gives up after maxRetries connection failures with a network error', async () => {
      fake.enqueue({ destroyBeforeHeaders: true }, { destroyBeforeHeaders: true });
      const events = await collect(client({ maxRetries: 1 }).stream(request('chatCompletions')));
      assert.equal(events.filter((e) => e.type === 'retry').length, 1);
      assert.equal(errorOf(events).error.kind, 'network');
    });

    it('a refused connection is a network error', async () => {
      const port = fake.port;
      await fake.close();
      fake = await startFakeGmi(); // for afterEach; the old port is now closed
      const events = await collect(client({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }).stream(request('chatCompletions')));
      const err = errorOf(events);
      assert.equal(err.error.kind, 'network');
      assert.match(err.error.message, /ECONNREFUSED/);
    });
  });

  describe('cancellation and timeouts', () => {
    it('abort mid-stream closes the socket and ends with cancelled', async () => {
      fake.enqueue({ text: 'x'.repeat(400), chunkSize: 4, delayMs: 10 });
      const controller = new AbortController();
      const events: StreamEvent[] = [];
      for await (const e of client().stream(request('chatCompletions'), { signal: controller.signal })) {
        events.push(e);
        if (e.type === 'text') controller.abort();
      }
      assert.deepEqual(last(events), { type: 'end', reason: 'cancelled' });
      assert.equal(terminalCount(events), 1);
      assert.equal(await fake.waitForOutcome(0), 'clientClosed');
      assert.ok(textOf(events).length < 400);
    });

    it('an already aborted signal sends nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      const events = await collect(client().stream(request('chatCompletions'), { signal: controller.signal }));
      assert.deepEqual(events, [{ type: 'end', reason: 'cancelled' }]);
      assert.equal(fake.requests.length, 0);
    });

    it('abort during a retry wait ends at once with cancelled (real sleep)', async () => {
      fake.enqueue({ status: 503, headers: { 'retry-after': '30' } });
      const controller = new AbortController();
      const events: StreamEvent[] = [];
      // no injected sleep: the real one must stop waiting when the signal aborts
      const c = new GmiClient({ baseUrl: fake.baseUrl, apiKey: KEY });
      clients.push(c);
      for await (const e of c.stream(request('chatCompletions'), { signal: controller.signal })) {
        events.push(e);
        if (e.type === 'retry') controller.abort();
      }
      assert.deepEqual(last(events), { type: 'end', reason: 'cancelled' });
      assert.equal(fake.requests.length, 1);
    });

    it('a consumer that stops iterating closes the socket', async () => {
      fake.enqueue({ text: 'y'.repeat(400), chunkSize: 4, delayMs: 10 });
      for await (const e of client().stream(request('messages'))) {
        if (e.type === 'text') break;
      }
      assert.equal(await fake.waitForOutcome(0), 'clientClosed');
    });

    it('idle timeout: a body that goes silent is abandoned with idleTimeout', async () => {
      fake.enqueue({ text: 'abcdefgh', chunkSize: 2, stallAfterChunks: 2 });
      const events = await collect(client({ idleTimeoutMs: 150 }).stream(request('chatCompletions')));
      const err = errorOf(events);
      assert.equal(err.error.kind, 'idleTimeout');
      assert.equal(err.error.action, 'retry');
      assert.match(err.error.message, /GMI stopped sending for 0\.15 s/);
      assert.equal(err.partial, true);
      assert.equal(textOf(events), 'abcd');
      assert.equal(await fake.waitForOutcome(0), 'clientClosed');
    });

    it('keep-alive comments and pings count as activity, the stream completes', async () => {
      fake.enqueue({ text: 'slow but alive', chunkSize: 3, keepAlive: true });
      const events = await collect(client().stream(request('chatCompletions')));
      assert.equal(textOf(events), 'slow but alive');
      fake.enqueue({ text: 'slow but alive', chunkSize: 3, keepAlive: true });
      assert.equal(textOf(await collect(client().stream(request('messages')))), 'slow but alive');
    });

    it('headers timeout → timeout error (retried first)', async () => {
      fake.enqueue({ headersDelayMs: 1500 }, { headersDelayMs: 1500 });
      const events = await collect(client({ headersTimeoutMs: 100, maxRetries: 1 }).stream(request('chatCompletions')));
      assert.equal(events.filter((e) => e.type === 'retry').length, 1);
      assert.equal(errorOf(events).error.kind, 'timeout');
    });

    it('leaves no timers running after a stream ends', async () => {
      const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const c = client({ idleTimeoutMs: 5000, sleep: undefined });
      await collect(c.stream(request('chatCompletions'))); // warm up undici's own timers
      const before = timeouts();
      fake.enqueue({ text: 'abc', chunkSize: 1 }, { status: 503, headers: { 'retry-after-ms': '5' } }, { stallAfterChunks: 1 });
      await collect(c.stream(request('chatCompletions')));
      await collect(client({ idleTimeoutMs: 50 }).stream(request('chatCompletions')));
      assert.ok(timeouts() <= before, `timeouts before ${before}, after ${timeouts()}`);
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
      const events = await collect(client({ baseUrl: 'http://gmi.example.test/v1', dispatcher }).stream(request('chatCompletions')));
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
        const untrusted = errorOf(await collect(client({ baseUrl: secure.baseUrl, maxRetries: 0 }).stream(request('messages'))));
        assert.equal(untrusted.error.kind, 'certificate');
        assert.match(untrusted.error.message, /NODE_EXTRA_CA_CERTS/);
        const agent = new Agent({ connect: { ca: tls.ca } });
        const events = await collect(client({ baseUrl: secure.baseUrl, dispatcher: agent }).stream(request('messages')));
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
      const models = await client().listModels();
      assert.equal(fake.requests[0].path, '/v1/models');
      assert.equal(fake.requests[0].headers.authorization, `Bearer ${KEY}`);
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
      await fake.close();
      fake = await startFakeGmi({ apiKey: 'other' });
      await assert.rejects(client().listModels(), (err: unknown) => err instanceof GmiError && err.info.kind === 'auth' && !err.message.includes(KEY));
    });

    it('throws GmiError (insecureBaseUrl) for an http remote base URL', async () => {
      await assert.rejects(client({ baseUrl: 'http://api.gmi-serving.com/v1' }).listModels(), (err: unknown) => err instanceof GmiError && err.info.kind === 'insecureBaseUrl');
    });
  });
});
