// POST {base}/chat/completions (OpenAI Chat Completions): the request body, a stateful SSE →
// StreamEvent decoder, and the same mapping for a whole (non-streamed) JSON reply.
import { errorFromStreamPayload } from './errors';
import { requestParameters } from './modelRules';
import type { SseEvent } from './sse';
import { ThinkTagSplitter } from './thinkTags';
import { ToolCallAssembler } from './toolCalls';
import type { ChatRequest, ContentPart, EndReason, GmiErrorInfo, StreamEvent, ToolChoice, Usage } from './types';
import { commonHeaders, cutOffError, emptyInputSchema, malformedError, misplacedPartError, type AuthOptions, type BuiltRequest, type StreamDecoder } from './wire';

export { ThinkTagSplitter } from './thinkTags';

type ChatMessage = Record<string, unknown>;

export function buildChatCompletionsRequest(req: ChatRequest, auth: AuthOptions): BuiltRequest {
  const messages: ChatMessage[] = [];
  if (req.system) messages.push({ role: 'system', content: req.system });
  for (const m of req.messages) {
    if (typeof m.content === 'string') messages.push({ role: m.role, content: m.content });
    else if (m.role === 'assistant') messages.push(assistantMessage(m.content));
    else messages.push(...userMessages(m.content));
  }
  const body: Record<string, unknown> = {
    model: req.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  const params = requestParameters(req, 'chatCompletions');
  body[params.rule.tokenLimitField] = params.maxTokens;
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.reasoningEffort !== undefined) body.reasoning_effort = params.reasoningEffort;
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.inputSchema ?? emptyInputSchema() },
    }));
    // tool_choice without tools is refused by OpenAI-style servers, so it only goes with them
    if (req.toolChoice !== undefined) body.tool_choice = chatToolChoice(req.toolChoice);
  }
  return { path: 'chat/completions', headers: commonHeaders(auth), body, notes: params.notes };
}

function chatToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/**
 * Text parts joined into one string (as VS Code streams them, without separators); tool calls as
 * `tool_calls`. Thinking blocks (Messages' signed reasoning) have no field here and are left out.
 */
function assistantMessage(parts: ContentPart[]): ChatMessage {
  let text = '';
  const calls: unknown[] = [];
  for (const p of parts) {
    if (p.type === 'text') text += p.text;
    else if (p.type === 'toolCall') calls.push({ id: p.id, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.input ?? {}) } });
    else if (p.type !== 'thinking' && p.type !== 'redactedThinking') throw misplacedPartError(p.type, 'assistant');
  }
  if (calls.length === 0) return { role: 'assistant', content: text };
  // OpenAI: content may be null when the turn is only tool calls
  return { role: 'assistant', content: text || null, tool_calls: calls };
}

/**
 * A user turn: each tool result becomes its own `role: "tool"` message (they must directly follow
 * the assistant turn that made the calls), then the turn's text and images as one user message.
 */
function userMessages(parts: ContentPart[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const rest: Array<Extract<ContentPart, { type: 'text' | 'image' }>> = [];
  for (const p of parts) {
    if (p.type === 'toolResult') out.push({ role: 'tool', tool_call_id: p.toolCallId, content: p.content });
    else if (p.type === 'text' || p.type === 'image') rest.push(p);
    else throw misplacedPartError(p.type, 'user');
  }
  if (rest.length > 0 || out.length === 0) {
    const onlyText = rest.every((p) => p.type === 'text');
    const content = onlyText
      ? rest.map((p) => (p.type === 'text' ? p.text : '')).join('')
      : rest.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: `data:${p.mediaType};base64,${p.data}` } }));
    out.push({ role: 'user', content });
  }
  return out;
}

const FINISH: Record<string, EndReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'toolCalls',
  function_call: 'toolCalls',
  content_filter: 'contentFilter',
  refusal: 'refusal', // not OpenAI's, but some gateways send it
};

interface ToolCallDelta {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown } | null;
}

/**
 * Chat Completions chunks → StreamEvents. Tool-call fragments are assembled by index and handed out
 * complete, in index order, when the reply finishes (finish_reason, [DONE] or end of body after a
 * finish_reason) — all of them, or none and an error when one is not valid. Usage is reported
 * once, before the end: the last one seen, since some gateways repeat running totals in every chunk.
 */
export class ChatCompletionsDecoder implements StreamDecoder {
  private readonly think = new ThinkTagSplitter();
  private readonly calls: ToolCallAssembler;
  private finishReason: EndReason | undefined;
  private usage: Usage | undefined;
  private terminal = false;
  private sawOutput = false;
  private refused = false;
  private unindexedId: string | undefined;
  private unindexedKey = -1;

  constructor(private readonly secrets: ReadonlyArray<string | undefined> = []) {
    this.calls = new ToolCallAssembler('call_', secrets);
  }

  get done(): boolean {
    return this.terminal;
  }

