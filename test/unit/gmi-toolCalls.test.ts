// Streamed tool calls → complete calls, in both wire formats: recorded streams decoded whole and
// split at every byte, several calls, calls after text, arguments that are not a JSON object,
// streams cut short, whole (non-streamed) replies, and the usage that comes with them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChatCompletionsDecoder } from '../../src/gmi/chatCompletions';
import { MessagesDecoder } from '../../src/gmi/messages';
import type { SseEvent } from '../../src/gmi/sse';
import { parseToolInput } from '../../src/gmi/toolCalls';
import type { StreamEvent, WireApi } from '../../src/gmi/types';
import { nonStreamedEvents } from '../../src/gmi/wireFormats';
import { cutAt, decodeChunks } from './fixtures/recordedStreams';
import './helpers/unhandledRejections';

const FIXTURE: Record<WireApi, string> = { chatCompletions: 'chat-completions-tools.sse', messages: 'messages-tools.sse' };

/** What each recorded stream must decode to, written from the protocol, not captured from the decoder. */
const EXPECTED: Record<WireApi, StreamEvent[]> = {
  chatCompletions: [
    { type: 'text', text: 'Let me ' },
    { type: 'text', text: 'check both ' },
    { type: 'text', text: 'files.' },
    { type: 'toolCall', id: 'call_a', name: 'read_file', input: { path: 'src/a.ts', encoding: 'utf-8' } },
    { type: 'toolCall', id: 'call_b', name: 'search', input: { query: '日本語 🎌', limit: 5 } },
    { type: 'usage', usage: { inputTokens: 120, outputTokens: 64, cachedTokens: 96, reasoningTokens: 0 } },
    { type: 'end', reason: 'toolCalls' },
  ],
  messages: [
    { type: 'text', text: "I'll look " },
    { type: 'text', text: 'at both.' },
    { type: 'toolCall', id: 'toolu_a', name: 'read_file', input: { path: 'src/a.ts' } },
    { type: 'toolCall', id: 'toolu_b', name: 'search', input: { query: '日本語 🎌', filters: { lang: ['ts', 'js'] }, limit: 5 } },
    { type: 'toolCall', id: 'toolu_c', name: 'list_open_files', input: {} },
    { type: 'usage', usage: { inputTokens: 40, outputTokens: 88, cachedTokens: 1000, cacheWriteTokens: 50 } },
    { type: 'end', reason: 'toolCalls' },
  ],
};

function recorded(api: WireApi): Uint8Array {
  return fs.readFileSync(path.join(__dirname, 'fixtures', FIXTURE[api]));
}

function chat(delta: Record<string, unknown>, finish: string | null = null, usage: unknown = null): SseEvent {
  return { data: JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }], usage }) };
}
function call(index: number | undefined, fields: { id?: string; name?: string; arguments?: string }): Record<string, unknown> {
  const t: Record<string, unknown> = { function: { ...(fields.name ? { name: fields.name } : {}), arguments: fields.arguments ?? '' } };
  if (index !== undefined) t.index = index;
  if (fields.id) t.id = fields.id;
  return t;
}
function msg(payload: Record<string, unknown>): SseEvent {
  return { event: String(payload.type), data: JSON.stringify(payload) };
}
function run(decoder: { decode(e: SseEvent): StreamEvent[]; finish(): StreamEvent[] }, events: SseEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const e of events) out.push(...decoder.decode(e));
  out.push(...decoder.finish());
  return out;
}
const calls = (events: StreamEvent[]): StreamEvent[] => events.filter((e) => e.type === 'toolCall');
function errorOf(events: StreamEvent[]): Extract<StreamEvent, { type: 'error' }> {
  const e = events[events.length - 1];
  assert.equal(e.type, 'error', `expected an error, got ${JSON.stringify(e)}`);
  return e as Extract<StreamEvent, { type: 'error' }>;
}

