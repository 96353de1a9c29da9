// Checked against a client no one here wrote: the official `@anthropic-ai/sdk` streams Messages
// replies from the loopback server (`messages.stream()` → `finalMessage()`), and the message it
// accumulates must equal what our client makes of the very same bytes (recorded from the SDK's own
// fetch and replayed to GmiClient).
import * as assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { GmiClient } from '../../src/gmi/client';
import type { ThinkingBlock } from '../../src/gmi/types';
import type { ReplyPlan } from '../fake-gmi/plan';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import { fakeSignature } from '../fake-gmi/thinking';
import { ANTHROPIC_STOP_MEANS, defined, noteOrder, ourReading, recordingFetch, type Reading } from './helpers/sdkCrosscheck';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbnRocm9waWMtc2RrIn0.c2RrLWNyb3NzY2hlY2s';
const MODEL = 'anthropic/claude-sonnet-4.5';

/** The SDK's reading of one streamed reply, plus the message itself for format-only checks. */
async function sdkReading(anthropic: Anthropic, thinking: boolean): Promise<{ reading: Reading; message: Anthropic.Message }> {
  const stream = anthropic.messages.stream({
    model: MODEL,
    max_tokens: 4096,
    messages: [{ role: 'user', content: 'What is in src/a.ts?' }],
    ...(thinking ? { thinking: { type: 'enabled' as const, budget_tokens: 1024 } } : {}),
  });
  const message = await stream.finalMessage();
  const order: Reading['order'] = [];
  const toolCalls: Reading['toolCalls'] = [];
  let text = '';
  let thought = '';
  for (const block of message.content) {
    if (block.type === 'text') {
      text += block.text;
      if (block.text) noteOrder(order, 'text');
    } else if (block.type === 'thinking') {
      thought += block.thinking;
      if (block.thinking) noteOrder(order, 'thinking');
    } else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, name: block.name, input: block.input });
      noteOrder(order, 'toolCall');
    } else {
      assert.fail(`unexpected content block ${block.type}`);
    }
  }
  const u = message.usage;
  const reading: Reading = {
    text,
    thinking: thought,
    toolCalls,
    usage: defined({ input: u.input_tokens, output: u.output_tokens, cached: u.cache_read_input_tokens, cacheWrite: u.cache_creation_input_tokens }),
    stop: (message.stop_reason && ANTHROPIC_STOP_MEANS[message.stop_reason]) || 'unknown',
    order,
  };
  return { reading, message };
}

interface Case {
  name: string;
  /** undefined: the server's default reply */
  plan?: ReplyPlan;
  /** ask for extended thinking (the default reply then thinks too) */
  thinking?: boolean;
  /** bytes per write when the recorded body is replayed to our client */
  replayChunkBytes: number;
  /** what the plan says the reply is (checked on the SDK's reading, so neither side can be trivially empty) */
  expect: Partial<Reading>;
  /** the SDK's content block types, in order */
  blocks: string[];
}

