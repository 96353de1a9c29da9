// HTTP replies, exceptions and mid-stream error payloads → GmiErrorInfo: a short message a person
// can act on, an `action` the UI can offer, and never the API key (servers may echo it back).
import * as l10n from '../l10n';
import { header, serverRetryAfterMs, type HeaderBag } from './retry';
import type { ContextOverflow, GmiErrorInfo, GmiErrorKind } from './types';

/** Longest server text quoted in a message. */
const MAX_DETAIL = 300;

/** An error the client throws (listModels) or carries; `info.message` is safe to show. */
export class GmiError extends Error {
  readonly info: GmiErrorInfo;
  constructor(info: GmiErrorInfo) {
    super(info.message);
    this.name = 'GmiError';
    this.info = info;
  }
}

// JWT-shaped tokens (GMI keys look like `eyJ…`), in case a server echoes part of a key.
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g;

/** Removes every secret (and anything shaped like a JWT) from a text. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out.replace(JWT_LIKE, '[redacted]');
}

function redactInfo(info: GmiErrorInfo, secrets: ReadonlyArray<string | undefined>): GmiErrorInfo {
  const out: GmiErrorInfo = { ...info, message: redact(info.message, secrets) };
  if (out.requestId !== undefined) out.requestId = redact(out.requestId, secrets);
  return out;
}

function cap(text: string, max = MAX_DETAIL): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function looksLikeHtml(text: string): boolean {
  return /^\s*<(!doctype|html|head|body|\?xml)/i.test(text) || /<\/(html|body|head|title)>/i.test(text);
}

function tryJson(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[') && !t.startsWith('"')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

interface BodyFacts {
  /** The most useful human text from the server, if any. */
  message?: string;
  /** Error type such as `overloaded_error`, `rate_limit_error`, `invalid_request_error`. */
  type?: string;
  requestId?: string;
}

/**
 * Digs the useful text out of an error body: GMI's JSON string in `error.details` (the inner
 * message, not "Backend request failed…"), `error.message`, Messages-style
 * `{type:'error',error:{type,message}}`, FastAPI `detail`, or plain text. HTML is never quoted.
 */
export function bodyFacts(body: unknown, depth = 0): BodyFacts {
  if (typeof body === 'string') {
    const parsed = tryJson(body);
    if (parsed !== undefined && depth < 3) return bodyFacts(parsed, depth + 1);
    if (!body.trim() || looksLikeHtml(body)) return {};
    return { message: cap(body) };
  }
  if (!body || typeof body !== 'object') return {};
  const o = body as Record<string, unknown>;
  const err = (o.error && typeof o.error === 'object' ? o.error : undefined) as Record<string, unknown> | undefined;
  const facts: BodyFacts = {
    requestId: str(o.request_id) ?? str(err?.request_id),
    type: str(err?.type) ?? (o.type !== 'error' ? str(o.type) : undefined),
  };
  if (err && err.details !== undefined && depth < 3) {
    const inner = bodyFacts(typeof err.details === 'string' ? err.details : err.details, depth + 1);
    if (inner.message) {
      return { message: inner.message, type: inner.type ?? facts.type, requestId: inner.requestId ?? facts.requestId };
    }
  }
  const message =
    str(err?.message) ??
    str(o.error) ??
    str(o.message) ??
    str(o.detail) ??
    (Array.isArray(o.detail) ? str((o.detail[0] as { msg?: unknown } | undefined)?.msg) : undefined);
  if (message && !looksLikeHtml(message)) facts.message = cap(message);
  return facts;
}

function secondsText(ms: number): string {
  const n = Math.max(1, Math.ceil(ms / 1000));
  return n === 1 ? l10n.t('1 second') : l10n.t('{0} seconds', n);
}

function withDetail(prefix: string, detail: string | undefined): string {
  return detail ? `${prefix}: ${detail}` : prefix;
}

/** "What happened: detail. What to do." — each part its own translated phrase. */
const andAdvice = (what: string, advice: string): string => `${what}. ${advice}`;

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s.replace(/,/g, '')));