describe('gmi: streamed tool calls', () => {
  for (const api of ['chatCompletions', 'messages'] as const) {
    describe(`${api}: recorded stream with several calls after text`, () => {
      it('decodes to complete calls, in order, after the text', () => {
        assert.deepEqual(decodeChunks(api, [recorded(api)]).events, EXPECTED[api]);
      });

      it('gives the same events when the bytes are split at every position', () => {
        const bytes = recorded(api);
        for (let i = 1; i < bytes.length; i++) {
          assert.deepEqual(decodeChunks(api, cutAt(bytes, [i])).events, EXPECTED[api], `split at byte ${i}`);
        }
      });

      it('gives the same events one byte at a time and in three random pieces', () => {
        const bytes = recorded(api);
        const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
        assert.deepEqual(decodeChunks(api, cutAt(bytes, cuts)).events, EXPECTED[api]);
        let seed = 7;
        const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
        for (let k = 0; k < 200; k++) {
          const three = [...new Set([1 + rand(bytes.length - 1), 1 + rand(bytes.length - 1)])].sort((a, b) => a - b);
          assert.deepEqual(decodeChunks(api, cutAt(bytes, three)).events, EXPECTED[api], `cuts ${three}`);
        }
      });
    });
  }

  describe('Chat Completions', () => {
    it('hands out calls in index order when the fragments interleave', () => {
      const out = run(new ChatCompletionsDecoder(), [
        chat({ tool_calls: [call(1, { id: 'c1', name: 'second', arguments: '{"n":' })] }),
        chat({ tool_calls: [call(0, { id: 'c0', name: 'first', arguments: '{"n":' })] }),
        chat({ tool_calls: [call(1, { arguments: '2}' }), call(0, { arguments: '1}' })] }),
        chat({}, 'tool_calls'),
        { data: '[DONE]' },
      ]);
      assert.deepEqual(calls(out), [
        { type: 'toolCall', id: 'c0', name: 'first', input: { n: 1 } },
        { type: 'toolCall', id: 'c1', name: 'second', input: { n: 2 } },
      ]);
    });

    it('arguments split into one-character fragments', () => {
      const args = JSON.stringify({ path: 'a/b.ts', lines: [1, 2, 3], note: 'ünï 😀' });
      const out = run(new ChatCompletionsDecoder(), [
        chat({ tool_calls: [call(0, { id: 'c', name: 'edit' })] }),
        ...Array.from(args).map((ch) => chat({ tool_calls: [call(0, { arguments: ch })] })),
        chat({}, 'tool_calls'),
        { data: '[DONE]' },
      ]);
      assert.deepEqual(calls(out), [{ type: 'toolCall', id: 'c', name: 'edit', input: JSON.parse(args) }]);
    });

    it('empty arguments are an empty object', () => {
      const out = run(new ChatCompletionsDecoder(), [chat({ tool_calls: [call(0, { id: 'c', name: 'now' })] }), chat({}, 'tool_calls'), { data: '[DONE]' }]);
      assert.deepEqual(calls(out), [{ type: 'toolCall', id: 'c', name: 'now', input: {} }]);
    });

    it('a call is complete at [DONE] even without a finish_reason, and with finish_reason "stop"', () => {
      const withoutFinish = run(new ChatCompletionsDecoder(), [chat({ tool_calls: [call(0, { id: 'c', name: 'x', arguments: '{"a":1}' })] }), { data: '[DONE]' }]);
      assert.deepEqual(calls(withoutFinish), [{ type: 'toolCall', id: 'c', name: 'x', input: { a: 1 } }]);
      const stop = run(new ChatCompletionsDecoder(), [chat({ tool_calls: [call(0, { id: 'c', name: 'x', arguments: '{}' })] }), chat({}, 'stop'), { data: '[DONE]' }]);
      assert.equal(calls(stop).length, 1);
      assert.deepEqual(stop[stop.length - 1], { type: 'end', reason: 'stop' });
    });

    it('servers that leave out `index` get one call per id', () => {
      const out = run(new ChatCompletionsDecoder(), [
        chat({ tool_calls: [call(undefined, { id: 'a', name: 'one', arguments: '{"x"' })] }),
        chat({ tool_calls: [call(undefined, { arguments: ':1}' })] }),
        chat({ tool_calls: [call(undefined, { id: 'b', name: 'two', arguments: '{}' })] }),
        chat({}, 'tool_calls'),
        { data: '[DONE]' },
      ]);
      assert.deepEqual(calls(out), [
        { type: 'toolCall', id: 'a', name: 'one', input: { x: 1 } },
        { type: 'toolCall', id: 'b', name: 'two', input: {} },
      ]);
    });

    it('a call without an id gets one', () => {
      const out = run(new ChatCompletionsDecoder(), [chat({ tool_calls: [call(3, { name: 'x', arguments: '{}' })] }), { data: '[DONE]' }]);
      assert.deepEqual(calls(out), [{ type: 'toolCall', id: 'call_3', name: 'x', input: {} }]);
    });

    for (const [what, args, wording] of [
      ['not JSON', '{"path": "a.ts"', /not valid JSON/],
      ['a JSON array', '[1, 2]', /not a JSON object/],
      ['JSON null', 'null', /not a JSON object/],
      ['a JSON string', '"a.ts"', /not a JSON object/],
    ] as const) {
      it(`arguments that are ${what} end the stream with an error naming the tool, no call`, () => {
        const out = run(new ChatCompletionsDecoder(), [
          chat({ content: 'Reading.' }),
          chat({ tool_calls: [call(0, { id: 'c', name: 'read_file', arguments: args })] }),
          chat({}, 'tool_calls'),
          { data: '[DONE]' },
        ]);
        assert.deepEqual(calls(out), []);
        const err = errorOf(out);
        assert.equal(err.error.kind, 'stream');
        assert.equal(err.error.action, 'retry');
        assert.match(err.error.message, /^GMI sent a call to tool `read_file` whose arguments are /);
        assert.match(err.error.message, wording);
        assert.match(err.error.message, /Try again\.$/);
        assert.equal(err.partial, true, 'text came before');
        assert.equal(out.filter((e) => e.type === 'end' || e.type === 'error').length, 1);
      });
    }

    it('one bad call among good ones: no call at all is handed out', () => {
      const out = run(new ChatCompletionsDecoder(), [
        chat({ tool_calls: [call(0, { id: 'a', name: 'good', arguments: '{}' }), call(1, { id: 'b', name: 'bad', arguments: '{' })] }),
        chat({}, 'tool_calls'),
      ]);
      assert.deepEqual(calls(out), []);
      assert.match(errorOf(out).error.message, /`bad`/);
    });

    it('a call without a name is an error', () => {
      const out = run(new ChatCompletionsDecoder(), [chat({ tool_calls: [call(0, { id: 'c', arguments: '{}' })] }), chat({}, 'tool_calls')]);
      assert.match(errorOf(out).error.message, /without a tool name/);
    });

    it('a hostile tool name is quoted harmlessly (name characters only, capped)', () => {
      const name = 'x`\n<img src=x onerror=alert(1)>' + 'y'.repeat(200);
      const out = run(new ChatCompletionsDecoder(), [chat({ tool_calls: [call(0, { id: 'c', name, arguments: '{' })] }), chat({}, 'tool_calls')]);
      const message = errorOf(out).error.message;
      assert.doesNotMatch(message, /[<>\n]|x`/);
      assert.ok(message.length < 200, message);
    });

    it('a stream cut off mid-arguments is an error, never a half-parsed call', () => {
      const out = run(new ChatCompletionsDecoder(), [chat({ tool_calls: [call(0, { id: 'c', name: 'x', arguments: '{"a":1' })] })]);
      assert.deepEqual(calls(out), []);
      assert.match(errorOf(out).error.message, /cut off/);
    });

    it('running usage in every chunk: the last one is reported, once, before the end', () => {
      const usage = (n: number): Record<string, unknown> => ({ prompt_tokens: 50, completion_tokens: n, prompt_tokens_details: { cached_tokens: 20 } });
      const out = run(new ChatCompletionsDecoder(), [
        chat({ content: 'a' }, null, usage(1)),
        chat({ content: 'b' }, null, usage(2)),
        chat({}, 'stop', usage(3)),
        { data: JSON.stringify({ choices: [], usage: usage(4) }) },
        { data: '[DONE]' },
      ]);
      assert.deepEqual(out.slice(-2), [
        { type: 'usage', usage: { inputTokens: 50, outputTokens: 4, cachedTokens: 20 } },
        { type: 'end', reason: 'stop' },
      ]);
      assert.equal(out.filter((e) => e.type === 'usage').length, 1);
    });
  });

  describe('Messages', () => {
    const start = (index: number, id: string, name: string): SseEvent => msg({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } });
    const json = (index: number, partial: string): SseEvent => msg({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
    const stop = (index: number): SseEvent => msg({ type: 'content_block_stop', index });
    const end = (reason = 'tool_use'): SseEvent[] => [msg({ type: 'message_delta', delta: { stop_reason: reason }, usage: { output_tokens: 5 } }), msg({ type: 'message_stop' })];
    const begin = msg({ type: 'message_start', message: { usage: { input_tokens: 9 } } });

    it('a call is handed out at its content_block_stop, before later blocks', () => {
      const d = new MessagesDecoder();
      assert.deepEqual(d.decode(begin), []);
      assert.deepEqual(d.decode(start(0, 't1', 'a')), []);
      assert.deepEqual(d.decode(json(0, '{"k":')), []);
      assert.deepEqual(d.decode(json(0, '"v"}')), []);
      assert.deepEqual(d.decode(stop(0)), [{ type: 'toolCall', id: 't1', name: 'a', input: { k: 'v' } }]);
    });

    it('a call whose content_block_stop never comes is handed out at the end', () => {
      const out = run(new MessagesDecoder(), [begin, start(0, 't1', 'a'), json(0, '{}'), ...end()]);
      assert.deepEqual(calls(out), [{ type: 'toolCall', id: 't1', name: 'a', input: {} }]);
      assert.deepEqual(out[out.length - 1], { type: 'end', reason: 'toolCalls' });
    });

    it('input that came whole with content_block_start (no deltas) is used', () => {
      const whole = msg({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'a', input: { q: 1 } } });
      const out = run(new MessagesDecoder(), [begin, whole, stop(0), ...end()]);
      assert.deepEqual(calls(out), [{ type: 'toolCall', id: 't', name: 'a', input: { q: 1 } }]);
    });

    it('invalid JSON ends the stream at that block, naming the tool; nothing after it is decoded', () => {
      const out = run(new MessagesDecoder(), [
        begin,
        msg({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
        msg({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Sure.' } }),
        stop(0),
        start(1, 't1', 'write_file'),
        json(1, '{"path": "a.ts", "text": '),
        stop(1),
        start(2, 't2', 'other'),
        json(2, '{}'),
        stop(2),
        ...end(),
      ]);
      assert.deepEqual(calls(out), []);
      const err = errorOf(out);
      assert.match(err.error.message, /^GMI sent a call to tool `write_file` whose arguments are not valid JSON\. Try again\.$/);
      assert.equal(err.partial, true);
    });

    it('a stream cut off inside a tool_use block is an error, never a half-parsed call', () => {
      const out = run(new MessagesDecoder(), [begin, start(0, 't', 'a'), json(0, '{"x": [1, 2')]);
      assert.deepEqual(calls(out), []);
      assert.match(errorOf(out).error.message, /cut off/);
    });

    it('server_tool_use blocks (run by the server) are not handed out as calls', () => {
      const server = msg({ type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srv', name: 'web_search', input: {} } });
      const out = run(new MessagesDecoder(), [begin, server, json(0, '{"query":"x"}'), stop(0), ...end('end_turn')]);
      assert.deepEqual(calls(out), []);
      assert.deepEqual(out[out.length - 1], { type: 'end', reason: 'stop' });
    });

    it('reads cache reads and writes into the usage', () => {
      const out = run(new MessagesDecoder(), [
        msg({ type: 'message_start', message: { usage: { input_tokens: 3, cache_read_input_tokens: 700, cache_creation_input_tokens: 300, output_tokens: 1 } } }),
        ...end('end_turn'),
      ]);
      assert.deepEqual(out.find((e) => e.type === 'usage'), { type: 'usage', usage: { inputTokens: 3, cachedTokens: 700, cacheWriteTokens: 300, outputTokens: 5 } });
    });
  });

  describe('whole (non-streamed) replies', () => {
    it('Chat Completions: message.tool_calls become complete calls', () => {
      const text = JSON.stringify({
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'Two calls.',
              tool_calls: [
                { id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } },
                { id: 'c2', type: 'function', function: { name: 'now', arguments: '' } },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 8 },
      });
      assert.deepEqual(nonStreamedEvents('chatCompletions', text, []), [
        { type: 'text', text: 'Two calls.' },
        { type: 'toolCall', id: 'c1', name: 'read_file', input: { path: 'a.ts' } },
        { type: 'toolCall', id: 'c2', name: 'now', input: {} },
        { type: 'usage', usage: { inputTokens: 10, outputTokens: 8 } },
        { type: 'end', reason: 'toolCalls' },
      ]);
    });

    it('Messages: tool_use blocks become complete calls', () => {
      const text = JSON.stringify({
        type: 'message',
        content: [
          { type: 'text', text: 'Looking.' },
          { type: 'tool_use', id: 'tu1', name: 'search', input: { q: 'x', n: [1] } },
          { type: 'tool_use', id: 'tu2', name: 'now', input: {} },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 4, output_tokens: 6, cache_creation_input_tokens: 2 },
      });
      assert.deepEqual(nonStreamedEvents('messages', text, []), [
        { type: 'text', text: 'Looking.' },
        { type: 'toolCall', id: 'tu1', name: 'search', input: { q: 'x', n: [1] } },
        { type: 'toolCall', id: 'tu2', name: 'now', input: {} },
        { type: 'usage', usage: { inputTokens: 4, outputTokens: 6, cacheWriteTokens: 2 } },
        { type: 'end', reason: 'toolCalls' },
      ]);
    });

    it('invalid arguments in a whole reply are an error too', () => {
      const text = JSON.stringify({
        choices: [{ message: { content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'x', arguments: '{nope' } }] }, finish_reason: 'tool_calls' }],
      });
      const out = nonStreamedEvents('chatCompletions', text, []);
      assert.deepEqual(calls(out), []);
      assert.match(errorOf(out).error.message, /tool `x` whose arguments are not valid JSON/);
    });
  });

  it('parseToolInput: empty is {}, an object is itself, anything else an error', () => {
    assert.deepEqual(parseToolInput('t', ''), { input: {} });
    assert.deepEqual(parseToolInput('t', '  \n'), { input: {} });
    assert.deepEqual(parseToolInput('t', ' {"a":{"b":[1]}} '), { input: { a: { b: [1] } } });
    for (const bad of ['{', '[]', 'null', '3', 'true', '"x"', '{"a":1}{"b":2}']) {
      assert.ok('error' in parseToolInput('t', bad), bad);
    }
  });
});
