// Fault matrix: every way a GMI request can go wrong, through the loopback server, each with one
// exact expected outcome — error kind, status, action, message, partial text, how many attempts
// reached the server and the exact retry delays (sleep and jitter injected). Each case runs twice:
// straight through GmiClient, then through ChatService + Conversation, which must end with the
// reply in state 'error' (partial text kept), an error message with the right actions, and the
// chat ready for the next question. No unhandled rejection, no timer or socket left behind.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { ChatService, type PreparedRequest } from '../../src/chat/chatService';
import { Conversation } from '../../src/chat/conversation';
import { GmiClient, type GmiClientOptions } from '../../src/gmi/client';
import type { ErrorAction, GmiErrorKind, StreamEvent, WireApi } from '../../src/gmi/types';
import type { ErrorActionId } from '../../src/protocol/messages';
import { startFakeGmi, type FakeGmi, type ReplyPlan } from '../fake-gmi/server';
import { APIS } from './fixtures/recordedStreams';
import { leftoverTimers, startTrackingTimers } from './fixtures/timerTracker';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYXVsdHMifQ.ZmF1bHQtbWF0cml4LXNpZw';
/** Jitter source: 0.5 takes 12.5 % off the backoff, so retry n waits round(500·2^n·0.875) ms. */
const RANDOM = 0.5;
const BACKOFF = [438, 875]; // 437.5 rounds up
const IDLE_MS = 200;

const MODEL: Record<WireApi, string> = { chatCompletions: 'deepseek-ai/DeepSeek-V3.2', messages: 'anthropic/claude-sonnet-4.5' };

/** GMI's real 400 shape: the useful text is a JSON string inside error.details. */
const GMI_400 = JSON.stringify({
  error: {
    message: 'Backend request failed with status 400',
    type: 'backend_error',
    code: 400,
    details: JSON.stringify({
      error: { type: 'invalid_request_error', code: '400001', message: 'Invalid max_tokens value, the valid range of max_tokens is [1, 393216]', source: 'client', request_id: 'req-inner-7' },
    }),
  },
});
const HTML_502 = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body></html>';

interface Expected {
  kind: GmiErrorKind;
  status?: number;
  action?: ErrorAction;
  message: RegExp;
  /** Must not appear in the message (e.g. the envelope text, HTML). */
  notInMessage?: RegExp;
  retryAfterMs?: number;
  partial: boolean;
  /** The text the user saw before the failure. */
  text: string;
  /** Attempts that reached the server. */
  requests: number;
  /** The exact delay before each retry, in order (its length is the number of retries). */
  delays: number[];
}

interface FaultCase {
  name: string;
  plans(api: WireApi): ReplyPlan[];
  /** Connect to a port nobody listens on. */
  refused?: boolean;
  client?: Partial<GmiClientOptions>;
  expect(api: WireApi): Expected;
}

const times = (n: number, plan: ReplyPlan): ReplyPlan[] => Array.from({ length: n }, () => ({ ...plan }));
const retriedHttp = (status: number, extra: ReplyPlan = {}): ReplyPlan[] => times(3, { status, ...extra });

const malformed: Record<WireApi, string> = {
  chatCompletions: 'data: {"choices":[{"index":0,"delta":{"content":"ok "},"finish_reason":null}]}\n\ndata: {"choices":[{"index":0,"delta":{"content":"more"}}\n\ndata: {"choices":[{"index":0,"delta":{"content":"never"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
  messages:
    'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\n\n' +
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok "}}\n\n' +
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"more"\n\n' +
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
};

