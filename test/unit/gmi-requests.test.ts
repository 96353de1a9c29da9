// Request bodies with tools, tool choice, images, tool calls and tool results, in both wire formats,
// exactly as /work/shared/gmi-api.md describes them.
import * as assert from 'node:assert/strict';
import { buildChatCompletionsRequest } from '../../src/gmi/chatCompletions';
import { GmiError } from '../../src/gmi/errors';
import { buildMessagesRequest } from '../../src/gmi/messages';
import type { ChatRequest, ChatTurn, ToolChoice, ToolDefinition } from '../../src/gmi/types';

const AUTH = { apiKey: 'k-test' };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const TOOLS: ToolDefinition[] = [
  { name: 'read_file', description: 'Read a file of the workspace', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'now' },
];

/** A tool round trip: question with an image → text + two calls → two results (one failed) + a follow-up. */
const ROUND_TRIP: ChatTurn[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What is in this picture and in a.ts?' },
      { type: 'image', mediaType: 'image/png', data: PNG },
    ],
  },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Let me look.' },
      { type: 'toolCall', id: 'call_1', name: 'read_file', input: { path: 'a.ts' } },
      { type: 'toolCall', id: 'call_2', name: 'now', input: {} },
    ],
  },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Here you go.' },
      { type: 'toolResult', toolCallId: 'call_1', content: 'export const a = 1;' },
      { type: 'toolResult', toolCallId: 'call_2', content: 'clock unavailable', isError: true },
    ],
  },
];

/**
 * Messages requests use MiniMax (documented on /messages, no prompt caching) so these bodies show
 * the mapping alone; Claude's cache markers are tested in gmi-promptCaching.test.ts.
 */
function request(api: ChatRequest['api'], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: api === 'messages' ? 'MiniMaxAI/MiniMax-M2.1' : 'openai/gpt-4o', api, messages: ROUND_TRIP, ...extra };
}