  decode(ev: SseEvent): StreamEvent[] {
    if (this.terminal) return [];
    const data = ev.data;
    if (data.trim() === '[DONE]') return this.end();
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      if (ev.event === 'error') return this.fail(errorFromStreamPayload(data, this.secrets));
      return this.fail(malformedError('invalid JSON'));
    }
    if (ev.event === 'error' || (chunk && typeof chunk === 'object' && (chunk as { error?: unknown }).error)) {
      return this.fail(errorFromStreamPayload(chunk, this.secrets));
    }
    if (!chunk || typeof chunk !== 'object') return [];
    const c = chunk as {
      choices?: Array<{
        delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown; refusal?: unknown; tool_calls?: unknown };
        finish_reason?: string | null;
      }>;
      usage?: unknown;
    };
    const out: StreamEvent[] = [];
    const choice = Array.isArray(c.choices) ? c.choices[0] : undefined;
    const delta = choice?.delta;
    if (delta) {
      const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : typeof delta.reasoning === 'string' ? delta.reasoning : '';
      if (reasoning) out.push({ type: 'thinking', text: reasoning });
      if (typeof delta.content === 'string' && delta.content) out.push(...this.think.push(delta.content));
      // OpenAI sends a declined answer's words in `refusal` instead of `content`: show them, and
      // end with `refusal` so the reply says the model declined
      if (typeof delta.refusal === 'string' && delta.refusal) {
        this.refused = true;
        out.push(...this.think.flush(), { type: 'text', text: delta.refusal });
      }
      if (Array.isArray(delta.tool_calls)) {
        for (const t of delta.tool_calls as ToolCallDelta[]) {
          if (!t || typeof t !== 'object') continue;
          this.calls.add(this.callKey(t), { id: t.id, name: t.function?.name, arguments: t.function?.arguments });
        }
      }
    }
    if (c.usage && typeof c.usage === 'object') this.usage = chatUsage(c.usage);
    if (choice?.finish_reason) {
      out.push(...this.think.flush());
      this.finishReason = FINISH[choice.finish_reason] ?? 'unknown';
      if (this.refused && this.finishReason === 'stop') this.finishReason = 'refusal';
      if (!this.takeCalls(out)) return out;
    }
    if (out.some((e) => e.type === 'text' || e.type === 'thinking')) this.sawOutput = true;
    return out;
  }

  finish(): StreamEvent[] {
    if (this.terminal) return [];
    // Some gateways skip [DONE]; a finish_reason already says the reply is complete.
    if (this.finishReason !== undefined) return this.end();
    const out = this.think.flush();
    return this.failWith(out, cutOffError('no [DONE]'));
  }

  /**
   * The index a fragment belongs to. Servers that leave `index` out send one call per id:
   * a new id starts a new call, a fragment without one continues the latest.
   */
  private callKey(t: ToolCallDelta): number {
    if (typeof t.index === 'number' && Number.isInteger(t.index) && t.index >= 0) return t.index;
    if (typeof t.id === 'string' && t.id && t.id !== this.unindexedId) {
      this.unindexedId = t.id;
      this.unindexedKey++;
    }
    return Math.max(this.unindexedKey, 0);
  }

  /** Hands out the assembled calls, all or none: false (and the stream failed) when one is not valid. */
  private takeCalls(out: StreamEvent[]): boolean {
    const done = this.calls.completeAll();
    for (const d of done) {
      if ('error' in d) {
        this.failWith(out, d.error);
        return false;
      }
    }
    for (const d of done) if ('call' in d) out.push(d.call);
    return true;
  }

  private end(): StreamEvent[] {
    const out = this.think.flush();
    if (!this.takeCalls(out)) return out;
    this.terminal = true;
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    out.push({ type: 'end', reason: this.finishReason ?? 'stop' });
    return out;
  }

  private fail(error: GmiErrorInfo): StreamEvent[] {
    return this.failWith(this.think.flush(), error);
  }

  /** Ends with an error after `out`; calls not yet complete are dropped, usage seen so far is kept. */
  private failWith(out: StreamEvent[], error: GmiErrorInfo): StreamEvent[] {
    this.calls.clear();
    this.terminal = true;
    const partial = this.sawOutput || out.some((e) => e.type === 'text' || e.type === 'thinking');
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    out.push({ type: 'error', error, partial });
    return out;
  }
}

function chatUsage(u: object): Usage {
  const x = u as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    prompt_tokens_details?: { cached_tokens?: unknown } | null;
    completion_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  const usage: Usage = {};
  if (typeof x.prompt_tokens === 'number') usage.inputTokens = x.prompt_tokens;
  if (typeof x.completion_tokens === 'number') usage.outputTokens = x.completion_tokens;
  if (typeof x.prompt_tokens_details?.cached_tokens === 'number') usage.cachedTokens = x.prompt_tokens_details.cached_tokens;
  if (typeof x.completion_tokens_details?.reasoning_tokens === 'number') usage.reasoningTokens = x.completion_tokens_details.reasoning_tokens;
  return usage;
}

/** A whole Chat Completions reply (`choices[0].message`) → the events its stream would have given. */
export function chatCompletionsReplyEvents(json: Record<string, unknown>, secrets: ReadonlyArray<string | undefined>): StreamEvent[] {
  const d = new ChatCompletionsDecoder(secrets);
  const choice = (Array.isArray(json.choices) ? json.choices[0] : undefined) as { message?: Record<string, unknown>; finish_reason?: string } | undefined;
  const msg = choice?.message ?? {};
  const toolCalls = Array.isArray(msg.tool_calls) ? (msg.tool_calls as Array<Record<string, unknown>>).map((t, index) => ({ index, ...t })) : undefined;
  return [
    ...d.decode({
      data: JSON.stringify({
        choices: [
          {
            delta: { content: msg.content, reasoning_content: msg.reasoning_content, refusal: msg.refusal, tool_calls: toolCalls },
            finish_reason: choice?.finish_reason ?? 'stop',
          },
        ],
        usage: json.usage ?? null,
      }),
    }),
    ...d.decode({ data: '[DONE]' }),
  ];
}
