import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ProxyServer } from 'proxy/dist/proxy';
import { createDispatcher, describeProxy, shouldBypassProxy, type NetworkSettings } from '../../src/gmi/network';
import { GmiClient, GmiError } from '../../src/gmi/client';
import type { StreamEvent } from '../../src/gmi/types';
import { request, type Dispatcher } from '../../src/gmi/undici';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import { generateTestTls, writeTempPem, type TestTls } from './helpers/tls';

// `proxy` publishes its types only under package.json "exports", which this repo's
// moduleResolution ("node") ignores; type the runtime import from its declaration file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createProxy }: typeof import('proxy/dist/proxy') = require('proxy');

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const CERT_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A loopback CONNECT proxy that remembers every tunnel it was asked for. */
async function startProxy(): Promise<{ server: ProxyServer; url: string; connects: string[]; auth: (string | undefined)[] }> {
  const server = createProxy(http.createServer());
  const connects: string[] = [];
  const auth: (string | undefined)[] = [];
  server.on('connect', (req: http.IncomingMessage) => {
    connects.push(req.url ?? '');
    auth.push(req.headers['proxy-authorization']);
  });
  const port = await listen(server);
  return { server, url: `http://127.0.0.1:${port}`, connects, auth };
}

describe('network: createDispatcher', function () {
  let testTls: TestTls;
  let caFile: ReturnType<typeof writeTempPem>;
  let target: https.Server;
  let targetUrl: string;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let globalBefore: unknown;
  const dispatchers: Dispatcher[] = [];

  function make(settings: NetworkSettings) {
    const setup = createDispatcher(targetUrl, settings);
    dispatchers.push(setup.dispatcher);
    return setup;
  }

  async function get(dispatcher: Dispatcher): Promise<string> {
    const res = await request(dispatcher, `${targetUrl}/v1/models`, { method: 'GET' });
    assert.equal(res.statusCode, 200);
    return res.body.text();
  }

  before(async function () {
    globalBefore = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
    testTls = await generateTestTls();
    caFile = writeTempPem(testTls.ca);
    target = https.createServer({ key: testTls.key, cert: testTls.cert }, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"object":"list","data":[]}');
    });
    targetUrl = `https://127.0.0.1:${await listen(target)}`;
  });

  beforeEach(async function () {
    proxy = await startProxy();
  });

  afterEach(async function () {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()));
    await close(proxy.server);
  });

  after(async function () {
    await close(target);
    caFile.remove();
    assert.equal((globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER], globalBefore, 'no global dispatcher installed');
  });

  it('goes through HTTPS_PROXY and trusts the CA named by NODE_EXTRA_CA_CERTS', async function () {
    const { dispatcher, description } = make({ env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile.file } });
    assert.equal(await get(dispatcher), '{"object":"list","data":[]}');
    assert.deepEqual(proxy.connects, [new URL(targetUrl).host]);
    assert.match(description, new RegExp(`via proxy ${proxy.url.replace(/[.]/g, '\\.')} \\(HTTPS_PROXY\\)`));
    assert.match(description, /\+1 CA certificate\(s\) from NODE_EXTRA_CA_CERTS/);
  });

  it('fails with a certificate error when the CA is not trusted', async function () {
    const { dispatcher } = make({ env: { HTTPS_PROXY: proxy.url } });
    await assert.rejects(get(dispatcher), (err: NodeJS.ErrnoException) => {
      assert.ok(CERT_ERROR_CODES.has(err.code ?? ''), `unexpected error ${err.code}: ${err.message}`);
      return true;
    });
    assert.equal(proxy.connects.length, 1, 'the tunnel was opened; TLS to the target failed');
  });

  it('connects without the CA when proxyStrictSSL is false', async function () {
    const { dispatcher, description } = make({ proxyStrictSSL: false, env: { HTTPS_PROXY: proxy.url } });
    assert.equal(await get(dispatcher), '{"object":"list","data":[]}');
    assert.equal(proxy.connects.length, 1);
    assert.match(description, /certificate checks OFF/);
  });

  it('goes direct when NO_PROXY lists 127.0.0.1', async function () {
    const env = { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1', NODE_EXTRA_CA_CERTS: caFile.file };
    const { dispatcher, description } = make({ env });
    await get(dispatcher);
    assert.equal(proxy.connects.length, 0);
    assert.match(description, /^direct \(NO_PROXY\)/);
  });

  it('goes direct with no proxy configured, still trusting NODE_EXTRA_CA_CERTS', async function () {
    const { dispatcher, description } = make({ env: { NODE_EXTRA_CA_CERTS: caFile.file } });
    await get(dispatcher);
    assert.equal(proxy.connects.length, 0);
    assert.match(description, /^direct;/);
  });

  it('prefers the http.proxy setting over HTTPS_PROXY', async function () {
    const other = await startProxy();
    try {
      const { dispatcher, description } = make({
        proxy: other.url,
        env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile.file },
      });
      await get(dispatcher);
      assert.equal(other.connects.length, 1);
      assert.equal(proxy.connects.length, 0);
      assert.match(description, /\(http\.proxy\)/);
    } finally {
      await Promise.all(dispatchers.splice(0).map((d) => d.close()));
      await close(other.server);
    }
  });

  it('uses HTTP_PROXY, not HTTPS_PROXY, for an http:// target', async function () {
    const plain = http.createServer((_req, res) => res.end('plain'));
    const plainUrl = `http://127.0.0.1:${await listen(plain)}`;
    const other = await startProxy();
    try {
      const { dispatcher, description } = createDispatcher(plainUrl, { env: { HTTP_PROXY: other.url, HTTPS_PROXY: proxy.url } });
      dispatchers.push(dispatcher);
      const res = await request(dispatcher, `${plainUrl}/v1/models`, { method: 'GET' });
      assert.equal(await res.body.text(), 'plain');
      assert.deepEqual(other.connects, [new URL(plainUrl).host]);
      assert.equal(proxy.connects.length, 0);
      assert.match(description, /\(HTTP_PROXY\)/);
    } finally {
      await Promise.all(dispatchers.splice(0).map((d) => d.close()));
      await close(other.server);
      await close(plain);
    }
  });

  it('sends proxy credentials as Proxy-Authorization and never describes them', async function () {
    const expected = `Basic ${Buffer.from('alice:s3cr:et').toString('base64')}`;
    proxy.server.authenticate = (req) => req.headers['proxy-authorization'] === expected;
    const withCreds = proxy.url.replace('http://', 'http://alice:s3cr%3Aet@');
    const { dispatcher, description } = make({ proxy: withCreds, env: { NODE_EXTRA_CA_CERTS: caFile.file } });
    await get(dispatcher);
    assert.deepEqual(proxy.auth, [expected]);
    assert.doesNotMatch(description, /alice|s3cr/);
    assert.match(description, /\*\*\*@127\.0\.0\.1/);
  });

  it('is refused by a proxy that wants credentials when none are given', async function () {
    proxy.server.authenticate = () => false;
    const { dispatcher } = make({ env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile.file } });
    await assert.rejects(get(dispatcher), /407/);
  });

  it('reports an unreadable NODE_EXTRA_CA_CERTS file as a warning and keeps the default trust', async function () {
    const { dispatcher, warnings } = make({ env: { NODE_EXTRA_CA_CERTS: `${caFile.file}.missing` } });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not be read/);
    await assert.rejects(get(dispatcher), (err: NodeJS.ErrnoException) => CERT_ERROR_CODES.has(err.code ?? ''));
  });

  it('rejects a proxy URL it cannot use, without echoing credentials', function () {
    assert.throws(() => make({ proxy: 'ftp://bob:pw@127.0.0.1:21' }), (err: Error) => {
      assert.match(err.message, /Unsupported proxy scheme "ftp:"/);
      assert.doesNotMatch(err.message, /bob|pw/);
      return true;
    });
  });
});

