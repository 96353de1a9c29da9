// Requests checked against clients no one here wrote: the same conversation (system prompt, a text
// + image question, an assistant turn with text and two tool calls, two tool results, two tools,
// each tool choice) is sent once through the official SDK's typed API and once through our request
// builders (GmiClient). The loopback server records both bodies; they must be the same JSON, so what
// we send has the shape the SDK's types describe (Messages: apart from our prompt-caching markers,
// which are checked for their typed shape). The server's reply to either quotes the tool results,
// so both clients are also seen reading it.
import * as assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { GmiClient } from '../../src/gmi/client';
import type { ChatRequest, ChatTurn, StreamEvent, ToolChoice, ToolDefinition } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZXF1ZXN0cyJ9.c2RrLXJlcXVlc3Rz';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const READ_FILE_SCHEMA = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
const TOOLS: ToolDefinition[] = [
  { name: 'read_file', description: 'Read a workspace file', inputSchema: READ_FILE_SCHEMA },
  { name: 'search', description: 'Search the workspace' }, // no schema: both formats get an empty object schema
];
const QUESTION = 'What does a.ts say about this picture?';
const SEARCH_INPUT = { query: '日本語 🎌', limit: 3 };
const CONVERSATION: ChatTurn[] = [
  { role: 'user', content: [{ type: 'text', text: QUESTION }, { type: 'image', mediaType: 'image/png', data: PNG }] },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Let me check.' },
      { type: 'toolCall', id: 'call_1', name: 'read_file', input: { path: 'src/a.ts' } },
      { type: 'toolCall', id: 'call_2', name: 'search', input: SEARCH_INPUT },
    ],
  },
  {
    role: 'user',
    content: [
      { type: 'toolResult', toolCallId: 'call_1', content: 'export const a = 1;' },
      { type: 'toolResult', toolCallId: 'call_2', content: 'no matches', isError: true },
    ],
  },
];
const ANSWER = 'Tool result received: export const a = 1; | no matches';
const CHOICES: ToolChoice[] = ['auto', 'required', 'none', { name: 'read_file' }];

async function ourAnswer(client: GmiClient, req: ChatRequest): Promise<string> {
  const events: StreamEvent[] = [];
  for await (const e of client.stream(req)) events.push(e);
  assert.deepEqual(events[events.length - 1], { type: 'end', reason: 'stop' });
  return events.map((e) => (e.type === 'text' ? e.text : '')).join('');
}

function openaiToolChoice(c: ToolChoice): OpenAI.Chat.ChatCompletionToolChoiceOption {
  return typeof c === 'string' ? c : { type: 'function', function: { name: c.name } };
}

/** Where a Messages body carries a prompt-caching marker: the block's type and the marker. */
interface CacheMarker {
  where: string;
  blockType: unknown;
  marker: unknown;
}

/**
 * A Messages body without its `cache_control` markers (and a cached system prompt, which must be a
 * block list, back to its text), plus the markers found. We add markers for families that cache
 * (src/gmi/modelRules.ts); where they go is our policy, so the SDK request is compared without them
 * and the markers are checked for the shape the SDK's types give them.
 */
function withoutCacheMarkers(body: unknown): { body: Record<string, unknown>; markers: CacheMarker[] } {
  const copy = structuredClone(body) as Record<string, any>;
  const markers: CacheMarker[] = [];
  const strip = (block: Record<string, unknown>, where: string): void => {
    if (!('cache_control' in block)) return;
    markers.push({ where, blockType: block.type, marker: block.cache_control });
    delete block.cache_control;
  };
  if (Array.isArray(copy.system)) {
    copy.system.forEach((b: Record<string, unknown>, i: number) => strip(b, `system[${i}]`));
    assert.ok(copy.system.every((b: Record<string, unknown>) => b.type === 'text' && typeof b.text === 'string' && Object.keys(b).length === 2), 'a system block list holds text blocks only');
    copy.system = copy.system.map((b: { text: string }) => b.text).join('');
  }
  (copy.tools ?? []).forEach((t: Record<string, unknown>, i: number) => strip(t, `tools[${i}]`));
  (copy.messages ?? []).forEach((m: { content: unknown }, i: number) => {
    if (Array.isArray(m.content)) m.content.forEach((b: Record<string, unknown>, j: number) => strip(b, `messages[${i}].content[${j}]`));
  });
  return { body: copy, markers };
}

function anthropicToolChoice(c: ToolChoice): Anthropic.ToolChoice {
  if (c === 'auto') return { type: 'auto' };
  if (c === 'required') return { type: 'any' };
  if (c === 'none') return { type: 'none' };
  return { type: 'tool', name: c.name };
}