/**
 * The "prompt is too long" errors of both formats (and of vLLM, which serves many open models),
 * matched on the error text (GMI's `error.details` JSON included):
 * - Anthropic: `prompt is too long: 208656 tokens > 200000 maximum`;
 * - Anthropic: ``input length and `max_tokens` exceed context limit: 178959 + 64000 > 200000``;
 * - OpenAI: `This model's maximum context length is 8192 tokens. However, your messages resulted in
 *   8227 tokens` (code `context_length_exceeded`);
 * - OpenAI / vLLM: `… maximum context length is 4096 tokens. However, you requested 4130 tokens
 *   (3130 in the messages, 1000 in the completion)`;
 * - vLLM: `… maximum context length is 16384 tokens and your request has 7000 input tokens`;
 * - any body whose error code or type is `context_length_exceeded`.
 * Returns the numbers it found (possibly none), or undefined when the body is no such error.
 */
export function contextOverflow(body: string): ContextOverflow | undefined {
  const text = body.replace(/\\?"/g, '"');
  let m = /prompt is too long:\s*([\d,]+)\s*tokens\s*>\s*([\d,]+)\s*maximum/i.exec(text);
  if (m) return { promptTokens: num(m[1]), limitTokens: num(m[2]) };
  m = /input length and `?max_tokens`? exceed context limit:\s*([\d,]+)\s*\+\s*([\d,]+)\s*>\s*([\d,]+)/i.exec(text);
  if (m) return { promptTokens: num(m[1]), outputTokens: num(m[2]), limitTokens: num(m[3]) };
  const limit = /maximum context length is\s*([\d,]+)\s*tokens/i.exec(text);
  if (limit) {
    const out: ContextOverflow = { limitTokens: num(limit[1]) };
    const parts = /\(([\d,]+) in the messages,\s*([\d,]+) in the completion\)/i.exec(text);
    const resulted = /messages resulted in\s*([\d,]+)\s*tokens/i.exec(text);
    const input = /your request has\s*([\d,]+)\s*input tokens/i.exec(text);
    const requested = /you requested\s*([\d,]+)\s*tokens/i.exec(text);
    if (parts) {
      out.promptTokens = num(parts[1]);
      out.outputTokens = num(parts[2]);
    } else if (resulted ?? input) out.promptTokens = num((resulted ?? input)![1]);
    else if (requested) out.promptTokens = num(requested[1]);
    return out;
  }
  if (/"(code|type)"\s*:\s*"context_length_exceeded"/.test(text)) return {};
  return undefined;
}

function overflowMessage(o: ContextOverflow, model: string | undefined, http: string): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const counts =
    o.promptTokens !== undefined && o.limitTokens !== undefined
      ? o.outputTokens
        ? l10n.t('{0}: {1} tokens + {2} for the reply > {3}', http, n(o.promptTokens), n(o.outputTokens), n(o.limitTokens))
        : l10n.t('{0}: {1} tokens > {2}', http, n(o.promptTokens), n(o.limitTokens))
      : http;
  const advice = l10n.t('Drop the oldest turns and retry, or start a new chat.');
  return model
    ? `${l10n.t("The conversation is too long for {0}'s context ({1}).", model, counts)} ${advice}`
    : `${l10n.t("The conversation is too long for the model's context ({0}).", counts)} ${advice}`;
}

export interface ResponseContext {
  status: number;
  headers?: HeaderBag;
  /** Body text (already capped by the caller to something small). */
  body?: string;
  /** The model the request named, for "model not found". */
  model?: string;
  /** Full request URL (no secrets in it), for "not found". */
  url?: string;
  /** Values to redact (the API key). */
  secrets?: ReadonlyArray<string | undefined>;
  now?: number;
}