describe('gmi: requests with tools and images', () => {
  describe('Chat Completions', () => {
    const body = (extra: Partial<ChatRequest> = {}): Record<string, unknown> => buildChatCompletionsRequest(request('chatCompletions', extra), AUTH).body;

    it('maps images, tool calls and tool results to the OpenAI message shapes', () => {
      assert.deepEqual(body({ system: 'sys' }).messages, [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture and in a.ts?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } },
            { id: 'call_2', type: 'function', function: { name: 'now', arguments: '{}' } },
          ],
        },
        // results right after the assistant turn, one message each, then the rest of the user turn
        { role: 'tool', tool_call_id: 'call_1', content: 'export const a = 1;' },
        { role: 'tool', tool_call_id: 'call_2', content: 'clock unavailable' },
        { role: 'user', content: 'Here you go.' },
      ]);
    });

    it('an assistant turn of only tool calls has null content; a user turn of only results has no user message', () => {
      const messages = body({
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'toolCall', id: 'c', name: 'now', input: {} }] },
          { role: 'user', content: [{ type: 'toolResult', toolCallId: 'c', content: '12:00' }] },
        ],
      }).messages;
      assert.deepEqual(messages, [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'now', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: '12:00' },
      ]);
    });

    it('text-only parts become one string; a plain string stays a string', () => {
      const messages = body({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'there' }] },
          { role: 'assistant', content: 'plain' },
        ],
      }).messages;
      assert.deepEqual(messages, [
        { role: 'user', content: 'Hello there' },
        { role: 'assistant', content: 'plain' },
      ]);
    });

    it('tools as functions, with an empty object schema when none is given', () => {
      assert.deepEqual(body({ tools: TOOLS }).tools, [
        { type: 'function', function: { name: 'read_file', description: 'Read a file of the workspace', parameters: TOOLS[0].inputSchema } },
        { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } },
      ]);
      assert.equal(body({ tools: TOOLS }).tool_choice, undefined, 'no choice: the server default (auto)');
    });

    for (const [choice, wire] of [
      ['auto', 'auto'],
      ['required', 'required'],
      ['none', 'none'],
      [{ name: 'read_file' }, { type: 'function', function: { name: 'read_file' } }],
    ] as Array<[ToolChoice, unknown]>) {
      it(`tool choice ${JSON.stringify(choice)} → ${JSON.stringify(wire)}`, () => {
        assert.deepEqual(body({ tools: TOOLS, toolChoice: choice }).tool_choice, wire);
      });
    }

    it('no tools: neither tools nor tool_choice is sent', () => {
      const b = body({ tools: [], toolChoice: 'required' });
      assert.ok(!('tools' in b) && !('tool_choice' in b));
    });
  });

  describe('Messages', () => {
    const body = (extra: Partial<ChatRequest> = {}): Record<string, unknown> => buildMessagesRequest(request('messages', extra), AUTH).body;

    it('maps images, tool_use and tool_result blocks (results first in their turn)', () => {
      assert.deepEqual(body().messages, [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture and in a.ts?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 'call_1', name: 'read_file', input: { path: 'a.ts' } },
            { type: 'tool_use', id: 'call_2', name: 'now', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: 'export const a = 1;' },
            { type: 'tool_result', tool_use_id: 'call_2', content: 'clock unavailable', is_error: true },
            { type: 'text', text: 'Here you go.' },
          ],
        },
      ]);
    });

    it('empty text parts are left out (Messages refuses empty text blocks); a plain string stays a string', () => {
      const messages = body({
        messages: [
          { role: 'user', content: 'plain' },
          { role: 'assistant', content: [{ type: 'text', text: '' }, { type: 'toolCall', id: 't', name: 'now', input: {} }] },
        ],
      }).messages;
      assert.deepEqual(messages, [
        { role: 'user', content: 'plain' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'now', input: {} }] },
      ]);
    });

    it('tools with input_schema, an empty object schema when none is given', () => {
      assert.deepEqual(body({ tools: TOOLS }).tools, [
        { name: 'read_file', description: 'Read a file of the workspace', input_schema: TOOLS[0].inputSchema },
        { name: 'now', input_schema: { type: 'object', properties: {} } },
      ]);
      assert.equal(body({ tools: TOOLS }).tool_choice, undefined);
    });

    for (const [choice, wire] of [
      ['auto', { type: 'auto' }],
      ['required', { type: 'any' }],
      ['none', { type: 'none' }],
      [{ name: 'read_file' }, { type: 'tool', name: 'read_file' }],
    ] as Array<[ToolChoice, unknown]>) {
      it(`tool choice ${JSON.stringify(choice)} → ${JSON.stringify(wire)}`, () => {
        assert.deepEqual(body({ tools: TOOLS, toolChoice: choice }).tool_choice, wire);
      });
    }

    it('no tools: neither tools nor tool_choice is sent', () => {
      const b = body({ tools: undefined, toolChoice: 'auto' });
      assert.ok(!('tools' in b) && !('tool_choice' in b));
    });
  });

  describe('parts in the wrong turn are refused before anything is sent', () => {
    const cases: Array<[string, ChatTurn]> = [
      ['a tool result in an assistant turn', { role: 'assistant', content: [{ type: 'toolResult', toolCallId: 'c', content: 'x' }] }],
      ['a tool call in a user turn', { role: 'user', content: [{ type: 'toolCall', id: 'c', name: 'x', input: {} }] }],
      ['an image in an assistant turn', { role: 'assistant', content: [{ type: 'image', mediaType: 'image/png', data: PNG }] }],
    ];
    for (const [what, turn] of cases) {
      for (const api of ['chatCompletions', 'messages'] as const) {
        it(`${api}: ${what}`, () => {
          const build = api === 'messages' ? buildMessagesRequest : buildChatCompletionsRequest;
          assert.throws(
            () => build(request(api, { messages: [turn] }), AUTH),
            (err: unknown) => err instanceof GmiError && err.info.kind === 'badRequest' && /was not sent/.test(err.message),
          );
        });
      }
    }
  });
});
