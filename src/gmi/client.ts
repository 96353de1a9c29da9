// GmiClient: one streamed request → one AsyncIterable<StreamEvent>, with retries before the first
// event, an idle timer between body chunks, cancellation that closes the socket, and errors a
// person can act on. Never throws from stream(); never logs headers or the key.
import { checkBaseUrl, endpointUrl } from './baseUrl';
import { catalogEntry } from './catalog';
import { buildChatCompletionsRequest, ChatCompletionsDecoder, cutOffError, malformedError, type BuiltRequest, type StreamDecoder } from './chatCompletions';
import { errorFromException, errorFromResponse, errorFromStreamPayload, GmiError, redact } from './errors';
import { buildMessagesRequest, MessagesDecoder } from './messages';
import { DEFAULT_MAX_RETRIES, retryDelayMs, shouldRetry, type HeaderBag } from './retry';
import { SseDecoder, SseOverflowError } from './sse';
import type { ChatRequest, ClientLogger, GmiErrorInfo, ModelInfo, StreamEvent } from './types';
import { Agent, request, type Dispatcher, type ResponseData } from './undici';

export { GmiError } from './errors';

export interface GmiClientOptions {
  baseUrl: string;
  apiKey: string;
  organizationId?: string;
  /** undici dispatcher (proxy / CA settings, from network.ts). Default: a private Agent, closed by close(). */
  dispatcher?: Dispatcher;
  /** Longest silence between body chunks before the stream is abandoned. Default 60 000. */
  idleTimeoutMs?: number;
  /** Longest wait for response headers. Default 60 000. */
  headersTimeoutMs?: number;
  /** Retries before the first event. Default 2. */
  maxRetries?: number;
  logger?: ClientLogger;
  /** Waits between retries; must return early when the signal aborts. Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter, 0 ≤ x < 1. */
  random?: () => number;
  userAgent?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Error bodies are read up to this size; the rest is discarded. */
const MAX_ERROR_BODY = 32 * 1024;
/** Non-streamed (JSON) replies are read up to this size. */
const MAX_JSON_BODY = 8 * 1024 * 1024;

/** setTimeout-based sleep that clears its timer when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A restartable one-shot timer. */
class IdleTimer {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly ms: number,
    private readonly onFire: () => void,
  ) {}
  restart(): void {
    this.stop();
    if (this.ms > 0) this.timer = setTimeout(this.onFire, this.ms);
  }
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

class IdleTimeoutError extends Error {
  constructor() {
    super('idle timeout');
    this.name = 'IdleTimeoutError';
  }
}

const silentLogger: ClientLogger = { info() {}, warn() {}, error() {} };

export class GmiClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly idleTimeoutMs: number;
  private readonly headersTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly log: ClientLogger;

