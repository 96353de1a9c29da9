// The one send-with-retry path under both the streamed chat requests and GET /models: the retry
// policy (retry.ts) applied to connection failures, HTTP errors and bodies that break before
// anything was handed out; the headers timeout; an idle timer while a body is read; error bodies
// read (capped) and mapped to GmiErrorInfo; bodies we no longer want discarded (socket closed).
import * as l10n from '../l10n';
import { errorFromException, errorFromResponse, redact } from './errors';
import { retryDelayMs, shouldRetry, type HeaderBag } from './retry';
import type { ClientLogger, GmiErrorInfo, StreamEvent } from './types';
import { request, type Dispatcher, type ResponseData } from './undici';

/** Error bodies are read up to this size; the rest is discarded. */
const MAX_ERROR_BODY = 32 * 1024;

export type RetryEvent = Extract<StreamEvent, { type: 'retry' }>;

/** How one exchange ended. */
export type Outcome<T> =
  | { type: 'ok'; value: T }
  | { type: 'cancelled' }
  | { type: 'failed'; error: GmiErrorInfo };

/**
 * What a success handler (a 2xx reply) reports. `retryAs` marks a failure that happened before
 * anything was handed out: the policy may then try again, with that error's kind and message.
 */
export type BodyOutcome<T> = Outcome<T> | { type: 'failed'; error: GmiErrorInfo; retryAs?: GmiErrorInfo };

/** Reads a 2xx reply; may yield events (handed straight to the caller) and returns how it ended. */
export type SuccessHandler<T, E> = (res: ResponseData) => AsyncGenerator<E, BodyOutcome<T>>;

export interface Exchange {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Model id, for error messages about it (404 "No matching target server"). */
  model?: string;
  /** Extra words for the request's log line. */
  logDetail?: string;
}

export interface TransportOptions {
  dispatcher: Dispatcher;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  maxRetries: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  /** Already redacting and never throwing. */
  log: ClientLogger;
  /** Texts that must never appear in a message (the API key). */
  secrets: ReadonlyArray<string | undefined>;
}

/** Why an attempt is retried, in a few words for a status line ("rate limit reached, HTTP 429"). */
export function shortReason(e: GmiErrorInfo): string {
  const http = (words: string): string => (e.status ? l10n.t('{0}, HTTP {1}', words, e.status) : words);
  switch (e.kind) {
    case 'rateLimit':
      return http(l10n.t('rate limit reached'));
    case 'overloaded':
      return http(l10n.t('GMI is overloaded'));
    case 'server':
      return http(l10n.t('server error'));
    case 'timeout':
      return e.status ? http(l10n.t('timed out')) : l10n.t('no answer in time');
    case 'network':
      return l10n.t('connection failed');
    case 'stream':
      return l10n.t('the reply was cut off');
    default:
      return e.status ? `HTTP ${e.status}` : e.kind;
  }
}

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

/** Thrown by Transport.chunks when the body stayed silent for the idle timeout. */
export class IdleTimeoutError extends Error {
  constructor() {
    super('idle timeout');
    this.name = 'IdleTimeoutError';
  }
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

/**
 * Closes a response body we no longer want (closing the socket if it is still streaming).
 * undici's body emits an error when destroyed early; the listener keeps that from being uncaught.
 */
export function discard(body: ResponseData['body']): void {
  if (body.destroyed || body.readableEnded) return;
  body.on('error', () => {});
  body.destroy();
}

/** The first `code` in an error's cause chain, e.g. UND_ERR_SOCKET. */
export function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

export class Transport {
  constructor(private readonly o: TransportOptions) {}

  get idleTimeoutMs(): number {
    return this.o.idleTimeoutMs;
  }

