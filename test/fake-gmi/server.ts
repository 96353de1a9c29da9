// A loopback server that speaks both GMI wire formats (OpenAI Chat Completions and Anthropic
// Messages, streamed as server-sent events) closely enough to test the client against it.
// Used by unit tests (tsx), integration tests (inside the VS Code extension host) and UI tests
// (another process, steered through the HTTP control API). Plain Node APIs only; listens on
// 127.0.0.1 only.
//
// Routes (under /v1):
//   GET  /v1/models            model list (some ids carry context_length)
//   POST /v1/chat/completions  Chat Completions (streamed when "stream": true)
//   POST /v1/messages          Messages (streamed when "stream": true)
// Control API (same server, any process):
//   POST /__control/enqueue    JSON ReplyPlan or array of plans, used in order by the next chat/messages requests
//   POST /__control/reset      forget plans and recorded requests
//   GET  /__control/requests   recorded requests as JSON
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How the next chat/messages request is answered. Every field is optional; an empty plan is the
 * default echo reply. Fields that shape a streamed reply are ignored when `status` >= 400.
 */
export interface ReplyPlan {
  /** Visible text of the reply. Default: an echo of the last user message plus a fenced ts block. */
  text?: string;
  /** Reasoning text, sent before the text (reasoning_content / thinking blocks). */
  thinking?: string;
  /** Chat Completions only: how thinking travels. `tags` puts `<think>…</think>` inside content. */
  thinkingFormat?: 'reasoning_content' | 'tags';
  /** Characters per text/thinking delta (default 7). */
  chunkSize?: number;
  /** Wait between written events, in ms (default 0: written back to back, but still as separate writes). */
  delayMs?: number;
  /** Wait before sending the response headers, in ms. */
  headersDelayMs?: number;
  /** HTTP status. >= 400 sends an error reply: `body` or a realistic default body for that status. */
  status?: number;
  /** Extra response headers (e.g. retry-after, x-should-retry). */
  headers?: Record<string, string>;
  /** Raw error body (with `status` >= 400). Content type is guessed: JSON, HTML or plain text. */
  body?: string;
  /** Token counts reported in the usage chunk / message_start + message_delta. */
  usage?: { input?: number; output?: number; cached?: number; reasoning?: number };
  /** Raw finish_reason (Chat Completions) or stop_reason (Messages). Default stop / end_turn, or tool_calls / tool_use with toolCalls. */
  stopReason?: string;
  /** Tool calls sent after the text. */
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  /** Send an SSE comment (Chat Completions) or ping event (Messages) before every delta. */
  keepAlive?: boolean;
  /** After this many text/thinking deltas, stop writing but keep the socket open. */
  stallAfterChunks?: number;
  /** After this many text/thinking deltas, destroy the socket. */
  resetAfterChunks?: number;
  /** After this many text/thinking deltas, send a mid-stream error (chunk with `error` / Messages `error` event) and end. */
  errorAfterChunks?: number;
  /** The error sent by `errorAfterChunks` (default overloaded_error). */
  streamError?: { type: string; message: string };
  /** End the response without the final events ([DONE] / message_delta + message_stop, and no usage). */
  omitEnd?: boolean;
  /** Write exactly this SSE text as the body (200, text/event-stream) instead of a generated reply. */
  rawEvents?: string;
  /** With rawEvents: split the raw text into writes of this many bytes. */
  rawChunkBytes?: number;
  /** Destroy the socket as soon as the request arrives, before any response headers. */
  destroyBeforeHeaders?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none / it was not JSON. */
  body?: unknown;
  /** The reply plan used (undefined for the default reply or non-chat routes). */
  plan?: ReplyPlan;
  /** Set when the response is over: 'complete' if fully written, 'clientClosed' if the socket closed first. */
  outcome?: 'complete' | 'clientClosed';
}

export interface FakeGmiOptions {
  tls?: { key: string; cert: string };
  /** When set, a wrong or missing key gets a 401 in the shape of the route's API. */
  apiKey?: string;
  /** Port to listen on (default 0: any free port). */
  port?: number;
}

export interface FakeGmi {
  /** e.g. http://127.0.0.1:PORT/v1 */
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  enqueue(...plans: ReplyPlan[]): void;
  reset(): void;
  /** Resolves with the request's outcome once its response is over (written or closed by the client). */
  waitForOutcome(index: number): Promise<'complete' | 'clientClosed'>;
  close(): Promise<void>;
}

