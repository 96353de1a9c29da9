import * as assert from 'node:assert/strict';
import { checkBaseUrl, endpointUrl, isLoopbackHost, resolveApi } from '../../src/gmi/baseUrl';
import { catalogEntry, catalogModels } from '../../src/gmi/catalog';
import { errorFromException, errorFromResponse, redact } from '../../src/gmi/errors';
import { retryDelayMs, serverRetryAfterMs, shouldRetry } from '../../src/gmi/retry';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.sig-value_123';

const NESTED_400 = JSON.stringify({
  error: {
    message: 'Backend request failed with status 400',
    type: 'backend_error',
    code: 400,
    details: JSON.stringify({
      error: {
        type: 'invalid_request_error',
        code: '400001',
        message: 'Invalid max_tokens value, the valid range of max_tokens is [1, 393216]',
        source: 'client',
        request_id: 'req-inner-1',
      },
    }),
  },
});

const HTML = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>${'<p>filler</p>'.repeat(500)}</body></html>`;

describe('gmi/errors: HTTP replies', () => {
  it('400 with GMI nested details shows the inner message, not "Backend request failed"', () => {
    const info = errorFromResponse({ status: 400, body: NESTED_400 });
    assert.equal(info.kind, 'badRequest');
    assert.equal(info.status, 400);
    assert.match(info.message, /Invalid max_tokens value, the valid range of max_tokens is \[1, 393216\]/);
    assert.doesNotMatch(info.message, /Backend request failed/);
    assert.equal(info.requestId, 'req-inner-1');
  });

  it('422 with a FastAPI-style detail list is badRequest with that text', () => {
    const info = errorFromResponse({ status: 422, body: JSON.stringify({ detail: [{ loc: ['body', 'messages'], msg: 'field required' }] }) });
    assert.equal(info.kind, 'badRequest');
    assert.match(info.message, /field required/);
  });

  it('plain-text 404 for an unknown model → modelNotFound / selectModel, naming the model', () => {
    const info = errorFromResponse({ status: 404, body: 'No matching target server found for model claude-sonnet', model: 'claude-sonnet' });
    assert.equal(info.kind, 'modelNotFound');
    assert.equal(info.action, 'selectModel');
    assert.match(info.message, /claude-sonnet/);
  });

  it('other 404 → notFound pointing at gmi.baseUrl', () => {
    const info = errorFromResponse({ status: 404, body: '404 page not found', url: 'https://example.test/v2/chat/completions' });
    assert.equal(info.kind, 'notFound');
    assert.equal(info.action, 'openSettings');
    assert.match(info.message, /gmi\.baseUrl/);
  });

  for (const status of [401, 403]) {
    it(`${status} → auth / setApiKey whatever the body`, () => {
      for (const body of ['', HTML, '{"error":"unauthorized"}', 'Unauthorized', '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}']) {
        const info = errorFromResponse({ status, body });
        assert.equal(info.kind, 'auth');
        assert.equal(info.action, 'setApiKey');
        assert.match(info.message, /GMI rejected the API key/);
        assert.match(info.message, /Set a new key/);
        assert.doesNotMatch(info.message, /<|DOCTYPE|nginx/);
      }
    });
  }

  it('402 → billing', () => {
    assert.equal(errorFromResponse({ status: 402, body: '' }).kind, 'billing');
  });

  it('Messages-style error bodies', () => {
    const overloaded = errorFromResponse({ status: 529, body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' });
    assert.equal(overloaded.kind, 'overloaded');
    assert.equal(overloaded.action, 'retry');
    assert.match(overloaded.message, /Overloaded/);
    const invalid = errorFromResponse({ status: 400, body: '{"type":"error","error":{"type":"invalid_request_error","message":"messages: roles must alternate"}}' });
    assert.equal(invalid.kind, 'badRequest');
    assert.match(invalid.message, /roles must alternate/);
    assert.equal(errorFromResponse({ status: 500, body: '{"type":"error","error":{"type":"overloaded_error","message":"busy"}}' }).kind, 'overloaded');
  });

  it('408 → timeout / retry', () => {
    const info = errorFromResponse({ status: 408, body: '' });
    assert.equal(info.kind, 'timeout');
    assert.equal(info.action, 'retry');
  });

  it('413 → tooLarge', () => {
    assert.equal(errorFromResponse({ status: 413, body: 'Request Entity Too Large' }).kind, 'tooLarge');
  });

  it('429 → rateLimit with retryAfterMs and "try again in N seconds"', () => {
    const info = errorFromResponse({ status: 429, headers: { 'retry-after': '7' }, body: '{"error":{"message":"TPM limit reached"}}' });
    assert.equal(info.kind, 'rateLimit');
    assert.equal(info.action, 'retry');
    assert.equal(info.retryAfterMs, 7000);
    assert.match(info.message, /Try again in 7 seconds/);
    assert.match(info.message, /TPM limit reached/);
    const noHeader = errorFromResponse({ status: 429, body: '' });
    assert.equal(noHeader.retryAfterMs, undefined);
    assert.match(noHeader.message, /try again/i);
  });

  it('5xx → server; HTML bodies are never quoted and messages stay short', () => {
    const info = errorFromResponse({ status: 502, body: HTML });
    assert.equal(info.kind, 'server');
    assert.equal(info.action, 'retry');
    assert.doesNotMatch(info.message, /<|html|nginx/i);
    assert.ok(info.message.length < 200, info.message);
  });

  it('empty bodies and long plain text are handled', () => {
    assert.equal(errorFromResponse({ status: 503, body: '' }).kind, 'server');
    const long = errorFromResponse({ status: 400, body: 'x'.repeat(10_000) });
    assert.ok(long.message.length <= 400, `length ${long.message.length}`);
  });

  it('takes the request id from the response headers', () => {
    assert.equal(errorFromResponse({ status: 500, headers: { 'x-request-id': 'abc-123' }, body: '' }).requestId, 'abc-123');
  });

  it('never contains the API key, even when the server echoes it', () => {
    const bodies = [
      `{"error":{"message":"Invalid API key: ${KEY}"}}`,
      `Bearer ${KEY} is not valid`,
      JSON.stringify({ error: { message: 'x', details: JSON.stringify({ error: { message: `key ${KEY} revoked` } }) } }),
      `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key ${KEY}"}}`,
    ];
    for (const status of [400, 401, 404, 429, 500]) {
      for (const body of bodies) {
        const info = errorFromResponse({ status, body, secrets: [KEY], headers: { 'x-request-id': KEY } });
        assert.ok(!info.message.includes(KEY), info.message);
        assert.ok(!info.message.includes(KEY.slice(0, 30)), info.message);
        assert.ok(!(info.requestId ?? '').includes(KEY));
      }
    }
  });
});

