// GET /models goes through the same transport as the streams: the retry policy, the server's
// Retry-After, the idle timer and cancellation apply to it too.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GmiClient, GmiError } from '../../src/gmi/client';
import './helpers/unhandledRejections';

type Step = (res: http.ServerResponse) => void;

/** A loopback server answering GET /v1/models with the given steps in order (the last one repeats). */
async function modelsServer(steps: Step[]): Promise<{ baseUrl: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    const step = steps[Math.min(hits, steps.length - 1)];
    hits++;
    step(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok: Step = (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ object: 'list', data: [{ id: 'example-org/m1', object: 'model', context_length: 4096 }] }));
};
const busy = (headers: Record<string, string> = {}): Step => (res) => {
  res.writeHead(503, { 'content-type': 'application/json', ...headers });
  res.end('{"error":{"message":"busy","type":"server_error"}}');
};

describe('gmi/models: the list goes through the shared transport', () => {
  let server: Awaited<ReturnType<typeof modelsServer>> | undefined;
  let client: GmiClient | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
  });

  it('retries a 503 as the policy says, honouring Retry-After, then returns the list', async () => {
    server = await modelsServer([busy({ 'retry-after': '3' }), busy(), ok]);
    const sleeps: number[] = [];
    const logs: string[] = [];
    client = new GmiClient({
      baseUrl: server.baseUrl,
      apiKey: 'k-models',
      random: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
      logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    });
    const models = await client.listModels();
    assert.deepEqual(models, [{ id: 'example-org/m1', contextLength: 4096 }]);
    assert.deepEqual(sleeps, [3000, 1000]);
    assert.equal(server.hits(), 3);
    assert.ok(logs.some((l) => /retry 1\/2 in 3000 ms/.test(l)));
  });

  it('gives up after maxRetries with the server error', async () => {
    server = await modelsServer([busy()]);
    client = new GmiClient({ baseUrl: server.baseUrl, apiKey: 'k-models', maxRetries: 1, sleep: async () => {} });
    await assert.rejects(client.listModels(), (err: unknown) => err instanceof GmiError && err.info.kind === 'server' && err.info.status === 503);
    assert.equal(server.hits(), 2);
  });

  it('a list body that goes silent is abandoned after the idle timeout, not waited on forever', async () => {
    server = await modelsServer([
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"object":"list","data":['); // and nothing more
      },
    ]);
    client = new GmiClient({ baseUrl: server.baseUrl, apiKey: 'k-models', idleTimeoutMs: 100, maxRetries: 0 });
    await assert.rejects(client.listModels(), (err: unknown) => err instanceof GmiError && /not JSON/.test(err.message));
  });

  it('cancelling during a retry wait stops at once', async () => {
    server = await modelsServer([busy({ 'retry-after': '30' })]);
    client = new GmiClient({ baseUrl: server.baseUrl, apiKey: 'k-models' });
    const controller = new AbortController();
    const listing = client.listModels({ signal: controller.signal });
    while (server.hits() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await assert.rejects(listing, (err: unknown) => err instanceof GmiError && /cancelled/.test(err.message));
    assert.equal(server.hits(), 1);
  });
});