describe('sdk cross-check: requests with tools, tool results and images', () => {
  let fake: FakeGmi;
  let client: GmiClient;

  beforeEach(async () => {
    fake = await startFakeGmi({ apiKey: KEY });
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: KEY, maxRetries: 0 });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  for (const choice of CHOICES) {
    const label = typeof choice === 'string' ? choice : `{ name: ${choice.name} }`;

    it(`Chat Completions, tool choice ${label}: the openai SDK's body equals ours`, async () => {
      const model = 'openai/gpt-4o';
      const openai = new OpenAI({ apiKey: KEY, baseURL: fake.baseUrl, maxRetries: 0 });
      const stream = openai.chat.completions.stream({
        model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: QUESTION },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            ],
          },
          {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: JSON.stringify({ path: 'src/a.ts' }) } },
              { id: 'call_2', type: 'function', function: { name: 'search', arguments: JSON.stringify(SEARCH_INPUT) } },
            ],
          },
          // Chat Completions has no error flag on a tool result: the text says it
          { role: 'tool', tool_call_id: 'call_1', content: 'export const a = 1;' },
          { role: 'tool', tool_call_id: 'call_2', content: 'no matches' },
        ],
        tools: [
          { type: 'function', function: { name: 'read_file', description: 'Read a workspace file', parameters: READ_FILE_SCHEMA } },
          { type: 'function', function: { name: 'search', description: 'Search the workspace', parameters: { type: 'object', properties: {} } } },
        ],
        tool_choice: openaiToolChoice(choice),
        max_tokens: 1000,
        temperature: 0.2,
        stream_options: { include_usage: true },
      });
      const sdkMessage = (await stream.finalChatCompletion()).choices[0].message;
      assert.equal(sdkMessage.content, ANSWER, 'the server accepted the SDK request and quoted its tool results');

      const ours = await ourAnswer(client, { model, api: 'chatCompletions', system: 'Be brief.', messages: CONVERSATION, tools: TOOLS, toolChoice: choice, maxTokens: 1000, temperature: 0.2 });
      assert.equal(ours, ANSWER);

      const [sdkReq, ourReq] = fake.requests;
      assert.deepEqual([sdkReq.path, ourReq.path], ['/v1/chat/completions', '/v1/chat/completions']);
      assert.deepEqual(ourReq.body, sdkReq.body);
      for (const r of [sdkReq, ourReq]) {
        assert.equal(r.headers.authorization, `Bearer ${KEY}`);
        assert.match(String(r.headers['content-type']), /^application\/json/);
      }
    });

    it(`Messages, tool choice ${label}: the @anthropic-ai/sdk body equals ours`, async () => {
      const model = 'anthropic/claude-sonnet-4.5';
      const anthropic = new Anthropic({ apiKey: KEY, authToken: null, baseURL: fake.baseUrl.replace(/\/v1$/, ''), maxRetries: 0 });
      const stream = anthropic.messages.stream({
        model,
        max_tokens: 1000,
        temperature: 0.2,
        system: 'Be brief.',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: QUESTION },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me check.' },
              { type: 'tool_use', id: 'call_1', name: 'read_file', input: { path: 'src/a.ts' } },
              { type: 'tool_use', id: 'call_2', name: 'search', input: SEARCH_INPUT },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'call_1', content: 'export const a = 1;' },
              { type: 'tool_result', tool_use_id: 'call_2', content: 'no matches', is_error: true },
            ],
          },
        ],
        tools: [
          { name: 'read_file', description: 'Read a workspace file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
          { name: 'search', description: 'Search the workspace', input_schema: { type: 'object', properties: {} } },
        ],
        tool_choice: anthropicToolChoice(choice),
      });
      const sdkMessage = await stream.finalMessage();
      assert.deepEqual(sdkMessage.content, [{ type: 'text', text: ANSWER }], 'the server accepted the SDK request and quoted its tool results');

      const ours = await ourAnswer(client, { model, api: 'messages', system: 'Be brief.', messages: CONVERSATION, tools: TOOLS, toolChoice: choice, maxTokens: 1000, temperature: 0.2 });
      assert.equal(ours, ANSWER);

      const [sdkReq, ourReq] = fake.requests;
      assert.deepEqual([sdkReq.path, ourReq.path], ['/v1/messages', '/v1/messages']);
      const { body: ourBody, markers } = withoutCacheMarkers(ourReq.body);
      assert.deepEqual(ourBody, sdkReq.body);
      // Anthropic allows at most 4 markers; each is CacheControlEphemeral on a block type whose Param type has cache_control
      assert.ok(markers.length <= 4, `${markers.length} cache markers`);
      for (const m of markers) {
        assert.deepEqual(m.marker, { type: 'ephemeral' }, m.where);
        assert.ok(m.where.startsWith('tools[') || ['text', 'image', 'tool_use', 'tool_result'].includes(String(m.blockType)), m.where);
      }
      // SDK 1.x sends the key as Bearer only and a newer anthropic-version; we send Bearer and
      // x-api-key (GMI's examples use x-api-key) and the version GMI documents
      for (const r of [sdkReq, ourReq]) {
        assert.equal(r.headers.authorization, `Bearer ${KEY}`);
        assert.match(String(r.headers['anthropic-version']), /^\d{4}-\d{2}-\d{2}$/);
        assert.match(String(r.headers['content-type']), /^application\/json/);
      }
      assert.equal(ourReq.headers['x-api-key'], KEY);
      assert.equal(ourReq.headers['anthropic-version'], '2023-06-01');
    });
  }
});