describe('gmi/errors: exceptions', () => {
  const withCode = (code: string, message = code): Error => Object.assign(new Error(message), { code });

  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'UND_ERR_SOCKET', 'EAI_AGAIN']) {
    it(`${code} → network`, () => {
      const info = errorFromException(withCode(code), [], 'api.example.test');
      assert.equal(info.kind, 'network');
      assert.match(info.message, new RegExp(code));
    });
  }

  it('a cause chain is followed (fetch-style TypeError wrapping ECONNREFUSED)', () => {
    const err = new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') });
    assert.equal(errorFromException(err).kind, 'network');
  });

  it('headers timeout → timeout', () => {
    assert.equal(errorFromException(withCode('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error')).kind, 'timeout');
    assert.equal(errorFromException(withCode('UND_ERR_CONNECT_TIMEOUT')).kind, 'timeout');
  });

  for (const code of [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  ]) {
    it(`${code} → certificate with the fix`, () => {
      const info = errorFromException(withCode(code, 'some tls failure'));
      assert.equal(info.kind, 'certificate');
      assert.match(info.message, /certificate is not trusted/);
      assert.match(info.message, /NODE_EXTRA_CA_CERTS/);
      assert.match(info.message, /http\.proxyStrictSSL/);
    });
  }

  it('a proxy refusing the tunnel is a network error naming http.proxy', () => {
    const info = errorFromException(withCode('UND_ERR_ABORTED', 'Proxy response (407) !== 200 when HTTP Tunneling'));
    assert.equal(info.kind, 'network');
    assert.match(info.message, /407/);
    assert.match(info.message, /http\.proxy/);
  });

  it('redacts the key from exception messages', () => {
    const info = errorFromException(new Error(`weird failure mentioning ${KEY}`), [KEY]);
    assert.ok(!info.message.includes(KEY));
  });
});