describe('network: GmiClient through a proxy to the fake GMI over TLS', function () {
  let testTls: TestTls;
  let caFile: ReturnType<typeof writeTempPem>;
  let gmi: FakeGmi;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const dispatchers: Dispatcher[] = [];
  const chat = { model: 'anthropic/claude-sonnet-4.5', api: 'chatCompletions' as const, messages: [{ role: 'user' as const, content: 'hi' }] };

  function client(settings: NetworkSettings): GmiClient {
    const { dispatcher } = createDispatcher(gmi.baseUrl, settings);
    dispatchers.push(dispatcher);
    return new GmiClient({ baseUrl: gmi.baseUrl, apiKey: 'test-key', dispatcher, maxRetries: 0 });
  }

  async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
    const out: StreamEvent[] = [];
    for await (const ev of events) out.push(ev);
    return out;
  }

  before(async function () {
    testTls = await generateTestTls();
    caFile = writeTempPem(testTls.ca);
    gmi = await startFakeGmi({ tls: { key: testTls.key, cert: testTls.cert } });
  });

  beforeEach(async function () {
    proxy = await startProxy();
    gmi.reset();
  });

  afterEach(async function () {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()));
    await close(proxy.server);
  });

  after(async function () {
    await gmi.close();
    caFile.remove();
  });

  it('streams a reply through the proxy when NODE_EXTRA_CA_CERTS names the CA', async function () {
    const events = await collect(client({ env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile.file } }).stream(chat));
    const text = events.flatMap((ev) => (ev.type === 'text' ? [ev.text] : [])).join('');
    assert.match(text, /^Echo: hi/);
    assert.equal(events.at(-1)?.type, 'end');
    assert.deepEqual(proxy.connects, [`127.0.0.1:${gmi.port}`]);
    assert.equal(gmi.requests.length, 1);
  });

  it('reports an untrusted certificate as kind "certificate" with a way out', async function () {
    const events = await collect(client({ env: { HTTPS_PROXY: proxy.url } }).stream(chat));
    assert.equal(events.length, 1);
    const last = events[0];
    assert.ok(last.type === 'error', `expected an error event, got ${JSON.stringify(last)}`);
    assert.equal(last.error.kind, 'certificate');
    assert.match(last.error.message, /not trusted/);
    assert.match(last.error.message, /NODE_EXTRA_CA_CERTS/);
    assert.equal(gmi.requests.length, 0, 'nothing reached the server');

    await assert.rejects(client({ env: { HTTPS_PROXY: proxy.url } }).listModels(), (err: unknown) => {
      assert.ok(err instanceof GmiError);
      assert.equal(err.info.kind, 'certificate');
      return true;
    });
  });

  it('lists models without the CA when proxyStrictSSL is false', async function () {
    const models = await client({ proxyStrictSSL: false, env: { HTTPS_PROXY: proxy.url } }).listModels();
    assert.ok(models.some((m) => m.id === 'anthropic/claude-sonnet-4.5'));
    assert.equal(proxy.connects.length, 1);
  });
});

