// The fake server's replies, as the real formats send them: a ReplyPlan → the SSE events of a
// Chat Completions or Messages stream, and realistic error bodies per status.
import type { FakeToolCall, ReplyPlan } from './plan';
import { fakeSignature } from './thinking';

/** One write of a streamed reply. */
export interface Item {
  text: string;
  /** a text/thinking delta (counted by stallAfterChunks etc.) */
  delta?: boolean;
  /** part of the end of the stream (left out by omitEnd) */
  final?: boolean;
}

const DEFAULT_CHUNK = 7;

export function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

function split(text: string, size: number): string[] {
  const chars = Array.from(text); // never split a surrogate pair
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

type Message = { role?: string; content?: unknown };

function messagesOf(body: unknown): Message[] {
  const messages = (body as { messages?: unknown })?.messages;
  return Array.isArray(messages) ? (messages as Message[]) : [];
}

/** Text of a content value: a string, or the text of its `text` parts. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { type?: string; text?: string }) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

function lastUserText(body: unknown): string {
  const messages = messagesOf(body);
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return textOf(messages[i].content);
  }
  return '';
}

/** The tool results the request ends with (Chat Completions `role: "tool"` messages, Messages `tool_result` blocks). */
function trailingToolResults(body: unknown): string[] {
  const messages = messagesOf(body);
  const out: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === 'tool'; i--) out.unshift(textOf(messages[i].content));
  if (out.length > 0) return out;
  const last = messages[messages.length - 1];
  if (last?.role === 'user' && Array.isArray(last.content)) {
    for (const block of last.content as Array<{ type?: string; content?: unknown }>) {
      if (block?.type === 'tool_result') out.push(textOf(block.content));
    }
  }
  return out;
}

function defaultText(body: unknown): string {
  const results = trailingToolResults(body);
  if (results.length > 0) return `Tool result received: ${results.join(' | ').slice(0, 200)}`;
  return `Echo: ${lastUserText(body).slice(0, 200)}\n\nHere is some code:\n\n\`\`\`ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n\`\`\`\n`;
}

