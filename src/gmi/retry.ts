// Retry policy, as the official OpenAI/Anthropic SDKs do it: retry only before anything has been
// handed to the user; connection errors, timeouts, 408, 409, 429 and 5xx are retried; the server
// can force the answer with `x-should-retry`; the server's delay wins when it is sane.
// Pure functions: time and randomness come in as arguments.
import type { GmiErrorKind } from './types';

export type HeaderBag = Record<string, string | string[] | undefined> | undefined;

export const DEFAULT_MAX_RETRIES = 2;
/** A server-requested delay above this is not honoured (we back off ourselves instead). */
export const MAX_SERVER_DELAY_MS = 60_000;
const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/** Case-insensitive header lookup; the first value of a repeated header. */
export function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  const want = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== want) continue;
    const v = headers[key];
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** Delay the server asked for (`retry-after-ms`, or `Retry-After` in seconds or as an HTTP date), in ms. */
export function serverRetryAfterMs(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = header(headers, 'retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Error kinds worth another attempt when nothing was received yet. */
export function isRetryableKind(kind: GmiErrorKind): boolean {
  return kind === 'network' || kind === 'timeout';
}

/**
 * Should a failed attempt be retried? `status` for HTTP replies, `kind` for failures without one.
 * `retriesSoFar` counts retries already made.
 */
export function shouldRetry(input: {
  retriesSoFar: number;
  maxRetries: number;
  status?: number;
  headers?: HeaderBag;
  kind?: GmiErrorKind;
}): boolean {
  if (input.retriesSoFar >= input.maxRetries) return false;
  const forced = header(input.headers, 'x-should-retry')?.trim().toLowerCase();
  if (forced === 'true') return true;
  if (forced === 'false') return false;
  const s = input.status;
  if (s !== undefined) return s === 408 || s === 409 || s === 429 || s >= 500;
  return input.kind !== undefined && isRetryableKind(input.kind);
}

/**
 * How long to wait before retry number `retriesSoFar + 1`: the server's delay when present and
 * ≤ 60 s, else min(0.5·2^n, 8) s minus up to 25 % jitter.
 */
export function retryDelayMs(
  retriesSoFar: number,
  headers?: HeaderBag,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const server = serverRetryAfterMs(headers, now);
  if (server !== undefined && server <= MAX_SERVER_DELAY_MS) return Math.round(server);
  const backoff = Math.min(BASE_DELAY_MS * 2 ** retriesSoFar, MAX_BACKOFF_MS);
  const jitter = 1 - 0.25 * Math.min(Math.max(random(), 0), 1);
  return Math.round(backoff * jitter);
}
