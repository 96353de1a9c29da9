// A tool round trip through GmiClient and the loopback server, on both endpoints: tools and an image
// go out, complete calls come back (arguments split over many deltas, after text), the results go
// out in the format's shape, and the final answer streams back.
import * as assert from 'node:assert/strict';
import { GmiClient } from '../../src/gmi/client';
import type { ChatRequest, ChatTurn, ContentPart, StreamEvent, ToolDefinition, WireApi } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0b29scyJ9.dG9vbC1zaWduYXR1cmU';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const TOOLS: ToolDefinition[] = [
  { name: 'read_file', description: 'Read a workspace file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } },
  { name: 'search', description: 'Search the workspace' },
];
const MODEL: Record<WireApi, string> = { chatCompletions: 'openai/gpt-4o', messages: 'anthropic/claude-sonnet-4.5' };

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}
const textOf = (events: StreamEvent[]): string => events.map((e) => (e.type === 'text' ? e.text : '')).join('');
const callsOf = (events: StreamEvent[]): Array<Extract<StreamEvent, { type: 'toolCall' }>> =>
  events.filter((e): e is Extract<StreamEvent, { type: 'toolCall' }> => e.type === 'toolCall');

describe('gmi: tool round trip through the loopback server', () => {
  let fake: FakeGmi;
  let client: GmiClient;

  beforeEach(async () => {
    fake = await startFakeGmi({ apiKey: KEY });
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: KEY, sleep: async () => {} });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  for (const api of ['chatCompletions', 'messages'] as const) {
    describe(api, () => {
      it('tools and an image out, complete calls back, results out, the answer back', async () => {
        const question: ChatTurn = {
          role: 'user',
          content: [
            { type: 'text', text: 'What does a.ts say about this picture?' },
            { type: 'image', mediaType: 'image/png', data: PNG },
          ],
        };
        const first: ChatRequest = { model: MODEL[api], api, system: 'Be brief.', messages: [question], tools: TOOLS, toolChoice: 'auto' };
        fake.enqueue({
          text: 'Let me check.',
          toolCalls: [
            { id: 'call_1', name: 'read_file', arguments: { path: 'src/a.ts' } },
            { id: 'call_2', name: 'search', arguments: '{"query":"日本語 🎌","limit":3}' },
          ],
          chunkSize: 3,
          toolArgsChunkSize: 2,
          usage: { input: 120, output: 30, cached: 80, cacheWrite: 15 },
        });
        const events = await collect(client.stream(first));

        assert.equal(textOf(events), 'Let me check.');
        const calls = callsOf(events);
        assert.deepEqual(calls, [
          { type: 'toolCall', id: 'call_1', name: 'read_file', input: { path: 'src/a.ts' } },
          { type: 'toolCall', id: 'call_2', name: 'search', input: { query: '日本語 🎌', limit: 3 } },
        ]);
        assert.ok(events.findIndex((e) => e.type === 'toolCall') > events.findIndex((e) => e.type === 'text'), 'calls after the text');
        assert.deepEqual(events[events.length - 1], { type: 'end', reason: 'toolCalls' });
        const usage = events.find((e) => e.type === 'usage');
        assert.ok(usage?.type === 'usage');
        assert.equal(usage.usage.cachedTokens, 80);
        assert.equal(usage.usage.cacheWriteTokens, api === 'messages' ? 15 : undefined, 'cache writes are reported by Messages only');

        // what reached the server: tools, tool choice and the image in the format's shape
        const sent = fake.requests[0].body as Record<string, any>;
        if (api === 'messages') {
          assert.deepEqual(sent.tools.map((t: any) => Object.keys(t).sort()), [
            ['description', 'input_schema', 'name'],
            ['description', 'input_schema', 'name'],
          ]);
          assert.deepEqual(sent.tool_choice, { type: 'auto' });
          // the question is the user turn before the newest one: it carries a cache marker
          assert.deepEqual(sent.messages[0].content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG }, cache_control: { type: 'ephemeral' } });
        } else {
          assert.deepEqual(sent.tools.map((t: any) => [t.type, t.function.name]), [
            ['function', 'read_file'],
            ['function', 'search'],
          ]);
          assert.equal(sent.tool_choice, 'auto');
          assert.deepEqual(sent.messages[1].content[1], { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } });
        }

        // second turn: the assistant's calls and our results go back; the loopback server quotes them
        const assistant: ContentPart[] = [{ type: 'text', text: textOf(events) }, ...calls.map((c) => ({ type: 'toolCall' as const, id: c.id, name: c.name, input: c.input }))];
        const results: ContentPart[] = [
          { type: 'toolResult', toolCallId: 'call_1', content: 'export const a = 1;' },
          { type: 'toolResult', toolCallId: 'call_2', content: 'no matches', isError: true },
        ];
        const second: ChatRequest = { ...first, messages: [question, { role: 'assistant', content: assistant }, { role: 'user', content: results }] };
        const answer = await collect(client.stream(second));
        assert.equal(textOf(answer), 'Tool result received: export const a = 1; | no matches');
        assert.deepEqual(answer[answer.length - 1], { type: 'end', reason: 'stop' });

        const back = fake.requests[1].body as Record<string, any>;
        if (api === 'messages') {
          assert.deepEqual(back.messages.slice(1), [
            {
              role: 'assistant',
              content: [
                { type: 'text', text: 'Let me check.' },
                { type: 'tool_use', id: 'call_1', name: 'read_file', input: { path: 'src/a.ts' } },
                { type: 'tool_use', id: 'call_2', name: 'search', input: { query: '日本語 🎌', limit: 3 } },
              ],
            },
            {
              role: 'user',
              content: [
                { type: 'tool_result', tool_use_id: 'call_1', content: 'export const a = 1;' },
                // the newest turn's last block carries the cache marker
                { type: 'tool_result', tool_use_id: 'call_2', content: 'no matches', is_error: true, cache_control: { type: 'ephemeral' } },
              ],
            },
          ]);
        } else {
          assert.deepEqual(back.messages.slice(2), [
            {
              role: 'assistant',
              content: 'Let me check.',
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/a.ts"}' } },
                { id: 'call_2', type: 'function', function: { name: 'search', arguments: '{"query":"日本語 🎌","limit":3}' } },
              ],
            },
            { role: 'tool', tool_call_id: 'call_1', content: 'export const a = 1;' },
            { role: 'tool', tool_call_id: 'call_2', content: 'no matches' },
          ]);
        }
      });

      it('a reply of only tool calls, arguments one character per delta', async () => {
        fake.enqueue({ text: '', toolCalls: [{ id: 't1', name: 'search', arguments: { query: 'x', nested: { a: [1, 2] } } }], toolArgsChunkSize: 1 });
        const events = await collect(client.stream({ model: MODEL[api], api, messages: [{ role: 'user', content: 'find x' }], tools: TOOLS }));
        assert.deepEqual(
          events.filter((e) => e.type !== 'usage'),
          [
            { type: 'toolCall', id: 't1', name: 'search', input: { query: 'x', nested: { a: [1, 2] } } },
            { type: 'end', reason: 'toolCalls' },
          ],
        );
      });

      it('arguments that are not valid JSON end in a readable error, no call, no retry', async () => {
        fake.enqueue({ text: 'Reading.', toolCalls: [{ id: 't1', name: 'read_file', arguments: '{"path": "a.ts"' }] });
        const events = await collect(client.stream({ model: MODEL[api], api, messages: [{ role: 'user', content: 'go' }], tools: TOOLS }));
        assert.deepEqual(callsOf(events), []);
        const last = events[events.length - 1];
        assert.ok(last.type === 'error');
        assert.equal(last.error.message, 'GMI sent a call to tool `read_file` whose arguments are not valid JSON. Try again.');
        assert.equal(last.partial, true);
        assert.equal(fake.requests.length, 1);
      });
    });
  }

  it('Chat Completions with running usage in every chunk reports the final totals once', async () => {
    fake.enqueue({ text: 'a fairly long answer in small pieces', chunkSize: 2, usageInEveryChunk: true, usage: { input: 11, output: 9, cached: 4 } });
    const events = await collect(client.stream({ model: MODEL.chatCompletions, api: 'chatCompletions', messages: [{ role: 'user', content: 'q' }] }));
    assert.deepEqual(
      events.filter((e) => e.type === 'usage'),
      [{ type: 'usage', usage: { inputTokens: 11, outputTokens: 9, cachedTokens: 4, reasoningTokens: 0 } }],
    );
  });
});
