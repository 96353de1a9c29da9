// Checked against a client no one here wrote: the official `openai` package streams Chat Completions
// replies from the loopback server, and what it accumulates must equal what our client makes of the
// very same bytes (recorded from the SDK's own fetch and replayed to GmiClient). The SDK's stream
// helper keeps only the last `reasoning_content` fragment (it copies unknown delta fields), so
// thinking is joined from the chunks it hands out, as its README shows for extra fields.
import * as assert from 'node:assert/strict';
import OpenAI from 'openai';
import { GmiClient } from '../../src/gmi/client';
import type { ReplyPlan } from '../fake-gmi/plan';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import { defined, noteOrder, OPENAI_FINISH_MEANS, ourReading, recordingFetch, type Reading } from './helpers/sdkCrosscheck';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcGVuYWktc2RrIn0.c2RrLWNyb3NzY2hlY2s';

/** The SDK's reading of one streamed reply, through `chat.completions.stream()` and `finalChatCompletion()`. */
async function sdkReading(openai: OpenAI, model: string): Promise<Reading> {
  const stream = openai.chat.completions.stream({
    model,
    messages: [{ role: 'user', content: 'What is in src/a.ts?' }],
    stream_options: { include_usage: true },
  });
  let reasoning = '';
  const order: Reading['order'] = [];
  for await (const chunk of stream) {
    // reasoning_content is not in the SDK's types: DeepSeek/Kimi/GLM send it beside content
    const delta = chunk.choices[0]?.delta as (OpenAI.Chat.ChatCompletionChunk.Choice.Delta & { reasoning_content?: unknown }) | undefined;
    if (typeof delta?.reasoning_content === 'string' && delta.reasoning_content) {
      reasoning += delta.reasoning_content;
      noteOrder(order, 'thinking');
    }
    if (delta?.content) noteOrder(order, 'text');
    for (const t of delta?.tool_calls ?? []) if (t.id) noteOrder(order, 'toolCall');
  }
  const completion = await stream.finalChatCompletion();
  assert.equal(completion.choices.length, 1);
  const choice = completion.choices[0];
  const u = completion.usage;
  return {
    text: choice.message.content ?? '',
    thinking: reasoning,
    toolCalls: (choice.message.tool_calls ?? []).map((t) => {
      assert.equal(t.type, 'function');
      if (t.type !== 'function') throw new Error('not a function call');
      return { id: t.id, name: t.function.name, input: JSON.parse(t.function.arguments) as unknown };
    }),
    usage: defined({
      input: u?.prompt_tokens,
      output: u?.completion_tokens,
      cached: u?.prompt_tokens_details?.cached_tokens,
      reasoning: u?.completion_tokens_details?.reasoning_tokens,
    }),
    stop: OPENAI_FINISH_MEANS[choice.finish_reason] ?? 'unknown',
    order,
  };
}

interface Case {
  name: string;
  model: string;
  /** undefined: the server's default reply */
  plan?: ReplyPlan;
  /** bytes per write when the recorded body is replayed to our client */
  replayChunkBytes: number;
  /** what the plan says the reply is (checked on the SDK's reading, so neither side can be trivially empty) */
  expect: Partial<Reading>;
}

const CASES: Case[] = [
  {
    name: 'reasoning_content, then text; usage with cached and reasoning tokens; keep-alive comments',
    model: 'deepseek-ai/DeepSeek-V3.2',
    plan: {
      thinking: 'Two readings: the file, or its test. 日本語 🎌 — pick the file.',
      text: 'It exports **add**.\n\n```ts\nexport const a = 1;\n```\nDone ✓',
      chunkSize: 3,
      keepAlive: true,
      usage: { input: 321, output: 45, cached: 200, reasoning: 12 },
    },
    replayChunkBytes: 1,
    expect: {
      thinking: 'Two readings: the file, or its test. 日本語 🎌 — pick the file.',
      text: 'It exports **add**.\n\n```ts\nexport const a = 1;\n```\nDone ✓',
      usage: { input: 321, output: 45, cached: 200, reasoning: 12 },
      stop: 'stop',
      order: ['thinking', 'text'],
    },
  },
  {
    name: 'three tool calls after text, arguments one character per delta',
    model: 'openai/gpt-4o',
    plan: {
      text: 'Let me look.',
      toolCalls: [
        { id: 'call_a1', name: 'read_file', arguments: { path: 'src/a.ts' } },
        { id: 'call_b2', name: 'search', arguments: { query: '日本語 🎌 "quoted"\n', limit: 3, flags: [true, null] } },
        { id: 'call_c3', name: 'list_dir', arguments: {} },
      ],
      toolArgsChunkSize: 1,
      usage: { input: 120, output: 30, cached: 80 },
    },
    replayChunkBytes: 7,
    expect: {
      text: 'Let me look.',
      toolCalls: [
        { id: 'call_a1', name: 'read_file', input: { path: 'src/a.ts' } },
        { id: 'call_b2', name: 'search', input: { query: '日本語 🎌 "quoted"\n', limit: 3, flags: [true, null] } },
        { id: 'call_c3', name: 'list_dir', input: {} },
      ],
      usage: { input: 120, output: 30, cached: 80, reasoning: 0 },
      stop: 'toolCalls',
      order: ['text', 'toolCall', 'toolCall', 'toolCall'],
    },
  },
  {
    name: 'a reply of only tool calls, nested arguments in two-character fragments',
    model: 'zai-org/GLM-4.7-FP8',
    plan: {
      text: '',
      toolCalls: [
        { id: 'call_x', name: 'edit', arguments: { path: 'b.ts', edits: [{ from: 1, to: 2, text: 'x\ty' }] } },
        { id: 'call_y', name: 'run', arguments: { cmd: 'npm test', env: { CI: '1' } } },
      ],
      toolArgsChunkSize: 2,
    },
    replayChunkBytes: 64,
    expect: {
      text: '',
      toolCalls: [
        { id: 'call_x', name: 'edit', input: { path: 'b.ts', edits: [{ from: 1, to: 2, text: 'x\ty' }] } },
        { id: 'call_y', name: 'run', input: { cmd: 'npm test', env: { CI: '1' } } },
      ],
      stop: 'toolCalls',
      order: ['toolCall', 'toolCall'],
    },
  },
  {
    name: 'running usage in every chunk (the last totals count)',
    model: 'openai/gpt-4o',
    plan: { text: 'a fairly long answer in small pieces', chunkSize: 2, usageInEveryChunk: true, usage: { input: 11, output: 9, cached: 4 } },
    replayChunkBytes: 13,
    expect: { text: 'a fairly long answer in small pieces', usage: { input: 11, output: 9, cached: 4, reasoning: 0 }, stop: 'stop' },
  },
  {
    name: 'the default reply of a thinking model (multi-line text with a code fence)',
    model: 'moonshotai/Kimi-K2-Thinking',
    replayChunkBytes: 3,
    expect: { thinking: 'Let me think about the question.', stop: 'stop', order: ['thinking', 'text'] },
  },
  {
    name: 'cut at the length limit',
    model: 'openai/gpt-4o',
    plan: { text: 'The answer is long and', stopReason: 'length', usage: { input: 5, output: 6 } },
    replayChunkBytes: 5,
    expect: { text: 'The answer is long and', stop: 'length' },
  },
];