function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function argumentsText(call: FakeToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

interface Shape {
  text: string;
  thinking: string | undefined;
  size: number;
  argsSize: number;
  calls: Array<{ id: string; name: string; args: string }>;
  input: number;
  output: number;
}

function shape(p: ReplyPlan, body: unknown, wantsThinking: boolean): Shape {
  const text = p.text ?? defaultText(body);
  const thinking = p.thinking ?? (p.text === undefined && wantsThinking ? 'Let me think about the question.' : undefined);
  const size = p.chunkSize && p.chunkSize > 0 ? p.chunkSize : DEFAULT_CHUNK;
  const argsSize = p.toolArgsChunkSize && p.toolArgsChunkSize > 0 ? p.toolArgsChunkSize : size;
  const calls = (p.toolCalls ?? []).map((c) => ({ id: c.id, name: c.name, args: argumentsText(c) }));
  const input = p.usage?.input ?? approxTokens(JSON.stringify(messagesOf(body)));
  const output = p.usage?.output ?? approxTokens(text + (thinking ?? '') + calls.map((c) => c.name + c.args).join(''));
  return { text, thinking, size, argsSize, calls, input, output };
}

export function chatEvents(p: ReplyPlan, body: unknown, model: string): Item[] {
  const b = body as { stream_options?: { include_usage?: boolean }; reasoning_effort?: unknown } | undefined;
  const s = shape(p, body, b?.reasoning_effort !== undefined || /think|reason|r1/i.test(model));
  const id = `chatcmpl-fake${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const usageOf = (completion: number): Record<string, unknown> => ({
    prompt_tokens: s.input,
    completion_tokens: completion,
    total_tokens: s.input + completion,
    prompt_tokens_details: { cached_tokens: p.usage?.cached ?? 0 },
    completion_tokens_details: { reasoning_tokens: p.usage?.reasoning ?? (s.thinking ? approxTokens(s.thinking) : 0) },
  });
  // with usageInEveryChunk, each chunk reports the running total so far (the last one is the whole)
  let sent = '';
  const chunk = (choices: unknown[], usage: unknown = null): string => sse({ id, object: 'chat.completion.chunk', created, model, choices, usage });
  const delta = (d: Record<string, unknown>, finish: string | null = null): string => {
    for (const v of [d.content, d.reasoning_content]) if (typeof v === 'string') sent += v;
    const running = p.usageInEveryChunk ? usageOf(Math.min(s.output, approxTokens(sent))) : null;
    return chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }], running);
  };

  const items: Item[] = [{ text: delta({ role: 'assistant', content: '' }) }];
  if (s.thinking) {
    if (p.thinkingFormat === 'tags' || p.thinkingFormat === 'closingTag') {
      const inline = p.thinkingFormat === 'tags' ? `<think>${s.thinking}</think>` : `${s.thinking}\n</think>\n\n`;
      for (const piece of split(inline, s.size)) items.push({ text: delta({ content: piece }), delta: true });
    } else {
      for (const piece of split(s.thinking, s.size)) items.push({ text: delta({ reasoning_content: piece }), delta: true });
    }
  }
  for (const piece of split(s.text, s.size)) items.push({ text: delta({ content: piece }), delta: true });
  s.calls.forEach((call, i) => {
    items.push({ text: delta({ tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }) });
    for (const piece of split(call.args, s.argsSize)) items.push({ text: delta({ tool_calls: [{ index: i, function: { arguments: piece } }] }) });
  });
  const finish = p.stopReason ?? (s.calls.length ? 'tool_calls' : 'stop');
  items.push({ text: delta({}, finish), final: true });
  if (b?.stream_options?.include_usage) items.push({ text: chunk([], usageOf(s.output)), final: true });
  items.push({ text: 'data: [DONE]\n\n', final: true });
  return items;
}

export function messagesEvents(p: ReplyPlan, body: unknown, model: string): Item[] {
  const b = body as { thinking?: { type?: string } } | undefined;
  const s = shape(p, body, b?.thinking?.type === 'enabled');
  const items: Item[] = [
    {
      text: sse(
        {
          type: 'message_start',
          message: {
            id: `msg_fake${Date.now().toString(36)}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: s.input,
              cache_creation_input_tokens: p.usage?.cacheWrite ?? 0,
              cache_read_input_tokens: p.usage?.cached ?? 0,
              output_tokens: 1,
            },
          },
        },
        'message_start',
      ),
    },
    { text: sse({ type: 'ping' }, 'ping') },
  ];
  let index = 0;
  const block = (start: Record<string, unknown>, deltas: Array<Record<string, unknown>>, counted: boolean): void => {
    items.push({ text: sse({ type: 'content_block_start', index, content_block: start }, 'content_block_start') });
    for (const d of deltas) items.push({ text: sse({ type: 'content_block_delta', index, delta: d }, 'content_block_delta'), delta: counted && d.type !== 'signature_delta' });
    items.push({ text: sse({ type: 'content_block_stop', index }, 'content_block_stop') });
    index++;
  };
  if (p.redactedThinking) block({ type: 'redacted_thinking', data: p.redactedThinking }, [], false);
  if (s.thinking) {
    const deltas: Array<Record<string, unknown>> = split(s.thinking, s.size).map((piece) => ({ type: 'thinking_delta', thinking: piece }));
    deltas.push({ type: 'signature_delta', signature: fakeSignature(s.thinking) });
    block({ type: 'thinking', thinking: '', signature: '' }, deltas, true);
  }
  // a reply of only tool calls has no text block at all, as Messages sends it
  if (s.text !== '' || s.calls.length === 0) {
    block({ type: 'text', text: '' }, split(s.text, s.size).map((piece) => ({ type: 'text_delta', text: piece })), true);
  }
  for (const call of s.calls) {
    block({ type: 'tool_use', id: call.id, name: call.name, input: {} }, split(call.args, s.argsSize).map((piece) => ({ type: 'input_json_delta', partial_json: piece })), false);
  }
  const stop = p.stopReason ?? (s.calls.length ? 'tool_use' : 'end_turn');
  items.push({
    text: sse({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: s.output } }, 'message_delta'),
    final: true,
  });
  items.push({ text: sse({ type: 'message_stop' }, 'message_stop'), final: true });
  return items;
}

export function defaultErrorBody(status: number, messages: boolean, model: string): string {
  if (status === 404) return `No matching target server found for model ${model}`;
  if (messages) {
    const type =
      status === 401 || status === 403
        ? 'authentication_error'
        : status === 429
          ? 'rate_limit_error'
          : status === 529
            ? 'overloaded_error'
            : status >= 500
              ? 'api_error'
              : 'invalid_request_error';
    return JSON.stringify({ type: 'error', error: { type, message: `fake ${type} (${status})` } });
  }
  if (status === 400 || status === 422) {
    const inner = {
      error: {
        type: 'invalid_request_error',
        code: '400001',
        message: 'Invalid max_tokens value, the valid range of max_tokens is [1, 393216]',
        source: 'client',
        request_id: 'fake-inner-request-id',
      },
    };
    return JSON.stringify({
      error: { message: `Backend request failed with status ${status}`, type: 'backend_error', code: status, details: JSON.stringify(inner) },
    });
  }
  const type = status === 401 || status === 403 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : 'server_error';
  return JSON.stringify({ error: { message: `fake ${type} (${status})`, type, code: status } });
}