/** An HTTP error reply → GmiErrorInfo. */
export function errorFromResponse(ctx: ResponseContext): GmiErrorInfo {
  const { status } = ctx;
  const body = ctx.body ?? '';
  const facts = bodyFacts(body);
  const requestId = header(ctx.headers, 'x-request-id') ?? header(ctx.headers, 'request-id') ?? facts.requestId;
  const detail = facts.message;
  const type = facts.type?.toLowerCase();
  const http = `HTTP ${status}`;
  let info: GmiErrorInfo;

  const plainModel = /No matching target server found for model\s*(.*)/i.exec(body);
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') {
    info = {
      kind: 'auth',
      message: andAdvice(withDetail(l10n.t('GMI rejected the API key ({0})', http), detail), l10n.t('Set a new key with "GMI: Set API Key".')),
      action: 'setApiKey',
    };
  } else if (status === 402) {
    info = {
      kind: 'billing',
      message: andAdvice(
        withDetail(l10n.t('GMI refused the request for billing reasons ({0})', http), detail),
        l10n.t('Check the balance and payment method of your GMI Cloud account.'),
      ),
    };
  } else if (status === 404 && (plainModel || type === 'not_found_error' && /model/i.test(detail ?? ''))) {
    const model = cap(plainModel?.[1]?.trim() || ctx.model || l10n.t('this model'), 120);
    info = {
      kind: 'modelNotFound',
      message: l10n.t('GMI has no server for model "{0}" ({1}). Pick another model; ids are fully qualified, e.g. anthropic/claude-sonnet-4.5.', model, http),
      action: 'selectModel',
    };
  } else if (status === 404) {
    info = {
      kind: 'notFound',
      message: andAdvice(
        withDetail(ctx.url ? l10n.t('GMI returned "not found" for {0} ({1})', ctx.url, http) : l10n.t('GMI returned "not found" for the request ({0})', http), detail),
        l10n.t('Check the gmi.baseUrl setting (normally https://api.gmi-serving.com/v1).'),
      ),
      action: 'openSettings',
    };
  } else if (status === 408) {
    info = { kind: 'timeout', message: andAdvice(withDetail(l10n.t('GMI timed out handling the request ({0})', http), detail), l10n.t('Try again.')), action: 'retry' };
  } else if ((status === 400 || status === 413 || status === 422) && contextOverflow(body)) {
    const overflow = contextOverflow(body)!;
    info = { kind: 'contextOverflow', message: overflowMessage(overflow, ctx.model, http), action: 'dropOldestTurns', overflow };
  } else if (status === 413 || type === 'request_too_large') {
    info = {
      kind: 'tooLarge',
      message: andAdvice(withDetail(l10n.t('The request is too large for GMI ({0})', http), detail), l10n.t('Send less context or start a new conversation.')),
    };
  } else if (status === 429 || type === 'rate_limit_error') {
    const retryAfterMs = serverRetryAfterMs(ctx.headers, ctx.now);
    info = {
      kind: 'rateLimit',
      message: andAdvice(
        withDetail(l10n.t("GMI's rate limit was reached ({0})", http), detail),
        retryAfterMs !== undefined ? l10n.t('Try again in {0}.', secondsText(retryAfterMs)) : l10n.t('Wait a moment and try again.'),
      ),
      action: 'retry',
      retryAfterMs,
    };
  } else if (status === 529 || type === 'overloaded_error') {
    info = { kind: 'overloaded', message: andAdvice(withDetail(l10n.t('GMI is overloaded right now ({0})', http), detail), l10n.t('Try again in a moment.')), action: 'retry' };
  } else if (status >= 500) {
    info = { kind: 'server', message: andAdvice(withDetail(l10n.t('GMI had a server error ({0})', http), detail), l10n.t('Try again in a moment.')), action: 'retry' };
  } else if (status === 400 || status === 422) {
    info = { kind: 'badRequest', message: withDetail(l10n.t('GMI refused the request ({0})', http), detail ?? l10n.t('bad request')) + '.' };
  } else {
    info = { kind: 'unknown', message: withDetail(l10n.t('GMI answered with an unexpected {0}', http), detail) + '.' };
  }
  info.status = status;
  if (info.retryAfterMs === undefined) {
    const ra = serverRetryAfterMs(ctx.headers, ctx.now);
    if (ra !== undefined) info.retryAfterMs = ra;
    else delete info.retryAfterMs;
  }
  if (requestId) info.requestId = cap(requestId, 100);
  return redactInfo(info, ctx.secrets ?? []);
}

