import * as assert from 'node:assert/strict';
import { buildChatCompletionsRequest, ChatCompletionsDecoder, ThinkTagSplitter } from '../../src/gmi/chatCompletions';
import { ANTHROPIC_VERSION, buildMessagesRequest, MessagesDecoder, messagesTokenLimits } from '../../src/gmi/messages';
import type { SseEvent } from '../../src/gmi/sse';
import type { ChatRequest, StreamEvent } from '../../src/gmi/types';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl';

function chat(delta: Record<string, unknown>, finish: string | null = null, usage: unknown = null): SseEvent {
  return { data: JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], usage }) };
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
function joined(events: StreamEvent[], type: 'text' | 'thinking'): string {
  return events.map((e) => (e.type === type ? e.text : '')).join('');
}

describe('gmi/chatCompletions', () => {
  const req: ChatRequest = {
    model: 'deepseek-ai/DeepSeek-V3.2',
    api: 'chatCompletions',
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'hi' }],
    maxTokens: 100,
    temperature: 0.3,
  };

  it('builds a streamed request with usage, a system message and Bearer auth', () => {
    const built = buildChatCompletionsRequest(req, { apiKey: KEY, organizationId: 'org-1' });
    assert.equal(built.path, 'chat/completions');
    assert.deepEqual(built.body, {
      model: req.model,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 100,
      temperature: 0.3,
    });
    assert.equal(built.headers.authorization, `Bearer ${KEY}`);
    assert.equal(built.headers['x-organization-id'], 'org-1');
  });

  it('maps content, reasoning_content, usage and [DONE]', () => {
    const out = run(new ChatCompletionsDecoder(), [
      chat({ role: 'assistant', content: '' }),
      chat({ reasoning_content: 'Think' }),
      chat({ reasoning_content: 'ing.' }),
      chat({ content: 'Hel' }),
      chat({ content: 'lo' }),
      chat({}, 'stop'),
      { data: JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 2 } } }) },
      { data: '[DONE]' },
    ]);
    assert.equal(joined(out, 'thinking'), 'Thinking.');
    assert.equal(joined(out, 'text'), 'Hello');
    assert.deepEqual(out.filter((e) => e.type === 'usage'), [{ type: 'usage', usage: { inputTokens: 12, outputTokens: 5, cachedTokens: 3, reasoningTokens: 2 } }]);
    assert.deepEqual(out[out.length - 1], { type: 'end', reason: 'stop' });
  });

  for (const [wire, reason] of [
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'toolCalls'],
    ['content_filter', 'contentFilter'],
    ['something_new', 'unknown'],
  ] as const) {
    it(`maps finish_reason ${wire} → ${reason}`, () => {
      const out = run(new ChatCompletionsDecoder(), [chat({ content: 'x' }), chat({}, wire), { data: '[DONE]' }]);
      assert.deepEqual(out[out.length - 1], { type: 'end', reason });
    });
  }

  it('assembles tool call fragments by index into one complete call', () => {
    const out = run(new ChatCompletionsDecoder(), [
      chat({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'read', arguments: '' } }] }),
      chat({ tool_calls: [{ index: 0, function: { arguments: '{"pa' } }] }),
      chat({ tool_calls: [{ index: 0, function: { arguments: 'th":1}' } }] }),
      chat({}, 'tool_calls'),
      { data: '[DONE]' },
    ]);
    assert.deepEqual(out.filter((e) => e.type === 'toolCall'), [{ type: 'toolCall', id: 'call_1', name: 'read', input: { path: 1 } }]);
    assert.deepEqual(out[out.length - 1], { type: 'end', reason: 'toolCalls' });
  });

  it('turns a chunk with an error object into an error event, with partial set', () => {
    const out = run(new ChatCompletionsDecoder(), [
      chat({ content: 'part' }),
      { data: JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }) },
      chat({ content: 'ignored after the error' }),
    ]);
    const last = out[out.length - 1];
    assert.equal(last.type, 'error');
    assert.ok(last.type === 'error' && last.partial && last.error.kind === 'stream' && /upstream exploded/.test(last.error.message));
    assert.equal(out.filter((e) => e.type === 'error' || e.type === 'end').length, 1);
  });

  it('turns `event: error` into an error event', () => {
    const out = run(new ChatCompletionsDecoder(), [{ event: 'error', data: '{"message":"overloaded","type":"overloaded_error"}' }]);
    assert.ok(out[0].type === 'error' && out[0].error.kind === 'overloaded');
  });

  it('reports malformed JSON as a stream error', () => {
    const out = run(new ChatCompletionsDecoder(), [chat({ content: 'a' }), { data: '{"choices": [' }]);
    const last = out[out.length - 1];
    assert.ok(last.type === 'error' && last.error.kind === 'stream' && last.partial);
  });

  it('reports a stream without [DONE] or finish_reason as cut off', () => {
    const out = run(new ChatCompletionsDecoder(), [chat({ content: 'a' })]);
    const last = out[out.length - 1];
    assert.ok(last.type === 'error' && last.error.kind === 'stream' && /cut off/.test(last.error.message) && last.partial);
  });

  it('redacts the key from a mid-stream error message', () => {
    const out = run(new ChatCompletionsDecoder([KEY]), [{ data: JSON.stringify({ error: { message: `bad key sk-${KEY}-end` } }) }]);
    assert.ok(out[0].type === 'error');
    assert.ok(out[0].type === 'error' && !out[0].error.message.includes(KEY));
  });
});