describe('gmi/errors: redact', () => {
  it('removes every occurrence of every secret', () => {
    assert.equal(redact('a SECRET b SECRET c other', ['SECRET', 'other']), 'a [redacted] b [redacted] c [redacted]');
  });
  it('removes JWT-shaped tokens even when they are not the configured key', () => {
    assert.equal(redact(`token ${KEY.slice(0, 40)}.tail here`, []).includes('eyJhbGciOiJIUzI1NiJ9.eyJ'), false);
  });
  it('ignores empty and undefined secrets', () => {
    assert.equal(redact('plain text', ['', undefined]), 'plain text');
  });
});

describe('gmi/retry', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('retries connection errors, timeouts, 408, 409, 429, 5xx, 529 — not other 4xx', () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504, 529]) assert.ok(shouldRetry({ retriesSoFar: 0, maxRetries: 2, status }), String(status));
    for (const status of [400, 401, 402, 403, 404, 413, 422]) assert.ok(!shouldRetry({ retriesSoFar: 0, maxRetries: 2, status }), String(status));
    assert.ok(shouldRetry({ retriesSoFar: 0, maxRetries: 2, kind: 'network' }));
    assert.ok(shouldRetry({ retriesSoFar: 0, maxRetries: 2, kind: 'timeout' }));
    assert.ok(!shouldRetry({ retriesSoFar: 0, maxRetries: 2, kind: 'certificate' }));
  });

  it('stops at maxRetries', () => {
    assert.ok(shouldRetry({ retriesSoFar: 1, maxRetries: 2, status: 503 }));
    assert.ok(!shouldRetry({ retriesSoFar: 2, maxRetries: 2, status: 503 }));
    assert.ok(!shouldRetry({ retriesSoFar: 0, maxRetries: 0, status: 503 }));
  });

  it('x-should-retry overrides the status', () => {
    assert.ok(shouldRetry({ retriesSoFar: 0, maxRetries: 2, status: 400, headers: { 'x-should-retry': 'true' } }));
    assert.ok(!shouldRetry({ retriesSoFar: 0, maxRetries: 2, status: 503, headers: { 'X-Should-Retry': 'false' } }));
    assert.ok(!shouldRetry({ retriesSoFar: 2, maxRetries: 2, status: 400, headers: { 'x-should-retry': 'true' } }));
  });

  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    assert.equal(serverRetryAfterMs({ 'retry-after-ms': '1500' }, now), 1500);
    assert.equal(serverRetryAfterMs({ 'retry-after': '3' }, now), 3000);
    assert.equal(serverRetryAfterMs({ 'retry-after': '0.5' }, now), 500);
    assert.equal(serverRetryAfterMs({ 'retry-after': new Date(now + 4000).toUTCString() }, now), 4000);
    assert.equal(serverRetryAfterMs({ 'retry-after': 'soon' }, now), undefined);
    assert.equal(serverRetryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250);
  });

  it('uses the server delay when it is at most 60 s', () => {
    assert.equal(retryDelayMs(0, { 'retry-after': '2' }, () => 0.9, now), 2000);
    assert.equal(retryDelayMs(1, { 'retry-after-ms': '60000' }, () => 0.9, now), 60000);
  });

  it('backs off min(0.5·2^n, 8) s minus up to 25 % jitter otherwise', () => {
    assert.equal(retryDelayMs(0, undefined, () => 0, now), 500);
    assert.equal(retryDelayMs(1, undefined, () => 0, now), 1000);
    assert.equal(retryDelayMs(5, undefined, () => 0, now), 8000);
    assert.equal(retryDelayMs(0, undefined, () => 1, now), 375);
    assert.equal(retryDelayMs(0, { 'retry-after': '3600' }, () => 0, now), 500, 'an hour is not sane');
    for (let i = 0; i < 50; i++) {
      const d = retryDelayMs(2, undefined, Math.random, now);
      assert.ok(d >= 1500 && d <= 2000, String(d));
    }
  });
});

