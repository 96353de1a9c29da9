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
// What a reply may be told to do is ReplyPlan (plan.ts); the events it becomes are in replies.ts;
// Messages requests' cache_control markers are honoured by promptCache.ts (reset clears the cache);
// thinking blocks are signed, and checked when they come back, as Anthropic does (thinking.ts).
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ReplyPlan } from './plan';
import { countMarkers, FakePromptCache } from './promptCache';
import { chatEvents, defaultErrorBody, messagesEvents, sse } from './replies';
import { thinkingRuleError } from './thinking';

export type { FakeToolCall, ReplyPlan } from './plan';

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
  { id: 'openai/gpt-5', owned_by: 'openai' },
  { id: 'deepseek-ai/DeepSeek-V3.2', owned_by: 'deepseek-ai' },
  { id: 'moonshotai/Kimi-K2-Thinking', owned_by: 'moonshotai', context_length: 262144 },
  { id: 'zai-org/GLM-4.7-FP8', owned_by: 'zai-org' },
  { id: 'example-org/fake-model-1', owned_by: 'example-org', context_length: 32768 },
];


export async function startFakeGmi(options: FakeGmiOptions = {}): Promise<FakeGmi> {
  let plans: ReplyPlan[] = [];
  const requests: RecordedRequest[] = [];
  const outcomeWaiters = new Map<number, Array<(o: 'complete' | 'clientClosed') => void>>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closing = false;
  const promptCache = new FakePromptCache();

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
    if (isMessages && countMarkers(body) > 4) {
      return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: `A maximum of 4 blocks with cache_control may be provided. Found ${countMarkers(body)}.` } });
    }
    const thinkingError = isMessages ? thinkingRuleError(body) : undefined;
    if (thinkingError) return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: thinkingError } });
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

    const items = isMessages ? messagesEvents(withCacheUsage(p, body), body, model) : chatEvents(p, body, model);
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

  /**
   * A Messages plan with the cache's reads and writes for this request's markers (promptCache.ts),
   * unless the plan says what to report. Nothing changes when nothing was read or written.
   */
  function withCacheUsage(p: ReplyPlan, body: unknown): ReplyPlan {
    const use = promptCache.use((body ?? {}) as Record<string, unknown>);
    if (p.usage?.cached !== undefined || p.usage?.cacheWrite !== undefined || (use.cached === 0 && use.cacheWrite === 0)) return p;
    return { ...p, usage: { ...p.usage, input: p.usage?.input ?? use.input, cached: use.cached, cacheWrite: use.cacheWrite } };
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
    promptCache.clear();
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

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