const CASES: Case[] = [
  {
    name: 'a thinking block, then text; usage with cache reads and writes; pings between deltas',
    thinking: true,
    plan: {
      thinking: 'Two readings: the file, or its test. 日本語 🎌 — pick the file.',
      text: 'It exports **add**.\n\n```ts\nexport const a = 1;\n```\nDone ✓',
      chunkSize: 3,
      keepAlive: true,
      usage: { input: 321, output: 45, cached: 200, cacheWrite: 17 },
    },
    replayChunkBytes: 1,
    expect: {
      thinking: 'Two readings: the file, or its test. 日本語 🎌 — pick the file.',
      text: 'It exports **add**.\n\n```ts\nexport const a = 1;\n```\nDone ✓',
      usage: { input: 321, output: 45, cached: 200, cacheWrite: 17 },
      stop: 'stop',
      order: ['thinking', 'text'],
    },
    blocks: ['thinking', 'text'],
  },
  {
    name: 'three tool calls after text, input_json_delta one character at a time',
    plan: {
      text: 'Let me look.',
      toolCalls: [
        { id: 'toolu_a1', name: 'read_file', arguments: { path: 'src/a.ts' } },
        { id: 'toolu_b2', name: 'search', arguments: { query: '日本語 🎌 "quoted"\n', limit: 3, flags: [true, null] } },
        { id: 'toolu_c3', name: 'list_dir', arguments: {} },
      ],
      toolArgsChunkSize: 1,
      usage: { input: 120, output: 30, cached: 80, cacheWrite: 15 },
    },
    replayChunkBytes: 7,
    expect: {
      text: 'Let me look.',
      toolCalls: [
        { id: 'toolu_a1', name: 'read_file', input: { path: 'src/a.ts' } },
        { id: 'toolu_b2', name: 'search', input: { query: '日本語 🎌 "quoted"\n', limit: 3, flags: [true, null] } },
        { id: 'toolu_c3', name: 'list_dir', input: {} },
      ],
      usage: { input: 120, output: 30, cached: 80, cacheWrite: 15 },
      stop: 'toolCalls',
      order: ['text', 'toolCall', 'toolCall', 'toolCall'],
    },
    blocks: ['text', 'tool_use', 'tool_use', 'tool_use'],
  },
  {
    name: 'thinking, then only tool calls (no text block), nested input in two-character fragments',
    thinking: true,
    plan: {
      thinking: 'Edit, then run the tests.',
      text: '',
      toolCalls: [
        { id: 'toolu_x', name: 'edit', arguments: { path: 'b.ts', edits: [{ from: 1, to: 2, text: 'x\ty' }] } },
        { id: 'toolu_y', name: 'run', arguments: { cmd: 'npm test', env: { CI: '1' } } },
      ],
      toolArgsChunkSize: 2,
    },
    replayChunkBytes: 64,
    expect: {
      text: '',
      thinking: 'Edit, then run the tests.',
      toolCalls: [
        { id: 'toolu_x', name: 'edit', input: { path: 'b.ts', edits: [{ from: 1, to: 2, text: 'x\ty' }] } },
        { id: 'toolu_y', name: 'run', input: { cmd: 'npm test', env: { CI: '1' } } },
      ],
      stop: 'toolCalls',
      order: ['thinking', 'toolCall', 'toolCall'],
    },
    blocks: ['thinking', 'tool_use', 'tool_use'],
  },
  {
    name: 'the default reply with thinking asked for (multi-line text with a code fence)',
    thinking: true,
    replayChunkBytes: 3,
    expect: { thinking: 'Let me think about the question.', stop: 'stop', order: ['thinking', 'text'] },
    blocks: ['thinking', 'text'],
  },
  {
    name: 'cut at max_tokens',
    plan: { text: 'The answer is long and', stopReason: 'max_tokens', usage: { input: 5, output: 6 } },
    replayChunkBytes: 5,
    expect: { text: 'The answer is long and', stop: 'length', usage: { input: 5, output: 6, cached: 0, cacheWrite: 0 } },
    blocks: ['text'],
  },
];