describe('gmi/baseUrl', () => {
  it('accepts https and normalises trailing slashes', () => {
    const r = checkBaseUrl('https://api.gmi-serving.com/v1///');
    assert.ok(r.ok);
    assert.equal(r.ok && r.url.href, 'https://api.gmi-serving.com/v1');
    assert.equal(r.ok && endpointUrl(r.url, 'chat/completions').href, 'https://api.gmi-serving.com/v1/chat/completions');
  });

  it('keeps a query string on the base URL when joining paths', () => {
    const r = checkBaseUrl('https://gateway.example.test/gmi/v1/?tenant=a#frag');
    assert.ok(r.ok);
    assert.equal(r.ok && endpointUrl(r.url, 'messages').href, 'https://gateway.example.test/gmi/v1/messages?tenant=a');
  });

  it('allows http only for loopback hosts', () => {
    for (const ok of ['http://127.0.0.1:8080/v1', 'http://127.3.2.1/v1', 'http://localhost:3000/v1/', 'http://[::1]:9/v1']) {
      assert.ok(checkBaseUrl(ok).ok, ok);
    }
    for (const bad of ['http://api.gmi-serving.com/v1', 'http://10.0.0.1/v1', 'http://128.0.0.1/v1', 'http://localhost.evil.com/v1', 'http://127.0.0.1.nip.io/v1']) {
      const r = checkBaseUrl(bad);
      assert.ok(!r.ok, bad);
      assert.equal(!r.ok && r.error.kind, 'insecureBaseUrl');
      assert.equal(!r.ok && r.error.action, 'openSettings');
    }
  });

  it('refuses other schemes, garbage, empty values and credentials in the URL', () => {
    for (const bad of ['ftp://api.gmi-serving.com/v1', 'not a url', '', '   ', 'https://user:pw@api.gmi-serving.com/v1']) {
      assert.ok(!checkBaseUrl(bad).ok, bad);
    }
  });

  it('isLoopbackHost', () => {
    assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('LOCALHOST') && isLoopbackHost('[::1]'));
    assert.ok(!isLoopbackHost('127.0.0.256') && !isLoopbackHost('0.0.0.0'));
  });

  it('resolveApi: auto picks messages for anthropic/*, explicit settings win', () => {
    assert.equal(resolveApi('anthropic/claude-sonnet-4.5', 'auto'), 'messages');
    assert.equal(resolveApi('deepseek-ai/DeepSeek-V3.2', 'auto'), 'chatCompletions');
    assert.equal(resolveApi('anthropic/claude-sonnet-4.5', 'chatCompletions'), 'chatCompletions');
    assert.equal(resolveApi('openai/gpt-5', 'messages'), 'messages');
  });
});

describe('gmi/catalog', () => {
  it('holds the documented table', () => {
    const models = catalogModels();
    assert.equal(models.length, 17);
    assert.ok(models.every((m) => m.fromCatalog && m.contextLength! > 0 && m.maxOutputTokens! > 0 && m.id.includes('/')));
    assert.deepEqual(catalogEntry('google/gemini-3-pro-preview'), {
      id: 'google/gemini-3-pro-preview',
      ownedBy: 'google',
      contextLength: 1_048_576,
      maxOutputTokens: 65_536,
      fromCatalog: true,
    });
    assert.equal(catalogEntry('deepseek-ai/deepseek-v3.2')?.contextLength, 163_840);
    assert.equal(catalogEntry('nobody/nothing'), undefined);
  });

  it('returns fresh objects (callers may mutate them)', () => {
    const a = catalogModels();
    a[0].contextLength = 1;
    assert.notEqual(catalogModels()[0].contextLength, 1);
  });
});
