// GmiClient: one streamed request → one AsyncIterable<StreamEvent>, with retries before the first
// event, an idle timer between body chunks, cancellation that closes the socket, and errors a
// person can act on. Never throws from stream(); never logs headers or the key. The sending,
// retrying and body reading live in transport.ts; the wire formats in chatCompletions.ts /
// messages.ts; the model list in models.ts.
import * as l10n from '../l10n';
import { checkBaseUrl, endpointUrl } from './baseUrl';
import { errorFromException, redact } from './errors';
import { listModels } from './models';
import { DEFAULT_MAX_RETRIES } from './retry';
import { SseDecoder, SseOverflowError } from './sse';
import { abortableSleep, errorCode, IdleTimeoutError, Transport, type BodyOutcome } from './transport';
import type { ChatRequest, ClientLogger, EndReason, ModelInfo, StreamEvent } from './types';
import { Agent, type Dispatcher, type ResponseData } from './undici';
import { cutOffError, malformedError, type AuthOptions, type BuiltRequest } from './wire';
import { nonStreamedEvents, WIRE_FORMATS } from './wireFormats';

export { GmiError } from './errors';
export { parseModelList } from './models';
export { abortableSleep } from './transport';
export { nonStreamedEvents } from './wireFormats';

export interface GmiClientOptions {
  baseUrl: string;
  apiKey: string;
  organizationId?: string;
  /** undici dispatcher (proxy / CA settings, from network.ts). Default: a private Agent, closed by close(). */
  dispatcher?: Dispatcher;
  /** Longest silence between body chunks before the stream is abandoned. Default 60 000. */
  idleTimeoutMs?: number;
  /**
   * Longest wait for response headers. Default: `idleTimeoutMs` (gmi.idleTimeoutSeconds), since a
   * reasoning model may think for minutes before its first byte, else 60 000.
   */
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
/** Non-streamed (JSON) replies are read up to this size. */
const MAX_JSON_BODY = 8 * 1024 * 1024;

const silentLogger: ClientLogger = { info() {}, warn() {}, error() {} };

const isOutput = (ev: StreamEvent): boolean => ev.type === 'text' || ev.type === 'thinking';

/** What one stream has handed out so far (across attempts). */
interface StreamState {
  /** Text or thinking was yielded (a failure now is `partial`). */
  partial: boolean;
  /** Any event was yielded: no more retries. */
  handedOut: boolean;
  firstTokenLogged: boolean;
}

export class GmiClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly log: ClientLogger;
  private readonly transport: Transport;
  private readonly secrets: string[];