describe('sdk cross-check: @anthropic-ai/sdk (Messages)', () => {
  let fake: FakeGmi;
  let client: GmiClient;
  let recorder: ReturnType<typeof recordingFetch>;
  let anthropic: Anthropic;

  beforeEach(async () => {
    fake = await startFakeGmi({ apiKey: KEY });
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: KEY, maxRetries: 0 });
    recorder = recordingFetch();
    // the SDK adds /v1/messages itself: its base URL is the server's root
    anthropic = new Anthropic({ apiKey: KEY, authToken: null, baseURL: fake.baseUrl.replace(/\/v1$/, ''), maxRetries: 0, fetch: recorder.fetch });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  for (const c of CASES) {
    it(`${c.name}: the SDK's message equals ours from the same bytes`, async () => {
      if (c.plan) fake.enqueue(c.plan);
      const { reading: sdk, message } = await sdkReading(anthropic, c.thinking ?? false);
      assert.equal(fake.requests[0].path, '/v1/messages');
      const [raw] = await recorder.bodies();
      assert.match(raw, /^event: message_start\n/, 'the SDK read a Messages event stream');

      const ours = await ourReading(fake, client, 'messages', MODEL, raw, c.replayChunkBytes);
      assert.deepEqual(ours, sdk);
      for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(sdk[key as keyof Reading], value, key);
      assert.deepEqual(
        message.content.map((b) => b.type),
        c.blocks,
      );
      for (const b of message.content) if (b.type === 'thinking') assert.equal(b.signature, fakeSignature(b.thinking), 'the SDK assembled the signature_delta');
      if (!c.plan) assert.match(sdk.text, /^Echo: What is in src\/a\.ts\?\n\nHere is some code:\n\n```ts\n[^]*\n```\n$/);
      assert.equal(message.role, 'assistant');
      assert.equal(message.model, MODEL);
    });
  }

  it('a thinking block’s signature and a redacted_thinking block’s data: what the SDK assembles is what our decoder hands out', async () => {
    fake.enqueue({ redactedThinking: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT', thinking: 'Read it, then answer. 日本語', text: '', toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'a.ts' } }], chunkSize: 3 });
    const message = await anthropic.messages
      .stream({ model: MODEL, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    const sdk = message.content.flatMap((b): ThinkingBlock[] =>
      b.type === 'thinking' ? [{ type: 'thinking', text: b.thinking, signature: b.signature }] : b.type === 'redacted_thinking' ? [{ type: 'redactedThinking', data: b.data }] : [],
    );
    assert.deepEqual(sdk, [
      { type: 'redactedThinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT' },
      { type: 'thinking', text: 'Read it, then answer. 日本語', signature: fakeSignature('Read it, then answer. 日本語') },
    ]);
    const [raw] = await recorder.bodies();
    fake.enqueue({ rawEvents: raw, rawChunkBytes: 5 });
    const ours: unknown[] = [];
    for await (const e of client.stream({ model: MODEL, api: 'messages', messages: [{ role: 'user', content: 'replay' }] })) if (e.type === 'thinkingBlock') ours.push(e.block);
    assert.deepEqual(ours, sdk);
  });

  it('every event carries the fields the SDK types declare (thinking blocks start with a signature)', async () => {
    fake.enqueue({ thinking: 'Plan.', text: 'Done.', toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'a.ts' } }], keepAlive: true });
    const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'hi' }] });
    const events: Anthropic.MessageStreamEvent[] = [];
    stream.on('streamEvent', (e) => events.push(structuredClone(e))); // the SDK goes on to fill message_start's message in place
    await stream.finalMessage();

    assert.deepEqual(
      events.map((e) => e.type),
      [
        'message_start',
        ...['content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop'], // thinking + signature
        ...['content_block_start', 'content_block_delta', 'content_block_stop'], // text
        ...['content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop'], // tool_use
        'message_delta',
        'message_stop',
      ],
    );
    const start = events[0];
    assert.ok(start.type === 'message_start');
    const m = start.message;
    assert.equal(typeof m.id, 'string');
    assert.deepEqual([m.type, m.role, m.model, m.content, m.stop_reason, m.stop_sequence], ['message', 'assistant', MODEL, [], null, null]);
    assert.equal(typeof m.usage.input_tokens, 'number');
    assert.equal(typeof m.usage.output_tokens, 'number');

    const open = new Set<number>();
    let next = 0;
    for (const e of events) {
      if (e.type === 'content_block_start') {
        assert.equal(e.index, next++, 'blocks are numbered in order');
        open.add(e.index);
        const b = e.content_block;
        if (b.type === 'thinking') assert.deepEqual(b, { type: 'thinking', thinking: '', signature: '' });
        else if (b.type === 'text') assert.deepEqual(b, { type: 'text', text: '' });
        else if (b.type === 'tool_use') assert.deepEqual(b, { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: {} });
        else assert.fail(`unexpected block ${b.type}`);
      } else if (e.type === 'content_block_delta') {
        assert.ok(open.has(e.index), 'a delta belongs to an open block');
      } else if (e.type === 'content_block_stop') {
        assert.ok(open.delete(e.index), 'a block stops once');
      } else if (e.type === 'message_delta') {
        assert.equal(open.size, 0, 'every block stopped before message_delta');
        assert.equal(e.delta.stop_reason, 'tool_use');
        assert.equal(e.delta.stop_sequence, null);
        assert.equal(typeof e.usage.output_tokens, 'number');
      }
    }
  });
});
