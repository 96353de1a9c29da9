// The key goes only to the approved base URL: a server that answers with a redirect to another host
// (a compromised gateway, an open redirect) never gets the client to send the key there. The
// extension asks before the key goes to a new host, so a followed redirect would bypass that.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GmiClient } from '../../src/gmi/client';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';

const KEY = 'gmi-redirect-test-key-5b7c';

/** Counts every request it gets and whether it carried the key. */
async function elsewhere(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const auth = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '');
    seen.push(`${req.method} ${req.url}${auth.includes(KEY) ? ' WITH KEY' : ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('security: redirects never carry the key elsewhere', () => {
  let fake: FakeGmi;
  let other: Awaited<ReturnType<typeof elsewhere>>;
  before(async () => {
    fake = await startFakeGmi({ apiKey: KEY });
    other = await elsewhere();
  });
  after(async () => {
    await fake.close();
    await other.close();
  });

  for (const api of ['messages', 'chatCompletions'] as const) {
    it(`a streamed request (${api}) answered with 301/302/303/307/308 fails and is not followed`, async () => {
      const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: KEY, maxRetries: 0 } as ConstructorParameters<typeof GmiClient>[0]);
      for (const status of [301, 302, 303, 307, 308]) {
        fake.enqueue({ status, headers: { location: `${other.url}/v1/${api === 'messages' ? 'messages' : 'chat/completions'}` }, body: '' });
        const events = [];
        for await (const ev of client.stream({ api, model: 'anthropic/claude-sonnet-4.5', messages: [{ role: 'user', content: 'hi' }], maxTokens: 8 } as Parameters<GmiClient['stream']>[0])) events.push(ev);
        const last = events[events.length - 1];
        assert.equal(last.type, 'error', `${status}: ${JSON.stringify(last)}`);
        assert.ok(!JSON.stringify(events).includes(KEY), `${status}: an event holds the key`);
      }
      assert.deepEqual(other.seen, [], 'the other host got a request');
    });
  }

  it('the model list answered with a redirect is not followed either', async () => {
    const redirecting = http.createServer((_req, res) => res.writeHead(307, { location: `${other.url}/v1/models` }).end());
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/v1`;
      const client = new GmiClient({ baseUrl: base, apiKey: KEY, maxRetries: 0 } as ConstructorParameters<typeof GmiClient>[0]);
      await assert.rejects(client.listModels(), (err: unknown) => !String((err as Error).message).includes(KEY));
      assert.deepEqual(other.seen, [], 'the other host got a request');
    } finally {
      await new Promise<void>((r) => redirecting.close(() => r()));
    }
  });
});