  constructor(private readonly o: GmiClientOptions) {
    this.ownsDispatcher = !o.dispatcher;
    this.dispatcher = o.dispatcher ?? new Agent();
    this.idleTimeoutMs = o.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.headersTimeoutMs = o.headersTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = Math.max(0, o.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.sleep = o.sleep ?? abortableSleep;
    this.random = o.random ?? Math.random;
    const secrets = [o.apiKey];
    const base = o.logger ?? silentLogger;
    // every line goes through redact: a message may quote a server that echoed the key
    // A logger that throws must not break a stream.
    const safe = (fn: (m: string) => void) => (m: string) => {
      try {
        fn(redact(m, secrets));
      } catch {
        // ignore
      }
    };
    this.log = {
      info: safe((m) => base.info(m)),
      warn: safe((m) => base.warn(m)),
      error: safe((m) => base.error(m)),
      debug: safe((m) => base.debug?.(m)),
    };
  }

  /** Streams a reply. Never throws: yields events and ends with exactly one `end` or `error`. */
  stream(req: ChatRequest, opts: { signal?: AbortSignal } = {}): AsyncIterable<StreamEvent> {
    return this.guarded(req, opts.signal);
  }

  /** Safety net for the "never throws, always one terminal event" contract, whatever goes wrong inside. */
  private async *guarded(req: ChatRequest, signal: AbortSignal | undefined): AsyncGenerator<StreamEvent> {
    let finished = false;
    let partial = false;
    try {
      for await (const ev of this.run(req, signal)) {
        if (finished) continue;
        if (ev.type === 'text' || ev.type === 'thinking') partial = true;
        if (ev.type === 'end' || ev.type === 'error') finished = true;
        yield ev;
      }
    } catch (err) {
      if (finished) return;
      finished = true;
      const error = errorFromException(err, [this.o.apiKey]);
      this.log.error(`unexpected failure: ${error.message}`);
      yield { type: 'error', error, partial };
      return;
    }
    if (!finished) yield { type: 'error', error: cutOffError('no end'), partial };
  }

  private async *run(req: ChatRequest, signal: AbortSignal | undefined): AsyncGenerator<StreamEvent> {
    const t0 = Date.now();
    const secrets = [this.o.apiKey];
    const check = checkBaseUrl(this.o.baseUrl);
    if (!check.ok) {
      this.log.error(`request not sent: ${check.error.message}`);
      yield { type: 'error', error: check.error, partial: false };
      return;
    }
    const auth = { apiKey: this.o.apiKey, organizationId: this.o.organizationId, userAgent: this.o.userAgent };
    let built: BuiltRequest;
    try {
      built = req.api === 'messages' ? buildMessagesRequest(req, auth) : buildChatCompletionsRequest(req, auth);
    } catch (err) {
      yield { type: 'error', error: errorFromException(err, secrets), partial: false };
      return;
    }
    const url = endpointUrl(check.url, built.path);
    const where = `${url.origin}${url.pathname}`;
    const payload = JSON.stringify(built.body);
    const cancelled = (): StreamEvent => {
      this.log.info(`cancelled after ${Date.now() - t0} ms`);
      return { type: 'end', reason: 'cancelled' };
    };
    const failed = (error: GmiErrorInfo, partial: boolean): StreamEvent => {
      this.log.error(`failed after ${Date.now() - t0} ms: ${error.kind}${error.status ? ` ${error.status}` : ''}: ${error.message}`);
      return { type: 'error', error, partial };
    };

    let partial = false;
    let handedOut = false;
    for (let retries = 0; ; retries++) {
      if (signal?.aborted) {
        yield cancelled();
        return;
      }
      this.log.info(`POST ${where} model=${req.model} api=${req.api}${retries ? ` retry=${retries}` : ''}`);
      const tAttempt = Date.now();
      let retryAfter: { reason: string; headers?: HeaderBag } | undefined;
      let terminal: StreamEvent | undefined;

      let res: ResponseData | undefined;
      try {
        res = await request(this.dispatcher, url, {
          method: 'POST',
          headers: built.headers,
          body: payload,
          signal,
          headersTimeout: this.headersTimeoutMs,
          bodyTimeout: 0, // our idle timer does this, and tells the user what happened
        });
      } catch (err) {
        if (signal?.aborted) {
          yield cancelled();
          return;
        }
        const info = errorFromException(err, secrets, url.host);
        if (shouldRetry({ retriesSoFar: retries, maxRetries: this.maxRetries, kind: info.kind })) {
          retryAfter = { reason: info.message };
        } else {
          terminal = failed(info, false);
        }
      }

      if (res) {
        const status = res.statusCode;
        this.log.info(`${status} from ${where} after ${Date.now() - tAttempt} ms`);
        const contentType = String(res.headers['content-type'] ?? '').toLowerCase();
        if (status < 200 || status >= 300) {
          const text = await readText(res.body, MAX_ERROR_BODY, this.idleTimeoutMs);
          if (signal?.aborted) {
            yield cancelled();
            return;
          }
          const info = errorFromResponse({ status, headers: res.headers, body: text, model: req.model, url: where, secrets });
          if (shouldRetry({ retriesSoFar: retries, maxRetries: this.maxRetries, status, headers: res.headers })) {
            retryAfter = { reason: info.message, headers: res.headers };
          } else {
            terminal = failed(info, false);
          }
        } else if (contentType.includes('text/html')) {
          // A web page, not the API: the base URL points at a website or a captive portal.
          discard(res.body);
          terminal = failed(
            {
              kind: 'notFound',
              message: `${url.host} answered with a web page instead of the GMI API. Check the gmi.baseUrl setting (normally https://api.gmi-serving.com/v1).`,
              action: 'openSettings',
              status,
            },
            false,
          );
        } else if (contentType.includes('json')) {
          // A gateway that ignored "stream": true, or a 200 carrying an error.
          const text = await readText(res.body, MAX_JSON_BODY, this.idleTimeoutMs);
          if (signal?.aborted) {
            yield cancelled();
            return;
          }
          const events = nonStreamedEvents(req.api, text, secrets);
          for (const ev of events) {
            if (ev.type === 'end' || ev.type === 'error') {
              terminal = ev.type === 'error' ? failed(ev.error, partial) : ev;
              break;
            }
            if (ev.type === 'text' || ev.type === 'thinking') partial = true;
            yield ev;
          }
        } else {
          // ---- the streamed body ----
          const body = res.body;
          const decoder: StreamDecoder = req.api === 'messages' ? new MessagesDecoder(secrets) : new ChatCompletionsDecoder(secrets);
          const sse = new SseDecoder();
          let idleFired = false;
          let firstTokenLogged = false;
          const idle = new IdleTimer(this.idleTimeoutMs, () => {
            idleFired = true;
            body.destroy(new IdleTimeoutError());
          });
          const queue: StreamEvent[] = [];
          const take = (events: StreamEvent[]): void => {
            for (const ev of events) {
              if (terminal) return;
              if (ev.type === 'end' || ev.type === 'error') terminal = ev;
              else queue.push(ev);
            }
          };
          try {
            idle.restart();
            for await (const chunk of body) {
              idle.restart();
              for (const ev of sse.push(chunk as Uint8Array)) take(decoder.decode(ev));
              if (queue.length > 0) {
                idle.stop(); // a slow consumer is not a silent server
                for (const ev of queue.splice(0)) {
                  if ((ev.type === 'text' || ev.type === 'thinking') && !firstTokenLogged) {
                    firstTokenLogged = true;
                    this.log.info(`first token after ${Date.now() - t0} ms`);
                  }
                  if (ev.type === 'text' || ev.type === 'thinking') partial = true;
                  handedOut = true;
                  yield ev;
                }
                idle.restart();
              }
              if (terminal) break;
            }
            if (!terminal) {
              for (const ev of sse.end()) take(decoder.decode(ev));
              take(decoder.finish());
              for (const ev of queue.splice(0)) {
                if (ev.type === 'text' || ev.type === 'thinking') partial = true;
                handedOut = true;
                yield ev;
              }
            }
          } catch (err) {
            terminal = undefined;
            queue.length = 0;
            if (signal?.aborted) {
              terminal = { type: 'end', reason: 'cancelled' };
            } else if (idleFired) {
              const secs = Number((this.idleTimeoutMs / 1000).toFixed(2));
              terminal = {
                type: 'error',
                error: {
                  kind: 'idleTimeout',
                  message: `GMI stopped sending for ${secs} s, so the reply was abandoned. Try again.`,
                  action: 'retry',
                },
                partial,
              };
            } else if (err instanceof SseOverflowError) {
              terminal = { type: 'error', error: malformedError(err.message), partial };
            } else {
              const info = errorFromException(err, secrets, url.host);
              if (!handedOut && shouldRetry({ retriesSoFar: retries, maxRetries: this.maxRetries, kind: info.kind })) {
                retryAfter = { reason: info.message };
              } else if (info.kind === 'network') {
                terminal = { type: 'error', error: cutOffError(errorCode(err) ?? 'connection closed'), partial };
              } else {
                terminal = { type: 'error', error: info, partial };
              }
            }
          } finally {
            idle.stop();
            discard(body);
          }
          if (terminal?.type === 'end') {
            if (terminal.reason === 'cancelled') terminal = cancelled();
            else this.log.info(`done (${terminal.reason}) in ${Date.now() - t0} ms, retries=${retries}`);
          } else if (terminal?.type === 'error') {
            terminal = failed(terminal.error, partial);
          }
        }
      }

      if (terminal) {
        yield terminal;
        return;
      }
      if (!retryAfter) {
        yield failed(cutOffError('empty reply'), partial);
        return;
      }
      const delayMs = retryDelayMs(retries, retryAfter.headers, this.random);
      this.log.warn(`retry ${retries + 1}/${this.maxRetries} in ${delayMs} ms: ${retryAfter.reason}`);
      yield { type: 'retry', attempt: retries + 1, delayMs, reason: redact(retryAfter.reason, secrets) };
      try {
        await this.sleep(delayMs, signal);
      } catch {
        // a sleep that rejects on abort is fine; the check at the top of the loop ends it
      }
    }
  }

  /** GET {base}/models, merged with the catalog for missing context/output sizes. Throws GmiError. */
  async listModels(opts: { signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
    const { signal } = opts;
    const secrets = [this.o.apiKey];
    const check = checkBaseUrl(this.o.baseUrl);
    if (!check.ok) throw new GmiError(check.error);
    const url = endpointUrl(check.url, 'models');
    const where = `${url.origin}${url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${this.o.apiKey}` };
    if (this.o.organizationId) headers['x-organization-id'] = this.o.organizationId;
    if (this.o.userAgent) headers['user-agent'] = this.o.userAgent;

    for (let retries = 0; ; retries++) {
      this.log.info(`GET ${where}${retries ? ` retry=${retries}` : ''}`);
      let info: GmiErrorInfo;
      let retryHeaders: HeaderBag;
      try {
        const res = await request(this.dispatcher, url, { method: 'GET', headers, signal, headersTimeout: this.headersTimeoutMs, bodyTimeout: this.idleTimeoutMs });
        const text = await readText(res.body, MAX_JSON_BODY, this.idleTimeoutMs);
        this.log.info(`${res.statusCode} from ${where}`);
        if (res.statusCode >= 200 && res.statusCode < 300) return parseModelList(text);
        info = errorFromResponse({ status: res.statusCode, headers: res.headers, body: text, url: where, secrets });
        retryHeaders = res.headers;
        if (!shouldRetry({ retriesSoFar: retries, maxRetries: this.maxRetries, status: res.statusCode, headers: res.headers })) throw new GmiError(info);
      } catch (err) {
        if (err instanceof GmiError) {
          this.log.error(`listing models failed: ${err.info.message}`);
          throw err;
        }
        if (signal?.aborted) throw new GmiError({ kind: 'unknown', message: 'Listing models was cancelled.' });
        info = errorFromException(err, secrets, url.host);
        if (!shouldRetry({ retriesSoFar: retries, maxRetries: this.maxRetries, kind: info.kind })) {
          this.log.error(`listing models failed: ${info.message}`);
          throw new GmiError(info);
        }
      }
      const delayMs = retryDelayMs(retries, retryHeaders, this.random);
      this.log.warn(`retry ${retries + 1}/${this.maxRetries} in ${delayMs} ms: ${info.message}`);
      try {
        await this.sleep(delayMs, signal);
      } catch {
        // handled below
      }
      if (signal?.aborted) throw new GmiError({ kind: 'unknown', message: 'Listing models was cancelled.' });
    }
  }

  /** Closes the private dispatcher (a dispatcher passed in belongs to its creator). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

/**
 * Closes a response body we no longer want (closing the socket if it is still streaming).
 * undici's body emits an error when destroyed early; the listener keeps that from being uncaught.
 */
function discard(body: ResponseData['body']): void {
  if (body.destroyed || body.readableEnded) return;
  body.on('error', () => {});
  body.destroy();
}

/** Reads a body as text up to `max` bytes (the rest is discarded), giving up after `idleMs` of silence. */
async function readText(body: ResponseData['body'], max: number, idleMs: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  const idle = new IdleTimer(idleMs, () => body.destroy(new IdleTimeoutError()));
  try {
    idle.restart();
    for await (const chunk of body) {
      idle.restart();
      const buf = chunk as Buffer;
      if (size < max) parts.push(buf.subarray(0, max - size));
      size += buf.length;
      if (size >= max) break;
    }
  } catch {
    // keep what arrived; the caller reports on the status and whatever text there is
  } finally {
    idle.stop();
    discard(body);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The first `code` in an error's cause chain, e.g. UND_ERR_SOCKET. */
function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** `{data:[{id, owned_by, context_length?}]}` → ModelInfo[], catalog filling gaps. */
export function parseModelList(text: string): ModelInfo[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GmiError({ kind: 'unknown', message: 'GMI returned a model list that is not JSON. Check the gmi.baseUrl setting.', action: 'openSettings' });
  }
  const data = (json as { data?: unknown })?.data ?? json;
  if (!Array.isArray(data)) {
    throw new GmiError({ kind: 'unknown', message: 'GMI returned an unexpected model list. Check the gmi.baseUrl setting.', action: 'openSettings' });
  }
  const out: ModelInfo[] = [];
  const seen = new Set<string>();
  for (const m of data as Array<Record<string, unknown>>) {
    const id = typeof m?.id === 'string' ? m.id : undefined;
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const cat = catalogEntry(id);
    const info: ModelInfo = { id };
    if (typeof m.owned_by === 'string') info.ownedBy = m.owned_by;
    const ctx = num(m.context_length) ?? num(m.context_window) ?? num(m.max_model_len) ?? cat?.contextLength;
    if (ctx !== undefined) info.contextLength = ctx;
    const maxOut = num(m.max_output_tokens) ?? num(m.max_completion_tokens) ?? cat?.maxOutputTokens;
    if (maxOut !== undefined) info.maxOutputTokens = maxOut;
    out.push(info);
  }
  return out;
}

/** A whole (non-streamed) JSON reply → the same events a stream would have produced. */
export function nonStreamedEvents(api: ChatRequest['api'], text: string, secrets: ReadonlyArray<string | undefined>): StreamEvent[] {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [{ type: 'error', error: { kind: 'stream', message: 'GMI sent a reply that is neither a stream nor valid JSON. Try again.', action: 'retry' }, partial: false }];
  }
  if (json && (json.error || json.type === 'error')) return [{ type: 'error', error: errorFromStreamPayload(json, secrets), partial: false }];
  // Feed it through the stream decoders as if it were one event, so the mapping lives in one place.
  const events: StreamEvent[] = [];
  if (api === 'messages') {
    const d = new MessagesDecoder(secrets);
    const usage = json.usage as Record<string, unknown> | undefined;
    const push = (v: unknown): void => void events.push(...d.decode({ data: JSON.stringify(v) }));
    push({ type: 'message_start', message: { usage } });
    const content = Array.isArray(json.content) ? (json.content as Array<Record<string, unknown>>) : [];
    content.forEach((b, index) => {
      if (b.type === 'text') push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } });
      else if (b.type === 'thinking') push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: b.thinking } });
      else if (b.type === 'tool_use') {
        push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name } });
        push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input ?? {}) } });
      }
    });
    push({ type: 'message_delta', delta: { stop_reason: json.stop_reason ?? 'end_turn' }, usage });
    push({ type: 'message_stop' });
    return events;
  }
  const d = new ChatCompletionsDecoder(secrets);
  const choice = (Array.isArray(json.choices) ? json.choices[0] : undefined) as { message?: Record<string, unknown>; finish_reason?: string } | undefined;
  const msg = choice?.message ?? {};
  const toolCalls = Array.isArray(msg.tool_calls)
    ? (msg.tool_calls as Array<Record<string, unknown>>).map((t, index) => ({ index, ...t }))
    : undefined;
  events.push(
    ...d.decode({
      data: JSON.stringify({
        choices: [{ delta: { content: msg.content, reasoning_content: msg.reasoning_content, tool_calls: toolCalls }, finish_reason: choice?.finish_reason ?? 'stop' }],
        usage: json.usage ?? null,
      }),
    }),
  );
  events.push(...d.decode({ data: '[DONE]' }));
  return events;
}
