// The fake server is shared by the unit, integration and UI suites: its control API and CLI are
// part of its contract, so they are tested here.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { GmiClient } from '../../src/gmi/client';
import type { StreamEvent } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi, type RecordedRequest } from '../fake-gmi/server';
import './helpers/unhandledRejections';

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}
const textOf = (events: StreamEvent[]): string => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

describe('fake GMI server', () => {
  let fake: FakeGmi;
  let client: GmiClient;
  let origin: string;

  beforeEach(async () => {
    fake = await startFakeGmi();
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k-test', maxRetries: 0 });
    origin = `http://127.0.0.1:${fake.port}`;
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  it('listens on 127.0.0.1 with a /v1 base URL', () => {
    assert.match(fake.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.ok(fake.port > 0);
  });

  it('control API: enqueue plans, read recorded requests, reset', async () => {
    const enqueued = await fetch(`${origin}/__control/enqueue`, {
      method: 'POST',
      body: JSON.stringify([{ text: 'first plan' }, { status: 400 }]),
    });
    assert.equal(enqueued.status, 200);
    const req = { model: 'openai/gpt-4o', api: 'chatCompletions' as const, messages: [{ role: 'user' as const, content: 'q' }] };
    assert.equal(textOf(await collect(client.stream(req))), 'first plan');
    const second = await collect(client.stream(req));
    assert.ok(second[second.length - 1].type === 'error');

    const recorded = (await (await fetch(`${origin}/__control/requests`)).json()) as RecordedRequest[];
    assert.equal(recorded.length, 2);
    assert.equal(recorded[0].path, '/v1/chat/completions');
    assert.equal((recorded[0].body as { model: string }).model, 'openai/gpt-4o');
    assert.deepEqual(recorded[1].plan, { status: 400 });

    await fetch(`${origin}/__control/enqueue`, { method: 'POST', body: JSON.stringify({ text: 'dropped by reset' }) });
    assert.equal((await fetch(`${origin}/__control/reset`, { method: 'POST' })).status, 200);
    assert.equal(fake.requests.length, 0);
    assert.match(textOf(await collect(client.stream(req))), /^Echo: q/, 'the queued plan was dropped');
  });

  it('control API refuses a body that is not JSON', async () => {
    const res = await fetch(`${origin}/__control/enqueue`, { method: 'POST', body: 'not json' });
    assert.equal(res.status, 400);
  });

  it('enqueue() in-process plans are used in order, then the default reply', async () => {
    fake.enqueue({ text: 'one' }, { text: 'two' });
    const req = { model: 'anthropic/claude-sonnet-4.5', api: 'messages' as const, messages: [{ role: 'user' as const, content: 'third' }] };
    assert.equal(textOf(await collect(client.stream(req))), 'one');
    assert.equal(textOf(await collect(client.stream(req))), 'two');
    assert.match(textOf(await collect(client.stream(req))), /^Echo: third/);
  });

  it('GET /v1/models lists models, some with context_length', async () => {
    const body = (await (await fetch(`${fake.baseUrl}/models`)).json()) as { object: string; data: Array<{ id: string; context_length?: number }> };
    assert.equal(body.object, 'list');
    assert.ok(body.data.length >= 5);
    assert.ok(body.data.some((m) => m.context_length !== undefined));
    assert.ok(body.data.some((m) => m.context_length === undefined));
  });

  it('the CLI prints its base URL and serves until terminated', async function () {
    this.timeout(30_000);
    const root = path.resolve(__dirname, '..', '..');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'fake-gmi', 'cli.ts'), '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n')[0];
          if (out.includes('\n')) resolve(line.trim());
        });
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const res = await fetch(`${baseUrl}/models`);
      assert.equal(res.status, 200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