  constructor(private readonly o: GmiClientOptions) {
    this.ownsDispatcher = !o.dispatcher;
    this.dispatcher = o.dispatcher ?? new Agent();
    this.secrets = [o.apiKey];
    const base = o.logger ?? silentLogger;
    // every line goes through redact: a message may quote a server that echoed the key.
    // A logger that throws must not break a stream.
    const safe = (fn: (m: string) => void) => (m: string) => {
      try {
        fn(redact(m, this.secrets));
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
    this.transport = new Transport({
      dispatcher: this.dispatcher,
      headersTimeoutMs: o.headersTimeoutMs ?? o.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      idleTimeoutMs: o.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRetries: Math.max(0, o.maxRetries ?? DEFAULT_MAX_RETRIES),
      sleep: o.sleep ?? abortableSleep,
      random: o.random ?? Math.random,
      log: this.log,
      secrets: this.secrets,
    });
  }

  private get auth(): AuthOptions {
    return { apiKey: this.o.apiKey, organizationId: this.o.organizationId, userAgent: this.o.userAgent };
  }

  /** Streams a reply. Never throws: yields events and ends with exactly one `end` or `error`. */
  stream(req: ChatRequest, opts: { signal?: AbortSignal } = {}): AsyncIterable<StreamEvent> {
    return this.guarded(req, opts.signal);
  }

  /** GET {base}/models, merged with the catalog for missing context/output sizes. Throws GmiError. */
  listModels(opts: { signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
    return listModels(this.transport, this.o.baseUrl, this.auth, opts.signal);
  }

  /** Closes the private dispatcher (a dispatcher passed in belongs to its creator). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Safety net for the "never throws, always one terminal event" contract, whatever goes wrong inside. */
  private async *guarded(req: ChatRequest, signal: AbortSignal | undefined): AsyncGenerator<StreamEvent> {
    let finished = false;
    let partial = false;
    try {
      for await (const ev of this.run(req, signal)) {
        if (finished) continue;
        if (isOutput(ev)) partial = true;
        if (ev.type === 'end' || ev.type === 'error') finished = true;
        yield ev;
      }
    } catch (err) {
      if (finished) return;
      finished = true;
      const error = errorFromException(err, this.secrets);
      this.log.error(`unexpected failure: ${error.message}`);
      yield { type: 'error', error, partial };
      return;
    }
    if (!finished) yield { type: 'error', error: cutOffError('no end'), partial };
  }

  private async *run(req: ChatRequest, signal: AbortSignal | undefined): AsyncGenerator<StreamEvent> {
    const check = checkBaseUrl(this.o.baseUrl);
    if (!check.ok) {
      this.log.error(`request not sent: ${check.error.message}`);
      yield { type: 'error', error: check.error, partial: false };
      return;
    }
    let built: BuiltRequest;
    try {
      built = WIRE_FORMATS[req.api].build(req, this.auth);
    } catch (err) {
      const error = errorFromException(err, this.secrets);
      this.log.error(`request not sent: ${error.message}`);
      yield { type: 'error', error, partial: false };
      return;
    }
    for (const note of built.notes) this.log.info(`request parameters: ${note}`);
    const url = endpointUrl(check.url, built.path);
    const state: StreamState = { partial: false, handedOut: false, firstTokenLogged: false };
    const t0 = Date.now();
    const outcome = yield* this.transport.send<EndReason, StreamEvent>(
      { method: 'POST', url, headers: built.headers, body: JSON.stringify(built.body), signal, model: req.model, logDetail: `model=${req.model} api=${req.api}` },
      (res) => this.readReply(req, res, url.host, signal, state, t0),
    );
    if (outcome.type === 'ok') yield { type: 'end', reason: outcome.value };
    else if (outcome.type === 'cancelled') yield { type: 'end', reason: 'cancelled' };
    else yield { type: 'error', error: outcome.error, partial: state.partial };
  }

  /** A 2xx reply: a web page (wrong base URL), one JSON reply (a gateway ignoring "stream"), or the stream. */
  private async *readReply(
    req: ChatRequest,
    res: ResponseData,
    host: string,
    signal: AbortSignal | undefined,
    state: StreamState,
    t0: number,
  ): AsyncGenerator<StreamEvent, BodyOutcome<EndReason>> {
    const contentType = String(res.headers['content-type'] ?? '').toLowerCase();
    if (contentType.includes('text/html')) {
      // A web page, not the API: the base URL points at a website or a captive portal.
      return {
        type: 'failed',
        error: {
          kind: 'notFound',
          message: l10n.t('{0} answered with a web page instead of the GMI API. Check the gmi.baseUrl setting (normally https://api.gmi-serving.com/v1).', host),
          action: 'openSettings',
          status: res.statusCode,
        },
      };
    }
    if (contentType.includes('json')) {
      const text = await this.transport.readText(res.body, MAX_JSON_BODY);
      if (signal?.aborted) return { type: 'cancelled' };
      for (const ev of nonStreamedEvents(req.api, text, this.secrets)) {
        if (ev.type === 'end') return { type: 'ok', value: ev.reason };
        if (ev.type === 'error') return { type: 'failed', error: ev.error };
        if (isOutput(ev)) state.partial = true;
        yield ev;
      }
      return { type: 'failed', error: cutOffError('empty reply') };
    }
    return yield* this.readStream(req, res, host, signal, state, t0);
  }

  /** The streamed body: bytes → SSE events → the format's decoder → events handed out as they come. */
  private async *readStream(
    req: ChatRequest,
    res: ResponseData,
    host: string,
    signal: AbortSignal | undefined,
    state: StreamState,
    t0: number,
  ): AsyncGenerator<StreamEvent, BodyOutcome<EndReason>> {
    const decoder = WIRE_FORMATS[req.api].decoder(this.secrets);
    const sse = new SseDecoder();
    let terminal: Extract<StreamEvent, { type: 'end' | 'error' }> | undefined;
    const queue: StreamEvent[] = [];
    const take = (events: StreamEvent[]): void => {
      for (const ev of events) {
        if (terminal) return;
        if (ev.type === 'end' || ev.type === 'error') terminal = ev;
        else queue.push(ev);
      }
    };
    const handOut = (ev: StreamEvent): StreamEvent => {
      if (isOutput(ev)) {
        if (!state.firstTokenLogged) {
          state.firstTokenLogged = true;
          this.log.info(`first token after ${Date.now() - t0} ms`);
        }
        state.partial = true;
      }
      state.handedOut = true;
      return ev;
    };
    try {
      for await (const chunk of this.transport.chunks(res.body)) {
        for (const ev of sse.push(chunk)) take(decoder.decode(ev));
        for (const ev of queue.splice(0)) yield handOut(ev);
        if (terminal) break;
      }
      if (!terminal) {
        for (const ev of sse.end()) take(decoder.decode(ev));
        take(decoder.finish());
        for (const ev of queue.splice(0)) yield handOut(ev);
      }
    } catch (err) {
      if (signal?.aborted) return { type: 'cancelled' };
      if (err instanceof IdleTimeoutError) {
        const secs = Number((this.transport.idleTimeoutMs / 1000).toFixed(2));
        return { type: 'failed', error: { kind: 'idleTimeout', message: l10n.t('GMI stopped sending for {0} s, so the reply was abandoned. Try again.', secs), action: 'retry' } };
      }
      if (err instanceof SseOverflowError) return { type: 'failed', error: malformedError(err.message) };
      const info = errorFromException(err, this.secrets, host);
      // a connection that breaks mid-body is a cut-off reply to the user, a network error to the policy
      const error = info.kind === 'network' ? cutOffError(errorCode(err) ?? 'connection closed') : info;
      return { type: 'failed', error, retryAs: state.handedOut ? undefined : info };
    }
    if (terminal?.type === 'end') {
      if (terminal.reason === 'cancelled') return { type: 'cancelled' };
      this.log.info(`end (${terminal.reason})`);
      return { type: 'ok', value: terminal.reason };
    }
    if (terminal?.type === 'error') return { type: 'failed', error: terminal.error };
    return { type: 'failed', error: cutOffError('empty reply') };
  }
}