describe('gmi/ThinkTagSplitter', () => {
  const content = '\n<think>Reasoning about <b> tags.</think>\n\nThe answer is <think> literally.';

  function split(parts: string[]): StreamEvent[] {
    const s = new ThinkTagSplitter();
    const out: StreamEvent[] = [];
    for (const p of parts) out.push(...s.push(p));
    out.push(...s.flush());
    return out;
  }

  it('separates thinking from text when the tags arrive whole', () => {
    const out = split([content]);
    assert.equal(joined(out, 'thinking'), 'Reasoning about <b> tags.');
    assert.equal(joined(out, 'text'), 'The answer is <think> literally.');
  });

  it('gives the same result for every split position (tags split across deltas)', () => {
    for (let i = 1; i < content.length; i++) {
      for (const j of [i + 1, i + 3, i + 9]) {
        if (j >= content.length) continue;
        const out = split([content.slice(0, i), content.slice(i, j), content.slice(j)]);
        assert.equal(joined(out, 'thinking'), 'Reasoning about <b> tags.', `split ${i}/${j}`);
        assert.equal(joined(out, 'text'), 'The answer is <think> literally.', `split ${i}/${j}`);
      }
    }
  });

  it('one character per delta', () => {
    const out = split(Array.from(content));
    assert.equal(joined(out, 'thinking'), 'Reasoning about <b> tags.');
    assert.equal(joined(out, 'text'), 'The answer is <think> literally.');
  });

  it('leaves text without tags alone, including a lone "<"', () => {
    assert.equal(joined(split(['<', 'b>bold</b>']), 'text'), '<b>bold</b>');
    assert.equal(joined(split(['<thi', 'nk']), 'text'), '<think'); // never closed: what it looked like
  });

  it('an unclosed think block at the end stays thinking', () => {
    const out = split(['<think>still thin', 'king']);
    assert.equal(joined(out, 'thinking'), 'still thinking');
    assert.equal(joined(out, 'text'), '');
  });

  it('works inside the Chat Completions decoder', () => {
    const parts = ['<thi', 'nk>pondering</th', 'ink>Answer'];
    const out = run(new ChatCompletionsDecoder(), [...parts.map((c) => chat({ content: c })), chat({}, 'stop'), { data: '[DONE]' }]);
    assert.equal(joined(out, 'thinking'), 'pondering');
    assert.equal(joined(out, 'text'), 'Answer');
  });
});