  /**
   * Sends the request, retrying as the policy allows, and hands a 2xx reply to `onSuccess`.
   * Yields what the handler yields plus a `retry` event before each wait; returns the outcome.
   * Never retries once the handler has reported a failure without `retryAs`.
   */
  async *send<T, E>(ex: Exchange, onSuccess: SuccessHandler<T, E>): AsyncGenerator<E | RetryEvent, Outcome<T>> {
    const { log, secrets, maxRetries } = this.o;
    const t0 = Date.now();
    const where = `${ex.url.origin}${ex.url.pathname}`;
    const finish = (outcome: Outcome<T>, retries: number): Outcome<T> => {
      const after = `after ${Date.now() - t0} ms`;
      if (outcome.type === 'cancelled') log.info(`${ex.method} ${where} cancelled ${after}`);
      else if (outcome.type === 'ok') log.info(`${ex.method} ${where} done ${after}, retries=${retries}`);
      else {
        const e = outcome.error;
        log.error(`${ex.method} ${where} failed ${after}: ${e.kind}${e.status ? ` ${e.status}` : ''}: ${e.message}`);
      }
      return outcome;
    };

    for (let retries = 0; ; retries++) {
      if (ex.signal?.aborted) return finish({ type: 'cancelled' }, retries);
      // one line per attempt, so a retried request reads as such in the log
      log.info(`${ex.method} ${where}${ex.logDetail ? ` ${ex.logDetail}` : ''}${retries ? ` (attempt ${retries + 1} of ${maxRetries + 1})` : ''}`);
      const tAttempt = Date.now();
      let retry: { error: GmiErrorInfo; headers?: HeaderBag } | undefined;

      let res: ResponseData | undefined;
      try {
        res = await request(this.o.dispatcher, ex.url, {
          method: ex.method,
          headers: ex.headers,
          body: ex.body,
          signal: ex.signal,
          headersTimeout: this.o.headersTimeoutMs,
          bodyTimeout: 0, // the idle timer does this, and tells the user what happened
        });
      } catch (err) {
        if (ex.signal?.aborted) return finish({ type: 'cancelled' }, retries);
        const info = errorCode(err) === 'UND_ERR_HEADERS_TIMEOUT' ? this.noAnswerError() : errorFromException(err, secrets, ex.url.host);
        if (!shouldRetry({ retriesSoFar: retries, maxRetries, kind: info.kind })) return finish({ type: 'failed', error: info }, retries);
        retry = { error: info };
      }

      if (res) {
        const status = res.statusCode;
        log.info(`${status} from ${where} after ${Date.now() - tAttempt} ms`);
        if (status < 200 || status >= 300) {
          const text = await this.readText(res.body, MAX_ERROR_BODY);
          if (ex.signal?.aborted) return finish({ type: 'cancelled' }, retries);
          const info = errorFromResponse({ status, headers: res.headers, body: text, model: ex.model, url: where, secrets });
          if (!shouldRetry({ retriesSoFar: retries, maxRetries, status, headers: res.headers })) return finish({ type: 'failed', error: info }, retries);
          retry = { error: info, headers: res.headers };
        } else {
          let outcome: BodyOutcome<T>;
          try {
            outcome = yield* onSuccess(res);
          } finally {
            discard(res.body);
          }
          if (outcome.type === 'failed' && 'retryAs' in outcome && outcome.retryAs) {
            const again = outcome.retryAs;
            if (!shouldRetry({ retriesSoFar: retries, maxRetries, kind: again.kind })) return finish({ type: 'failed', error: outcome.error }, retries);
            retry = { error: again };
          } else {
            return finish(outcome.type === 'failed' ? { type: 'failed', error: outcome.error } : outcome, retries);
          }
        }
      }

      const delayMs = retryDelayMs(retries, retry?.headers, this.o.random);
      log.warn(`retry ${retries + 1}/${maxRetries} in ${delayMs} ms: ${retry?.error.message ?? 'unknown'}`);
      const reason = retry ? shortReason(retry.error) : 'unknown';
      yield { type: 'retry', attempt: retries + 1, maxRetries, delayMs, reason: redact(reason, secrets) };
      try {
        await this.o.sleep(delayMs, ex.signal);
      } catch {
        // a sleep that rejects on abort is fine; the check at the top of the loop ends it
      }
    }
  }

  /** No response headers within the headers timeout (gmi.idleTimeoutSeconds for chat requests). */
  private noAnswerError(): GmiErrorInfo {
    const secs = Number((this.o.headersTimeoutMs / 1000).toFixed(2));
    return {
      kind: 'timeout',
      message: l10n.t('GMI sent no answer within {0} s (gmi.idleTimeoutSeconds). Reasoning models can think for minutes before answering: raise the setting, or try again.', secs),
      action: 'retry',
    };
  }

  /**
   * A body's chunks with the idle timer running only while we wait on the server: stopped while
   * the caller handles a chunk (a slow consumer is not a silent server). Throws IdleTimeoutError
   * after `idleTimeoutMs` of silence; the body is discarded however the loop ends.
   */
  async *chunks(body: ResponseData['body']): AsyncGenerator<Uint8Array> {
    let idleFired = false;
    const idle = new IdleTimer(this.o.idleTimeoutMs, () => {
      idleFired = true;
      body.destroy(new IdleTimeoutError());
    });
    try {
      idle.restart();
      for await (const chunk of body) {
        idle.stop();
        yield chunk as Uint8Array;
        idle.restart();
      }
    } catch (err) {
      if (idleFired) throw new IdleTimeoutError();
      throw err;
    } finally {
      idle.stop();
      discard(body);
    }
  }

  /** Reads a body as text up to `max` bytes (the rest is discarded), giving up after the idle timeout. */
  async readText(body: ResponseData['body'], max: number): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of this.chunks(body)) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        if (size < max) parts.push(buf.subarray(0, max - size));
        size += buf.length;
        if (size >= max) break;
      }
    } catch {
      // keep what arrived; the caller reports on the status and whatever text there is
    }
    return Buffer.concat(parts).toString('utf8');
  }
}