describe('sdk cross-check: openai (Chat Completions)', () => {
  let fake: FakeGmi;
  let client: GmiClient;
  let recorder: ReturnType<typeof recordingFetch>;
  let openai: OpenAI;

  beforeEach(async () => {
    fake = await startFakeGmi({ apiKey: KEY });
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: KEY, maxRetries: 0 });
    recorder = recordingFetch();
    openai = new OpenAI({ apiKey: KEY, baseURL: fake.baseUrl, maxRetries: 0, fetch: recorder.fetch });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  for (const c of CASES) {
    it(`${c.name}: the SDK's message equals ours from the same bytes`, async () => {
      if (c.plan) fake.enqueue(c.plan);
      const sdk = await sdkReading(openai, c.model);
      const [raw] = await recorder.bodies();
      assert.match(raw, /^data: /, 'the SDK read a server-sent event stream');

      const ours = await ourReading(fake, client, 'chatCompletions', c.model, raw, c.replayChunkBytes);
      assert.deepEqual(ours, sdk);
      for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(sdk[key as keyof Reading], value, key);
      if (!c.plan) assert.match(sdk.text, /^Echo: What is in src\/a\.ts\?\n\nHere is some code:\n\n```ts\n[^]*\n```\n$/);
      assert.ok(sdk.usage.input !== undefined && sdk.usage.output !== undefined, 'usage came (stream_options.include_usage)');
    });
  }

  it('<think> tags in content: the SDK keeps them in the text, we split them off and lose nothing', async () => {
    const plan: ReplyPlan = { thinking: 'hidden <b>steps</b>', thinkingFormat: 'tags', text: 'Shown.', chunkSize: 4 };
    fake.enqueue(plan);
    const sdk = await sdkReading(openai, 'MiniMaxAI/MiniMax-M2.1');
    const [raw] = await recorder.bodies();
    const ours = await ourReading(fake, client, 'chatCompletions', 'MiniMaxAI/MiniMax-M2.1', raw, 2);
    assert.equal(sdk.text, '<think>hidden <b>steps</b></think>Shown.');
    assert.equal(sdk.thinking, '');
    assert.equal(ours.thinking, 'hidden <b>steps</b>');
    assert.equal(ours.text, 'Shown.');
    assert.equal(`<think>${ours.thinking}</think>${ours.text}`, sdk.text);
    assert.deepEqual(ours.order, ['thinking', 'text']);
    assert.deepEqual({ ...ours, text: '', thinking: '', order: [] }, { ...sdk, text: '', thinking: '', order: [] });
  });

  it('every chunk carries the fields the SDK types declare; usage comes last with choices: []', async () => {
    const model = 'deepseek-ai/DeepSeek-V3.2';
    fake.enqueue({ thinking: 'Plan.', text: 'Done.', toolCalls: [{ id: 'call_1', name: 'read_file', arguments: { path: 'a.ts' } }], usage: { input: 9, output: 4, cached: 2 } });
    const stream = openai.chat.completions.stream({ model, messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);

    assert.ok(chunks.length > 3);
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole completion');
    for (const c of chunks) {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal(typeof c.created, 'number');
      assert.equal(c.model, model);
      for (const choice of c.choices) {
        assert.equal(choice.index, 0);
        assert.ok('finish_reason' in choice, 'finish_reason is present (null until the end)');
        assert.equal(typeof choice.delta, 'object');
        for (const t of choice.delta.tool_calls ?? []) {
          assert.equal(t.index, 0);
          if (t.id !== undefined) assert.deepEqual([t.type, t.function?.name], ['function', 'read_file'], 'the first fragment names the call');
        }
      }
    }
    const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
    assert.deepEqual(finishes, ['tool_calls'], 'one finish_reason');
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, {
      prompt_tokens: 9,
      completion_tokens: 4,
      total_tokens: 13,
      prompt_tokens_details: { cached_tokens: 2 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null || c.usage === undefined), 'usage only in the last chunk');
  });
});