describe('gmi/messages', () => {
  it('builds a request: top-level system, catalog max_tokens, cache markers, both auth headers, version', () => {
    const built = buildMessagesRequest(
      { model: 'anthropic/claude-sonnet-4.5', api: 'messages', system: 'sys', messages: [{ role: 'user', content: 'q' }], temperature: 0.5 },
      { apiKey: KEY, organizationId: 'org-9' },
    );
    assert.equal(built.path, 'messages');
    assert.deepEqual(built.body, {
      model: 'anthropic/claude-sonnet-4.5',
      max_tokens: 32000,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'q', cache_control: { type: 'ephemeral' } }] }],
      stream: true,
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
      temperature: 0.5,
    });
    assert.equal(built.headers['x-api-key'], KEY);
    assert.equal(built.headers.authorization, `Bearer ${KEY}`);
    assert.equal(built.headers['anthropic-version'], ANTHROPIC_VERSION);
    assert.equal(built.headers['x-organization-id'], 'org-9');
  });

  it('max_tokens: 8192 for unknown models, capped by the request, never above the catalog', () => {
    assert.equal(messagesTokenLimits({ model: 'someone/unknown' }).maxTokens, 8192);
    assert.equal(messagesTokenLimits({ model: 'someone/unknown', maxTokens: 20000 }).maxTokens, 20000);
    assert.equal(messagesTokenLimits({ model: 'anthropic/claude-opus-4.5', maxTokens: 1000 }).maxTokens, 1000);
    assert.equal(messagesTokenLimits({ model: 'anthropic/claude-opus-4.5', maxTokens: 999999 }).maxTokens, 32000);
  });

  it('thinking: max_tokens always exceeds the budget', () => {
    for (const [maxTokens, budget] of [
      [undefined, 2000],
      [1000, 2000],
      [3000, 3000],
      [undefined, 50000],
      [undefined, 10],
    ] as const) {
      const limits = messagesTokenLimits({ model: 'anthropic/claude-sonnet-4.5', maxTokens, thinkingBudgetTokens: budget });
      assert.ok(limits.thinkingBudget !== undefined && limits.maxTokens > limits.thinkingBudget, `${maxTokens}/${budget}`);
      assert.ok(limits.maxTokens <= 32000);
    }
    const built = buildMessagesRequest(
      { model: 'anthropic/claude-sonnet-4.5', api: 'messages', messages: [{ role: 'user', content: 'q' }], thinkingBudgetTokens: 4000, temperature: 0.2 },
      { apiKey: KEY },
    );
    assert.deepEqual(built.body.thinking, { type: 'enabled', budget_tokens: 4000 });
    assert.equal(built.body.temperature, undefined, 'temperature is not allowed with thinking');
  });

  const stream = (stopReason: string, extra: SseEvent[] = []): SseEvent[] => [
    msg({ type: 'message_start', message: { usage: { input_tokens: 25, cache_read_input_tokens: 4, output_tokens: 1 } } }),
    msg({ type: 'ping' }),
    msg({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
    msg({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm' } }),
    msg({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'abc' } }),
    msg({ type: 'content_block_stop', index: 0 }),
    msg({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
    msg({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi ' } }),
    msg({ type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: {} } }),
    msg({ type: 'some_future_event', whatever: true }),
    msg({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'there' } }),
    msg({ type: 'content_block_stop', index: 1 }),
    ...extra,
    msg({ type: 'message_delta', delta: { stop_reason: stopReason }, usage: { output_tokens: 9 } }),
    msg({ type: 'message_stop' }),
  ];

  it('maps text, thinking (with its signature, when the block stops), usage and end; ignores ping, citations and unknown events', () => {
    const out = run(new MessagesDecoder(), stream('end_turn'));
    assert.deepEqual(out, [
      { type: 'thinking', text: 'Hmm' },
      { type: 'thinkingBlock', block: { type: 'thinking', text: 'Hmm', signature: 'abc' } },
      { type: 'text', text: 'Hi ' },
      { type: 'text', text: 'there' },
      { type: 'usage', usage: { inputTokens: 25, cachedTokens: 4, outputTokens: 9 } },
      { type: 'end', reason: 'stop' },
    ]);
  });

  for (const [wire, reason] of [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'toolCalls'],
    ['refusal', 'refusal'],
    ['brand_new', 'unknown'],
  ] as const) {
    it(`maps stop_reason ${wire} → ${reason}`, () => {
      const out = run(new MessagesDecoder(), stream(wire));
      assert.deepEqual(out[out.length - 1], { type: 'end', reason });
    });
  }

  it('a tool_use block becomes one complete toolCall event', () => {
    const out = run(
      new MessagesDecoder(),
      stream('tool_use', [
        msg({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'search', input: {} } }),
        msg({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"q":' } }),
        msg({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"x"}' } }),
      ]),
    );
    assert.deepEqual(out.filter((e) => e.type === 'toolCall'), [{ type: 'toolCall', id: 'toolu_1', name: 'search', input: { q: 'x' } }]);
  });

  it('an error event mid-stream ends the stream with an error', () => {
    const events = stream('end_turn');
    events.splice(8, 0, msg({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    const out = run(new MessagesDecoder(), events);
    const last = out[out.length - 1];
    assert.ok(last.type === 'error' && last.error.kind === 'overloaded' && last.partial && /Overloaded/.test(last.error.message));
    assert.equal(out.filter((e) => e.type === 'end' || e.type === 'error').length, 1);
  });

  it('a stream that stops before message_delta/message_stop is cut off', () => {
    const out = run(new MessagesDecoder(), stream('end_turn').slice(0, 9));
    const last = out[out.length - 1];
    assert.ok(last.type === 'error' && last.error.kind === 'stream' && /cut off/.test(last.error.message) && last.partial);
  });

  it('malformed JSON in one event is a stream error', () => {
    const out = run(new MessagesDecoder(), [msg({ type: 'message_start', message: {} }), { event: 'content_block_delta', data: '{"type":"content_block_delta",' }]);
    assert.ok(out[0].type === 'error' && out[0].error.kind === 'stream' && !out[0].partial);
  });
});