/** Models returned by GET /v1/models. Some carry context_length, as the live API likely does. */
export const FAKE_MODELS: Array<{ id: string; owned_by: string; context_length?: number }> = [
  { id: 'anthropic/claude-sonnet-4.5', owned_by: 'anthropic', context_length: 409600 },
  { id: 'anthropic/claude-opus-4.5', owned_by: 'anthropic' },
  { id: 'openai/gpt-4o', owned_by: 'openai', context_length: 131072 },
  { id: 'deepseek-ai/DeepSeek-V3.2', owned_by: 'deepseek-ai' },
  { id: 'moonshotai/Kimi-K2-Thinking', owned_by: 'moonshotai', context_length: 262144 },
  { id: 'zai-org/GLM-4.7-FP8', owned_by: 'zai-org' },
  { id: 'example-org/fake-model-1', owned_by: 'example-org', context_length: 32768 },
];

const DEFAULT_CHUNK = 7;

export async function startFakeGmi(options: FakeGmiOptions = {}): Promise<FakeGmi> {
  let plans: ReplyPlan[] = [];
  const requests: RecordedRequest[] = [];
  const outcomeWaiters = new Map<number, Array<(o: 'complete' | 'clientClosed') => void>>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closing = false;

  const wait = (ms: number, res: http.ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || res.destroyed) return setImmediate(resolve);
      const onClose = (): void => {
        clearTimeout(t);
        timers.delete(t);
        resolve();
      };
      const t = setTimeout(() => {
        timers.delete(t);
        res.off('close', onClose);
        resolve();
      }, ms);
      timers.add(t);
      res.once('close', onClose);
    });

  const settle = (index: number, outcome: 'complete' | 'clientClosed'): void => {
    const rec = requests[index];
    if (!rec || rec.outcome) return;
    rec.outcome = outcome;
    for (const w of outcomeWaiters.get(index) ?? []) w(outcome);
    outcomeWaiters.delete(index);
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      route(req, res, url.pathname, body, raw).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake-gmi internal error: ${String(err)}`);
      });
    });
  };

  async function route(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown, raw: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (path.startsWith('/__control/')) return control(method, path, res, raw);

    const index = requests.push({ method, path, headers: req.headers, body }) - 1;
    res.once('close', () => settle(index, res.writableFinished ? 'complete' : 'clientClosed'));

    const isChat = method === 'POST' && path === '/v1/chat/completions';
    const isMessages = method === 'POST' && path === '/v1/messages';
    if (!isChat && !isMessages) {
      if (method === 'GET' && path === '/v1/models') {
        if (!authorized(req, false)) return sendAuthError(res, false);
        return sendJson(res, 200, {
          object: 'list',
          data: FAKE_MODELS.map((m) => ({ object: 'model', created: 1735689600, ...m })),
        });
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('404 page not found');
    }

    // A request with the wrong key is refused without using up a plan.
    if (!authorized(req, isMessages)) return sendAuthError(res, isMessages);
    const plan = plans.shift();
    requests[index].plan = plan;
    const p: ReplyPlan = plan ?? {};
    if (p.destroyBeforeHeaders) return void req.socket.destroy();
    if (p.headersDelayMs) await wait(p.headersDelayMs, res);
    if (res.destroyed) return;

    const model = typeof (body as { model?: unknown })?.model === 'string' ? (body as { model: string }).model : '';
    if (p.status && p.status >= 400) return sendError(res, p, isMessages, model);
    if (!p.status && !p.rawEvents && !model.includes('/')) {
      // GMI answers a bare or unknown model name with a plain-text 404.
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(`No matching target server found for model ${model}`);
    }

    res.writeHead(p.status ?? 200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': `req_fake_${index}`,
      ...p.headers,
    });
    res.flushHeaders();

    if (p.rawEvents !== undefined) {
      const bytes = Buffer.from(p.rawEvents, 'utf8');
      const step = p.rawChunkBytes && p.rawChunkBytes > 0 ? p.rawChunkBytes : bytes.length || 1;
      for (let i = 0; i < bytes.length && !res.destroyed; i += step) {
        res.write(bytes.subarray(i, i + step));
        await wait(p.delayMs ?? 0, res);
      }
      return void res.end();
    }

    const items = isMessages ? messagesEvents(p, body, model) : chatEvents(p, body, model);
    let deltas = 0;
    for (const item of items) {
      if (res.destroyed) return;
      if (item.delta) {
        if (p.stallAfterChunks !== undefined && deltas >= p.stallAfterChunks) return; // keep the socket open
        if (p.resetAfterChunks !== undefined && deltas >= p.resetAfterChunks) return void req.socket.destroy();
        if (p.errorAfterChunks !== undefined && deltas >= p.errorAfterChunks) {
          const e = p.streamError ?? { type: 'overloaded_error', message: 'Overloaded' };
          res.write(
            isMessages
              ? sse({ type: 'error', error: e }, 'error')
              : sse({ error: { message: e.message, type: e.type, code: null } }),
          );
          return void res.end();
        }
        if (p.keepAlive) res.write(isMessages ? sse({ type: 'ping' }, 'ping') : ': keep-alive\n\n');
        deltas++;
      }
      if (item.final && p.omitEnd) break;
      res.write(item.text);
      await wait(p.delayMs ?? 0, res);
    }
    if (p.stallAfterChunks !== undefined && deltas >= p.stallAfterChunks) return;
    if (p.resetAfterChunks !== undefined && deltas >= p.resetAfterChunks) return void req.socket.destroy();
    res.end();
  }

  function authorized(req: http.IncomingMessage, messages: boolean): boolean {
    if (options.apiKey === undefined) return true;
    const bearer = req.headers.authorization === `Bearer ${options.apiKey}`;
    return bearer || (messages && req.headers['x-api-key'] === options.apiKey);
  }

  function sendAuthError(res: http.ServerResponse, messages: boolean): void {
    if (messages) {
      return sendJson(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    }
    sendJson(res, 401, { error: { message: 'Invalid API key provided', type: 'authentication_error', code: 401 } });
  }

  function sendError(res: http.ServerResponse, p: ReplyPlan, messages: boolean, model: string): void {
    const status = p.status as number;
    const body = p.body ?? defaultErrorBody(status, messages, model);
    const trimmed = body.trimStart();
    const type = trimmed.startsWith('{') || trimmed.startsWith('[')
      ? 'application/json'
      : /^<(!doctype|html)/i.test(trimmed)
        ? 'text/html; charset=utf-8'
        : 'text/plain; charset=utf-8';
    res.writeHead(status, { 'content-type': type, ...p.headers });
    res.end(body);
  }

  function control(method: string, path: string, res: http.ServerResponse, raw: string): void {
    if (method === 'POST' && path === '/__control/enqueue') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw || '[]');
      } catch {
        return sendJson(res, 400, { error: 'body must be a JSON plan or array of plans' });
      }
      const list = (Array.isArray(parsed) ? parsed : [parsed]) as ReplyPlan[];
      plans.push(...list);
      return sendJson(res, 200, { queued: plans.length });
    }
    if (method === 'POST' && path === '/__control/reset') {
      reset();
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'GET' && path === '/__control/requests') return sendJson(res, 200, requests);
    sendJson(res, 404, { error: 'unknown control route' });
  }

  function reset(): void {
    plans = [];
    requests.length = 0;
    outcomeWaiters.clear();
  }

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/v1`,
    port,
    requests,
    enqueue: (...more: ReplyPlan[]) => void plans.push(...more),
    reset,
    waitForOutcome(index: number) {
      const rec = requests[index];
      if (rec?.outcome) return Promise.resolve(rec.outcome);
      return new Promise((resolve) => {
        const list = outcomeWaiters.get(index) ?? [];
        list.push(resolve);
        outcomeWaiters.set(index, list);
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

// ---- reply generation ----

interface Item {
  text: string;
  /** a text/thinking delta (counted by stallAfterChunks etc.) */
  delta?: boolean;
  /** part of the end of the stream (left out by omitEnd) */
  final?: boolean;
}

function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

function split(text: string, size: number): string[] {
  const chars = Array.from(text); // never split a surrogate pair
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function lastUserText(body: unknown): string {
  const messages = (body as { messages?: Array<{ role?: string; content?: unknown }> })?.messages;
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      return m.content
        .map((part: { type?: string; text?: string }) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : ''))
        .join('');
    }
  }
  return '';
}

function defaultText(body: unknown): string {
  return `Echo: ${lastUserText(body).slice(0, 200)}\n\nHere is some code:\n\n\`\`\`ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n\`\`\`\n`;
}

function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function chatEvents(p: ReplyPlan, body: unknown, model: string): Item[] {
  const b = body as { stream_options?: { include_usage?: boolean }; reasoning_effort?: unknown } | undefined;
  const text = p.text ?? defaultText(body);
  const wantsThinking = b?.reasoning_effort !== undefined || /think|reason|r1/i.test(model);
  const thinking = p.thinking ?? (p.text === undefined && wantsThinking ? 'Let me think about the question.' : undefined);
  const size = p.chunkSize && p.chunkSize > 0 ? p.chunkSize : DEFAULT_CHUNK;
  const id = `chatcmpl-fake${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], usage: unknown = null): string =>
    sse({ id, object: 'chat.completion.chunk', created, model, choices, usage });
  const delta = (d: Record<string, unknown>, finish: string | null = null): string =>
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);

  const items: Item[] = [{ text: delta({ role: 'assistant', content: '' }) }];
  if (thinking) {
    if (p.thinkingFormat === 'tags') {
      for (const piece of split(`<think>${thinking}</think>`, size)) items.push({ text: delta({ content: piece }), delta: true });
    } else {
      for (const piece of split(thinking, size)) items.push({ text: delta({ reasoning_content: piece }), delta: true });
    }
  }
  for (const piece of split(text, size)) items.push({ text: delta({ content: piece }), delta: true });
  (p.toolCalls ?? []).forEach((call, i) => {
    items.push({ text: delta({ tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }) });
    for (const piece of split(call.arguments, size)) {
      items.push({ text: delta({ tool_calls: [{ index: i, function: { arguments: piece } }] }) });
    }
  });
  const finish = p.stopReason ?? (p.toolCalls?.length ? 'tool_calls' : 'stop');
  items.push({ text: delta({}, finish), final: true });
  if (b?.stream_options?.include_usage) {
    const prompt = p.usage?.input ?? approxTokens(JSON.stringify((body as { messages?: unknown })?.messages ?? ''));
    const completion = p.usage?.output ?? approxTokens(text + (thinking ?? ''));
    items.push({
      text: chunk([], {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: p.usage?.cached ?? 0 },
        completion_tokens_details: { reasoning_tokens: p.usage?.reasoning ?? (thinking ? approxTokens(thinking) : 0) },
      }),
      final: true,
    });
  }
  items.push({ text: 'data: [DONE]\n\n', final: true });
  return items;
}

function messagesEvents(p: ReplyPlan, body: unknown, model: string): Item[] {
  const b = body as { thinking?: { type?: string } } | undefined;
  const text = p.text ?? defaultText(body);
  const wantsThinking = b?.thinking?.type === 'enabled';
  const thinking = p.thinking ?? (p.text === undefined && wantsThinking ? 'Let me think about the question.' : undefined);
  const size = p.chunkSize && p.chunkSize > 0 ? p.chunkSize : DEFAULT_CHUNK;
  const input = p.usage?.input ?? approxTokens(JSON.stringify((body as { messages?: unknown })?.messages ?? ''));
  const output = p.usage?.output ?? approxTokens(text + (thinking ?? ''));

  const items: Item[] = [
    {
      text: sse(
        {
          type: 'message_start',
          message: {
            id: `msg_fake${Date.now().toString(36)}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: input, cache_read_input_tokens: p.usage?.cached ?? 0, output_tokens: 1 },
          },
        },
        'message_start',
      ),
    },
    { text: sse({ type: 'ping' }, 'ping') },
  ];
  let index = 0;
  if (thinking) {
    items.push({ text: sse({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '' } }, 'content_block_start') });
    for (const piece of split(thinking, size)) {
      items.push({ text: sse({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } }, 'content_block_delta'), delta: true });
    }
    items.push({ text: sse({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'ZmFrZS1zaWduYXR1cmU=' } }, 'content_block_delta') });
    items.push({ text: sse({ type: 'content_block_stop', index }, 'content_block_stop') });
    index++;
  }
  items.push({ text: sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start') });
  for (const piece of split(text, size)) {
    items.push({ text: sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, 'content_block_delta'), delta: true });
  }
  items.push({ text: sse({ type: 'content_block_stop', index }, 'content_block_stop') });
  index++;
  for (const call of p.toolCalls ?? []) {
    items.push({ text: sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }, 'content_block_start') });
    for (const piece of split(call.arguments, size)) {
      items.push({ text: sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }, 'content_block_delta') });
    }
    items.push({ text: sse({ type: 'content_block_stop', index }, 'content_block_stop') });
    index++;
  }
  const stop = p.stopReason ?? (p.toolCalls?.length ? 'tool_use' : 'end_turn');
  items.push({
    text: sse({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: output } }, 'message_delta'),
    final: true,
  });
  items.push({ text: sse({ type: 'message_stop' }, 'message_stop'), final: true });
  return items;
}

function defaultErrorBody(status: number, messages: boolean, model: string): string {
  if (status === 404) return `No matching target server found for model ${model}`;
  if (messages) {
    const type =
      status === 401 || status === 403
        ? 'authentication_error'
        : status === 429
          ? 'rate_limit_error'
          : status === 529
            ? 'overloaded_error'
            : status >= 500
              ? 'api_error'
              : 'invalid_request_error';
    return JSON.stringify({ type: 'error', error: { type, message: `fake ${type} (${status})` } });
  }
  if (status === 400 || status === 422) {
    const inner = {
      error: {
        type: 'invalid_request_error',
        code: '400001',
        message: 'Invalid max_tokens value, the valid range of max_tokens is [1, 393216]',
        source: 'client',
        request_id: 'fake-inner-request-id',
      },
    };
    return JSON.stringify({
      error: { message: `Backend request failed with status ${status}`, type: 'backend_error', code: status, details: JSON.stringify(inner) },
    });
  }
  const type = status === 401 || status === 403 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : 'server_error';
  return JSON.stringify({ error: { message: `fake ${type} (${status})`, type, code: status } });
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