/** A mid-stream error payload (`{error:{…}}` chunk or Messages `error` event) → GmiErrorInfo. */
export function errorFromStreamPayload(payload: unknown, secrets: ReadonlyArray<string | undefined> = []): GmiErrorInfo {
  const facts = bodyFacts(payload);
  const type = facts.type?.toLowerCase();
  const detail = facts.message ?? facts.type ?? 'unknown error';
  let kind: GmiErrorKind = 'stream';
  if (type === 'overloaded_error') kind = 'overloaded';
  else if (type === 'rate_limit_error') kind = 'rateLimit';
  const info: GmiErrorInfo = {
    kind,
    message: l10n.t('GMI reported an error while streaming the reply: {0}. Try again.', detail),
    action: 'retry',
  };
  if (facts.requestId) info.requestId = cap(facts.requestId, 100);
  return redactInfo(info, secrets);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EPIPE',
  'ECONNABORTED',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_INFO',
  'UND_ERR_PRX_TLS',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_CRL',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Every error in a cause chain / AggregateError, outermost first. */
function errorChain(err: unknown): Array<{ code?: string; message?: string; name?: string }> {
  const out: Array<{ code?: string; message?: string; name?: string }> = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    const o = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    out.push({
      code: typeof o.code === 'string' ? o.code : undefined,
      message: typeof o.message === 'string' ? o.message : undefined,
      name: typeof o.name === 'string' ? o.name : undefined,
    });
    if (o.cause) queue.push(o.cause);
    if (Array.isArray(o.errors)) queue.push(...o.errors);
  }
  return out;
}

/** A thrown error (connection, TLS, timeout, proxy) → GmiErrorInfo. */
export function errorFromException(err: unknown, secrets: ReadonlyArray<string | undefined> = [], host?: string): GmiErrorInfo {
  if (err instanceof GmiError) return redactInfo(err.info, secrets);
  const chain = errorChain(err);
  const codes = chain.map((c) => c.code).filter((c): c is string => !!c);
  const where = host ?? 'GMI';
  const firstMessage = chain.find((c) => c.message)?.message ?? String(err);
  let info: GmiErrorInfo;

  const cert = codes.find((c) => CERT_CODES.has(c)) ?? (chain.some((c) => /certificate|self[- ]signed/i.test(c.message ?? '')) ? 'certificate' : undefined);
  const proxy = /Proxy response \((\d+)\)/i.exec(chain.map((c) => c.message ?? '').join(' '));
  if (cert) {
    info = {
      kind: 'certificate',
      message:
        `${l10n.t("Could not connect to {0}: the server's certificate is not trusted ({1}).", where, cert)} ` +
        l10n.t('If a corporate proxy inspects HTTPS, add its CA with NODE_EXTRA_CA_CERTS, or set http.proxyStrictSSL to false.'),
      action: 'openSettings',
    };
  } else if (proxy) {
    info = {
      kind: 'network',
      message: l10n.t('The proxy refused to connect to {0} (HTTP {1}). Check the http.proxy setting and its credentials.', where, proxy[1]),
      action: 'openSettings',
    };
  } else if (codes.some((c) => TIMEOUT_CODES.has(c))) {
    info = {
      kind: 'timeout',
      message: l10n.t('{0} did not answer in time ({1}). Check your connection or proxy and try again.', where, codes.find((c) => TIMEOUT_CODES.has(c))!),
      action: 'retry',
    };
  } else if (codes.some((c) => NETWORK_CODES.has(c)) || chain.some((c) => /socket|network|connect/i.test(c.message ?? ''))) {
    const code = codes.find((c) => NETWORK_CODES.has(c));
    const hint =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? l10n.t('the host name could not be resolved; check gmi.baseUrl and your DNS or proxy')
        : code === 'ECONNREFUSED'
          ? l10n.t('the connection was refused; check gmi.baseUrl and http.proxy')
          : l10n.t('the connection failed or was closed; check your network or proxy');
    info = { kind: 'network', message: l10n.t('Could not reach {0}: {1} ({2}).', where, hint, code ?? cap(firstMessage, 120)), action: 'retry' };
  } else {
    info = { kind: 'unknown', message: l10n.t('Request to {0} failed: {1}.', where, cap(firstMessage, 200)), action: 'retry' };
  }
  return redactInfo(info, secrets);
}
