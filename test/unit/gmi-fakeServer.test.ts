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

  describe('tool calls and cache usage on the wire', () => {
    /** POSTs a streamed request straight to the server and returns its SSE events (no client in between). */
    async function rawEvents(route: 'messages' | 'chat/completions', body: Record<string, unknown>): Promise<Array<{ event?: string; data: string }>> {
      const res = await fetch(`${fake.baseUrl}/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: true, ...body }) });
      assert.equal(res.status, 200);
      return (await res.text())
        .split('\n\n')
        .filter((b) => b.trim())
        .map((block) => {
          const lines = block.split('\n');
          return { event: lines.find((l) => l.startsWith('event: '))?.slice(7), data: lines.find((l) => l.startsWith('data: '))!.slice(6) };
        });
    }
    const CALLS = [
      { id: 'call_1', name: 'read_file', arguments: { path: 'src/a.ts' } },
      { id: 'call_2', name: 'search', arguments: '{"query":"日本語","limit":3}' },
    ];

    it('Messages: a tool_use block per call between content_block_start and _stop, input in fragments, stop_reason tool_use, cache fields', async () => {
      fake.enqueue({ text: 'Looking.', toolCalls: CALLS, toolArgsChunkSize: 4, usage: { input: 30, output: 9, cached: 400, cacheWrite: 50 } });
      const events = await rawEvents('messages', { model: 'anthropic/claude-sonnet-4.5', max_tokens: 100, messages: [{ role: 'user', content: 'q' }] });
      const payloads = events.map((e) => JSON.parse(e.data) as Record<string, any>);
      assert.ok(events.every((e, i) => e.event === payloads[i].type), 'event names match the payload types');
      assert.deepEqual(payloads[0].message.usage, { input_tokens: 30, cache_creation_input_tokens: 50, cache_read_input_tokens: 400, output_tokens: 1 });
      const starts = payloads.filter((p) => p.type === 'content_block_start');
      assert.deepEqual(
        starts.map((p) => [p.index, p.content_block.type, p.content_block.id, p.content_block.name]),
        [
          [0, 'text', undefined, undefined],
          [1, 'tool_use', 'call_1', 'read_file'],
          [2, 'tool_use', 'call_2', 'search'],
        ],
      );
      for (const [index, args] of [
        [1, JSON.stringify(CALLS[0].arguments)],
        [2, CALLS[1].arguments as string],
      ] as const) {
        const block = payloads.filter((p) => p.index === index);
        assert.equal(block[0].type, 'content_block_start');
        assert.equal(block[block.length - 1].type, 'content_block_stop');
        const fragments = block.filter((p) => p.type === 'content_block_delta').map((p) => p.delta.partial_json as string);
        assert.equal(fragments.join(''), args);
        assert.equal(fragments.length, Math.ceil(Array.from(args).length / 4), 'fragments of toolArgsChunkSize characters');
      }
      const delta = payloads.find((p) => p.type === 'message_delta')!;
      assert.equal(delta.delta.stop_reason, 'tool_use');
      assert.equal(payloads[payloads.length - 1].type, 'message_stop');
    });

    it('Messages: a reply of only tool calls has no text block', async () => {
      fake.enqueue({ text: '', toolCalls: [CALLS[0]] });
      const payloads = (await rawEvents('messages', { model: 'anthropic/claude-sonnet-4.5', max_tokens: 100, messages: [{ role: 'user', content: 'q' }] })).map((e) => JSON.parse(e.data));
      assert.deepEqual(
        payloads.filter((p) => p.type === 'content_block_start').map((p) => p.content_block.type),
        ['tool_use'],
      );
    });

    it('Chat Completions: tool_calls deltas by index (id and name first), finish_reason tool_calls, cached_tokens', async () => {
      fake.enqueue({ text: 'Looking.', toolCalls: CALLS, toolArgsChunkSize: 3, usage: { input: 30, output: 9, cached: 20 } });
      const events = await rawEvents('chat/completions', { model: 'openai/gpt-4o', stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'q' }] });
      assert.equal(events[events.length - 1].data, '[DONE]');
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as Record<string, any>);
      const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
      for (const [index, call] of CALLS.entries()) {
        const mine = toolDeltas.filter((t: any) => t.index === index);
        assert.deepEqual([mine[0].id, mine[0].type, mine[0].function.name], [call.id, 'function', call.name]);
        assert.ok(mine.slice(1).every((t: any) => t.id === undefined && t.function.name === undefined));
        const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
        assert.equal(mine.map((t: any) => t.function.arguments).join(''), args);
        assert.equal(mine.length - 1, Math.ceil(Array.from(args).length / 3));
      }
      assert.equal(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0].finish_reason, 'tool_calls');
      const usage = chunks[chunks.length - 1];
      assert.deepEqual(usage.choices, []);
      assert.equal(usage.usage.prompt_tokens_details.cached_tokens, 20);
    });

    it('Chat Completions: usageInEveryChunk repeats running totals, the last chunk has the whole', async () => {
      fake.enqueue({ text: 'abcdefghij', chunkSize: 2, usageInEveryChunk: true, usage: { input: 7, output: 5 } });
      const events = await rawEvents('chat/completions', { model: 'openai/gpt-4o', stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'q' }] });
      const usages = events.slice(0, -1).map((e) => JSON.parse(e.data).usage as { completion_tokens: number } | null);
      assert.ok(usages.every((u) => u !== null), 'every chunk carries usage');
      const counts = usages.map((u) => u!.completion_tokens);
      assert.deepEqual([...counts].sort((a, b) => a - b), counts, 'running totals only grow');
      assert.equal(counts[counts.length - 1], 5);
      assert.ok(counts[1] < 5);
    });

    it('the default reply to a request that ends with tool results quotes them (both formats)', async () => {
      const chat = await collect(
        client.stream({
          model: 'openai/gpt-4o',
          api: 'chatCompletions',
          messages: [
            { role: 'user', content: 'read it' },
            { role: 'assistant', content: [{ type: 'toolCall', id: 'c', name: 'read_file', input: {} }] },
            { role: 'user', content: [{ type: 'toolResult', toolCallId: 'c', content: 'FILE BODY' }] },
          ],
        }),
      );
      assert.equal(textOf(chat), 'Tool result received: FILE BODY');
      const messages = await collect(
        client.stream({
          model: 'anthropic/claude-sonnet-4.5',
          api: 'messages',
          messages: [
            { role: 'user', content: 'read it' },
            { role: 'assistant', content: [{ type: 'toolCall', id: 'c', name: 'read_file', input: {} }] },
            { role: 'user', content: [{ type: 'toolResult', toolCallId: 'c', content: 'FILE BODY' }] },
          ],
        }),
      );
      assert.equal(textOf(messages), 'Tool result received: FILE BODY');
    });
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