const CASES: FaultCase[] = [
  {
    name: 'refused connection',
    refused: true,
    plans: () => [],
    expect: () => ({ kind: 'network', action: 'retry', message: /^Could not reach 127\.0\.0\.1:\d+: the connection was refused; .*\(ECONNREFUSED\)\.$/, partial: false, text: '', requests: 0, delays: BACKOFF }),
  },
  {
    name: 'connection reset before the response headers',
    plans: () => times(3, { destroyBeforeHeaders: true }),
    expect: () => ({ kind: 'network', action: 'retry', message: /^Could not reach 127\.0\.0\.1:\d+: the connection failed or was closed/, partial: false, text: '', requests: 3, delays: BACKOFF }),
  },
  {
    name: '400 with GMI nested details',
    plans: () => [{ status: 400, body: GMI_400 }],
    expect: () => ({
      kind: 'badRequest',
      status: 400,
      message: /^GMI refused the request \(HTTP 400\): Invalid max_tokens value, the valid range of max_tokens is \[1, 393216\]\.$/,
      notInMessage: /Backend request failed/,
      partial: false,
      text: '',
      requests: 1,
      delays: [],
    }),
  },
  {
    name: '401',
    plans: () => [{ status: 401 }],
    expect: () => ({ kind: 'auth', status: 401, action: 'setApiKey', message: /^GMI rejected the API key \(HTTP 401\): fake authentication_error \(401\)\. Set a new key with "GMI: Set API Key"\.$/, partial: false, text: '', requests: 1, delays: [] }),
  },
  {
    name: '402',
    plans: () => [{ status: 402, body: '{"error":{"message":"Insufficient balance","type":"billing_error"}}' }],
    expect: () => ({ kind: 'billing', status: 402, message: /^GMI refused the request for billing reasons \(HTTP 402\): Insufficient balance\. Check the balance/, partial: false, text: '', requests: 1, delays: [] }),
  },
  {
    name: '403',
    plans: () => [{ status: 403, body: '{"error":{"message":"Forbidden for this organization"}}' }],
    expect: () => ({ kind: 'auth', status: 403, action: 'setApiKey', message: /^GMI rejected the API key \(HTTP 403\): Forbidden for this organization\./, partial: false, text: '', requests: 1, delays: [] }),
  },
  {
    name: '404 plain text (no server for the model)',
    plans: () => [{ status: 404 }],
    expect: (api) => ({
      kind: 'modelNotFound',
      status: 404,
      action: 'selectModel',
      message: new RegExp(`^GMI has no server for model "${MODEL[api].replace(/[.]/g, '\\.')}" \\(HTTP 404\\)\\. Pick another model`),
      partial: false,
      text: '',
      requests: 1,
      delays: [],
    }),
  },
  {
    name: '413',
    plans: () => [{ status: 413, body: '{"error":{"message":"Request body too large"}}' }],
    expect: () => ({ kind: 'tooLarge', status: 413, message: /^The request is too large for GMI \(HTTP 413\): Request body too large\. Send less context/, partial: false, text: '', requests: 1, delays: [] }),
  },
  {
    name: '429 without a retry hint: backoff with jitter, then rateLimit',
    plans: () => retriedHttp(429),
    expect: () => ({ kind: 'rateLimit', status: 429, action: 'retry', message: /^GMI's rate limit was reached \(HTTP 429\): .*\. Wait a moment and try again\.$/, partial: false, text: '', requests: 3, delays: BACKOFF }),
  },
  {
    name: '429 with Retry-After: 2 (seconds)',
    plans: () => retriedHttp(429, { headers: { 'retry-after': '2' } }),
    expect: () => ({ kind: 'rateLimit', status: 429, action: 'retry', retryAfterMs: 2000, message: /\. Try again in 2 seconds\.$/, partial: false, text: '', requests: 3, delays: [2000, 2000] }),
  },
  {
    name: '429 with retry-after-ms: 1500',
    plans: () => retriedHttp(429, { headers: { 'retry-after-ms': '1500' } }),
    expect: () => ({ kind: 'rateLimit', status: 429, action: 'retry', retryAfterMs: 1500, message: /\. Try again in 2 seconds\.$/, partial: false, text: '', requests: 3, delays: [1500, 1500] }),
  },
  {
    name: '429 with Retry-After above 60 s: not honoured, backoff instead',
    plans: () => retriedHttp(429, { headers: { 'retry-after': '120' } }),
    expect: () => ({ kind: 'rateLimit', status: 429, action: 'retry', retryAfterMs: 120_000, message: /\. Try again in 120 seconds\.$/, partial: false, text: '', requests: 3, delays: BACKOFF }),
  },
  ...[500, 502, 503].map(
    (status): FaultCase => ({
      name: `${status}`,
      plans: () => retriedHttp(status),
      expect: () => ({ kind: 'server', status, action: 'retry', message: new RegExp(`^GMI had a server error \\(HTTP ${status}\\): .*\\. Try again in a moment\\.$`), partial: false, text: '', requests: 3, delays: BACKOFF }),
    }),
  ),
  {
    name: '500 with maxRetries: 1 retries once',
    client: { maxRetries: 1 },
    plans: () => retriedHttp(500),
    expect: () => ({ kind: 'server', status: 500, action: 'retry', message: /^GMI had a server error \(HTTP 500\)/, partial: false, text: '', requests: 2, delays: [438] }),
  },
  {
    name: '529 overloaded',
    plans: () => retriedHttp(529),
    expect: () => ({ kind: 'overloaded', status: 529, action: 'retry', message: /^GMI is overloaded right now \(HTTP 529\).*\. Try again in a moment\.$/, partial: false, text: '', requests: 3, delays: BACKOFF }),
  },
  {
    name: 'an HTML error page (502 from a proxy)',
    plans: () => retriedHttp(502, { body: HTML_502 }),
    expect: () => ({ kind: 'server', status: 502, action: 'retry', message: /^GMI had a server error \(HTTP 502\)\. Try again in a moment\.$/, notInMessage: /<|nginx|Bad Gateway/, partial: false, text: '', requests: 3, delays: BACKOFF }),
  },
  {
    name: 'an empty error body (503)',
    plans: () => retriedHttp(503, { body: '' }),
    expect: () => ({ kind: 'server', status: 503, action: 'retry', message: /^GMI had a server error \(HTTP 503\)\. Try again in a moment\.$/, partial: false, text: '', requests: 3, delays: BACKOFF }),
  },
  {
    name: 'connection reset after the headers, before any event: retried',
    plans: () => times(3, { text: 'never shown', resetAfterChunks: 0 }),
    expect: () => ({ kind: 'stream', action: 'retry', message: /^The reply was cut off: the connection closed before GMI finished/, partial: false, text: '', requests: 3, delays: BACKOFF }),
  },
  {
    name: 'connection reset mid-stream: not retried, partial text kept',
    plans: () => [{ text: 'abcdefghijkl', chunkSize: 3, resetAfterChunks: 2 }, { text: 'must not be used' }],
    expect: () => ({ kind: 'stream', action: 'retry', message: /^The reply was cut off: the connection closed before GMI finished/, partial: true, text: 'abcdef', requests: 1, delays: [] }),
  },
  {
    name: 'the stream stops sending mid-reply (idle timeout)',
    client: { idleTimeoutMs: IDLE_MS },
    plans: () => [{ text: 'abcdefghijkl', chunkSize: 3, stallAfterChunks: 2 }, { text: 'must not be used' }],
    expect: () => ({ kind: 'idleTimeout', action: 'retry', message: /^GMI stopped sending for 0\.2 s, so the reply was abandoned\. Try again\.$/, partial: true, text: 'abcdef', requests: 1, delays: [] }),
  },
  {
    name: 'the stream sends headers then nothing (idle timeout before any event)',
    client: { idleTimeoutMs: IDLE_MS },
    plans: () => [{ text: 'abcdef', stallAfterChunks: 0 }, { text: 'must not be used' }],
    expect: () => ({ kind: 'idleTimeout', action: 'retry', message: /^GMI stopped sending for 0\.2 s/, partial: false, text: '', requests: 1, delays: [] }),
  },
  {
    name: 'the stream ends without [DONE] / message_stop',
    plans: () => [{ text: 'Half of it', chunkSize: 4, omitEnd: true }, { text: 'must not be used' }],
    expect: (api) => ({
      kind: 'stream',
      action: 'retry',
      message: api === 'messages' ? /^The reply was cut off: .*\(no message_stop\)\. Try again\.$/ : /^The reply was cut off: .*\(no \[DONE\]\)\. Try again\.$/,
      partial: true,
      text: 'Half of it',
      requests: 1,
      delays: [],
    }),
  },
  {
    // The connection closed cleanly with nothing in it: reported as cut off, not retried (only
    // connection errors, timeouts and retryable statuses are).
    name: 'a 200 stream with an empty body',
    plans: () => [{ rawEvents: '' }, { text: 'must not be used' }],
    expect: (api) => ({
      kind: 'stream',
      action: 'retry',
      message: api === 'messages' ? /^The reply was cut off: .*\(no message_stop\)\. Try again\.$/ : /^The reply was cut off: .*\(no \[DONE\]\)\. Try again\.$/,
      partial: false,
      text: '',
      requests: 1,
      delays: [],
    }),
  },
  {
    name: 'malformed JSON in one event',
    plans: (api) => [{ rawEvents: malformed[api], rawChunkBytes: 5 }, { text: 'must not be used' }],
    expect: () => ({ kind: 'stream', action: 'retry', message: /^GMI sent a malformed stream event \(invalid JSON.*\)\. Try again\.$/, partial: true, text: 'ok ', requests: 1, delays: [] }),
  },
  {
    name: 'an error event mid-stream',
    plans: () => [{ text: 'abcdefghij', chunkSize: 2, errorAfterChunks: 3, streamError: { type: 'overloaded_error', message: 'Overloaded' } }, { text: 'must not be used' }],
    expect: () => ({ kind: 'overloaded', action: 'retry', message: /^GMI reported an error while streaming the reply: Overloaded\. Try again\.$/, partial: true, text: 'abcdef', requests: 1, delays: [] }),
  },
];

/** What ChatService offers for a failure: its own action, Retry, and the log unless it's about the key or model. */
function chatActions(e: Expected): ErrorActionId[] {
  const out: ErrorActionId[] = [];
  if (e.action && e.action !== 'retry') out.push(e.action);
  out.push('retry');
  if (e.kind !== 'auth' && e.kind !== 'modelNotFound') out.push('openLog');
  return out;
}

const count = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;
const textOf = (events: StreamEvent[]): string => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('reliability: fault matrix', function () {
  this.timeout(30_000);
  let fake: FakeGmi;
  let clients: GmiClient[];
  let sleeps: number[];
  let baseline: { sockets: number; servers: number };

  function client(baseUrl: string, extra: Partial<GmiClientOptions> = {}): GmiClient {
    const c = new GmiClient({
      baseUrl,
      apiKey: KEY,
      random: () => RANDOM,
      sleep: async (ms) => void sleeps.push(ms),
      ...extra,
    });
    clients.push(c);
    return c;
  }

  beforeEach(async () => {
    baseline = { sockets: count('TCPSocketWrap'), servers: count('TCPServerWrap') };
    startTrackingTimers();
    fake = await startFakeGmi();
    clients = [];
    sleeps = [];
  });

  afterEach(async () => {
    for (const c of clients) await c.close();
    await fake.close();
    // Closed sockets and servers release their handles on a later turn of the loop.
    for (let i = 0; i < 100 && (count('TCPSocketWrap') > baseline.sockets || count('TCPServerWrap') > baseline.servers); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(leftoverTimers(), [], 'timers left running');
    assert.ok(count('TCPSocketWrap') <= baseline.sockets, `sockets left open: ${process.getActiveResourcesInfo().join(', ')}`);
    assert.ok(count('TCPServerWrap') <= baseline.servers, `servers left listening: ${process.getActiveResourcesInfo().join(', ')} (baseline ${baseline.servers})`);
  });

  for (const api of APIS) {
    describe(api, () => {
      for (const c of CASES) {
        it(c.name, async () => {
          const e = c.expect(api);
          const baseUrl = c.refused ? `http://127.0.0.1:${await closedPort()}/v1` : fake.baseUrl;
          const request = { model: MODEL[api], api, messages: [{ role: 'user' as const, content: 'Question?' }] };

          // 1. Straight through the client.
          fake.enqueue(...c.plans(api));
          const events: StreamEvent[] = [];
          for await (const ev of client(baseUrl, c.client).stream(request)) events.push(ev);

          const terminals = events.filter((ev) => ev.type === 'end' || ev.type === 'error');
          assert.equal(terminals.length, 1, 'exactly one terminal event');
          const last = events[events.length - 1];
          assert.equal(last.type, 'error', `ends with an error: ${JSON.stringify(last)}`);
          const err = last as Extract<StreamEvent, { type: 'error' }>;
          assert.equal(err.error.kind, e.kind, err.error.message);
          assert.equal(err.error.status, e.status);
          assert.equal(err.error.action, e.action);
          assert.match(err.error.message, e.message);
          if (e.notInMessage) assert.doesNotMatch(err.error.message, e.notInMessage);
          assert.equal(err.error.retryAfterMs, e.retryAfterMs);
          assert.ok(!err.error.message.includes(KEY));
          assert.equal(err.partial, e.partial);
          assert.equal(textOf(events), e.text);

          const retries = events.filter((ev): ev is Extract<StreamEvent, { type: 'retry' }> => ev.type === 'retry');
          assert.deepEqual(retries.map((r) => [r.attempt, r.delayMs]), e.delays.map((d, i) => [i + 1, d]), 'retry events');
          assert.deepEqual(sleeps, e.delays, 'waited exactly these delays');
          const firstOutput = events.findIndex((ev) => ev.type === 'text' || ev.type === 'thinking');
          if (firstOutput >= 0) assert.ok(events.slice(firstOutput).every((ev) => ev.type !== 'retry'), 'no retry after output reached the consumer');
          assert.equal(fake.requests.length, e.requests, 'attempts that reached the server');

          // 2. The same fault through ChatService + Conversation.
          fake.reset();
          sleeps = [];
          fake.enqueue(...c.plans(api));
          const conversation = new Conversation();
          let current = client(baseUrl, c.client);
          const prepare = async (): Promise<PreparedRequest> => ({ client: current, model: MODEL[api], api, contextLength: 100_000, maxOutputTokens: 4_000 });
          const chat = new ChatService({ conversation, prepare });
          assert.equal(await chat.send('Question?'), true);

          const [user, reply, error, ...rest] = conversation.messages;
          assert.deepEqual(rest, [], 'nothing after the error message');
          assert.equal(user.role, 'user');
          assert.equal(user.text, 'Question?');
          assert.equal(reply.role, 'assistant');
          assert.equal(reply.state, 'error');
          assert.equal(reply.text, e.text, 'partial text kept');
          assert.equal(error.role, 'error');
          assert.equal(error.replyTo, reply.id);
          assert.match(error.text, e.message);
          assert.deepEqual(error.actions, chatActions(e));
          assert.equal(chat.busy, false);
          assert.deepEqual(sleeps, e.delays, 'same delays through ChatService');
          assert.equal(fake.requests.length, e.requests);

          // 3. Ready for the next question.
          fake.reset();
          current = client(fake.baseUrl);
          fake.enqueue({ text: 'Next answer.' });
          assert.equal(await chat.send('Next?'), true);
          const after = conversation.messages.slice(3);
          assert.deepEqual(after.map((m) => [m.role, m.text, m.state]), [
            ['user', 'Next?', undefined],
            ['assistant', 'Next answer.', 'done'],
          ]);
          assert.equal(chat.busy, false);
        });
      }

      it('a single 1 MB event is decoded whole (client and ChatService)', async () => {
        // 4-byte emoji, 3-byte CJK and ASCII, so TCP splits land inside characters.
        const unit = 'ab😀世界 ';
        const big = unit.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(unit)));
        assert.ok(Buffer.byteLength(big) >= 1024 * 1024);
        fake.enqueue({ text: big, chunkSize: big.length }, { text: big, chunkSize: big.length });

        const events: StreamEvent[] = [];
        for await (const ev of client(fake.baseUrl).stream({ model: MODEL[api], api, messages: [{ role: 'user', content: 'big' }] })) events.push(ev);
        const texts = events.filter((ev) => ev.type === 'text');
        assert.equal(texts.length, 1, 'one event, one text delta');
        assert.ok(textOf(events) === big, 'the text arrived exactly');
        assert.deepEqual(events[events.length - 1], { type: 'end', reason: 'stop' });

        const conversation = new Conversation();
        const c = client(fake.baseUrl);
        const chat = new ChatService({ conversation, prepare: async () => ({ client: c, model: MODEL[api], api, contextLength: 100_000, maxOutputTokens: 4_000 }) });
        await chat.send('big');
        assert.equal(conversation.messages[1].state, 'done');
        assert.ok(conversation.messages[1].text === big);
        assert.equal(conversation.messages.length, 2);
      });
    });
  }
});