describe('network: shouldBypassProxy', function () {
  const cases: [url: string, noProxy: string | undefined, bypass: boolean][] = [
    ['https://api.gmi-serving.com/v1', undefined, false],
    ['https://api.gmi-serving.com/v1', '', false],
    ['https://api.gmi-serving.com/v1', '*', true],
    ['https://api.gmi-serving.com/v1', 'api.gmi-serving.com', true],
    ['https://api.gmi-serving.com/v1', 'API.GMI-Serving.com', true],
    ['https://api.gmi-serving.com/v1', 'gmi-serving.com', true],
    ['https://api.gmi-serving.com/v1', '.gmi-serving.com', true],
    ['https://api.gmi-serving.com/v1', '*.gmi-serving.com', true],
    ['https://gmi-serving.com/v1', '.gmi-serving.com', true],
    ['https://notgmi-serving.com/v1', 'gmi-serving.com', false],
    ['https://api.gmi-serving.com/v1', 'serving.com.evil', false],
    ['https://api.gmi-serving.com/v1', 'example.com,  api.gmi-serving.com', true],
    ['https://api.gmi-serving.com/v1', 'example.com other.org', false],
    ['https://api.gmi-serving.com/v1', 'api.gmi-serving.com:443', true],
    ['https://api.gmi-serving.com/v1', 'api.gmi-serving.com:8443', false],
    ['https://api.gmi-serving.com:8443/v1', 'api.gmi-serving.com:8443', true],
    ['http://api.gmi-serving.com/v1', 'api.gmi-serving.com:80', true],
    ['http://127.0.0.1:9000/v1', 'localhost', false],
    ['http://127.0.0.1:9000/v1', '127.0.0.1', true],
    ['http://127.0.0.1:9000/v1', '127.0.0.1:9000', true],
    ['http://127.0.0.1:9000/v1', '127.0.0.1:9001', false],
    ['http://127.0.0.10/v1', '127.0.0.1', false],
    ['http://[::1]:9000/v1', '::1', true],
    ['http://[::1]:9000/v1', '[::1]:9000', true],
    ['http://[::1]:9000/v1', '[::1]:9001', false],
  ];
  for (const [url, noProxy, bypass] of cases) {
    it(`${url} with NO_PROXY=${JSON.stringify(noProxy)} → ${bypass ? 'direct' : 'proxy'}`, function () {
      assert.equal(shouldBypassProxy(url, noProxy), bypass);
    });
  }
});

describe('network: describeProxy', function () {
  it('hides credentials and adds a missing scheme', function () {
    assert.equal(describeProxy('http://u:p@proxy.corp:3128'), 'http://***@proxy.corp:3128');
    assert.equal(describeProxy('proxy.corp:3128'), 'http://proxy.corp:3128');
    assert.equal(describeProxy('http://[bad'), '(invalid proxy URL)');
  });
});
