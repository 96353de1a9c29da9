// POST {base}/messages (Anthropic Messages): the request body, a stateful SSE → StreamEvent
// decoder, and the same mapping for a whole (non-streamed) JSON reply.
import { errorFromStreamPayload } from './errors';
import { requestParameters } from './modelRules';
import type { SseEvent } from './sse';
import { ToolCallAssembler } from './toolCalls';
import type { ChatRequest, ChatTurn, ContentPart, EndReason, GmiErrorInfo, StreamEvent, ThinkingBlock, ToolChoice, Usage } from './types';
import { commonHeaders, cutOffError, emptyInputSchema, malformedError, misplacedPartError, type AuthOptions, type BuiltRequest, type StreamDecoder } from './wire';

export const ANTHROPIC_VERSION = '2023-06-01';
export { DEFAULT_MAX_TOKENS, replyTokenLimits as messagesTokenLimits } from './modelRules';

export function buildMessagesRequest(req: ChatRequest, auth: AuthOptions): BuiltRequest {
  const params = requestParameters(req, 'messages');
  // Thinking blocks go back only when this request thinks too (Anthropic refuses them otherwise
  // in some places, and a model without thinking has no use for them).
  const thinking = params.thinkingBudget !== undefined;
  const messages = req.messages.map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : messagesBlocks(m.role, m.content, thinking) }));
  const body: Record<string, unknown> = {
    model: req.model,
    max_tokens: params.maxTokens,
    messages,
    stream: true,
  };
  if (req.system) body.system = req.system;
  if (params.rule.promptCaching) addCacheMarkers(body, messages);
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      input_schema: t.inputSchema ?? emptyInputSchema(),
    }));
    if (req.toolChoice !== undefined) body.tool_choice = messagesToolChoice(req.toolChoice);
  }
  if (params.thinkingBudget !== undefined) body.thinking = { type: 'enabled', budget_tokens: params.thinkingBudget };
  if (params.temperature !== undefined) body.temperature = params.temperature;
  const headers = { ...commonHeaders(auth), 'x-api-key': auth.apiKey, 'anthropic-version': ANTHROPIC_VERSION };
  return { path: 'messages', headers, body, notes: params.notes };
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Prompt caching (families whose rule says so): `cache_control` on the system prompt (which caches
 * the tools before it too), on the newest turn (so the next request, which repeats this one and
 * adds the reply and a new question, reads it all from the cache) and on the user turn before it
 * (what the previous request wrote, so it is read even when the newest turn holds more blocks than
 * Anthropic's ~20-block lookback). At most 3 markers, within Anthropic's limit of 4.
 */
function addCacheMarkers(body: Record<string, unknown>, messages: Array<{ role: string; content: unknown }>): void {
  if (typeof body.system === 'string') body.system = [{ type: 'text', text: body.system, cache_control: EPHEMERAL }];
  const last = messages.length - 1;
  let previousUser = -1;
  for (let i = last - 1; i >= 0; i--) {
    if (messages[i].role === 'user') {
      previousUser = i;
      break;
    }
  }
  for (const i of [previousUser, last]) if (i >= 0) markLastBlock(messages[i]);
}

/** Thinking blocks take no cache_control: the last block that can is marked. */
function markLastBlock(message: { content: unknown }): void {
  if (typeof message.content === 'string') {
    if (message.content) message.content = [{ type: 'text', text: message.content, cache_control: EPHEMERAL }];
    return;
  }
  const blocks = message.content as Array<Record<string, unknown>>;
  for (let i = blocks.length - 1; i >= 0; i--) {
    if (blocks[i].type === 'thinking' || blocks[i].type === 'redacted_thinking') continue;
    blocks[i] = { ...blocks[i], cache_control: EPHEMERAL };
    return;
  }
}

/** `none` is `{type: "none"}` (Anthropic's ToolChoiceNone: the model may not use tools). */
function messagesToolChoice(choice: ToolChoice): Record<string, unknown> {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.name };
}

/**
 * Content parts → Messages blocks. In a user turn the tool results come first (Messages requires
 * them at the start of the turn that answers the calls), then text and images in order. In an
 * assistant turn its thinking blocks come first, unchanged (with extended thinking on, Anthropic
 * requires the turn that made tool calls to start with them), or are left out when the request
 * does not think. Empty text blocks are left out: Messages refuses them.
 */
function messagesBlocks(role: ChatTurn['role'], parts: ContentPart[], thinking: boolean): Array<Record<string, unknown>> {
  const first: Array<Record<string, unknown>> = [];
  const blocks: Array<Record<string, unknown>> = [];
  for (const p of parts) {
    if ((p.type === 'thinking' || p.type === 'redactedThinking') && role === 'assistant') {
      if (!thinking) continue;
      first.push(p.type === 'thinking' ? { type: 'thinking', thinking: p.text, signature: p.signature } : { type: 'redacted_thinking', data: p.data });
    } else if (p.type === 'text') {
      if (p.text) blocks.push({ type: 'text', text: p.text });
    } else if (p.type === 'image' && role === 'user') {
      blocks.push({ type: 'image', source: { type: 'base64', media_type: p.mediaType, data: p.data } });
    } else if (p.type === 'toolCall' && role === 'assistant') {
      blocks.push({ type: 'tool_use', id: p.id, name: p.name, input: p.input ?? {} });
    } else if (p.type === 'toolResult' && role === 'user') {
      first.push({ type: 'tool_result', tool_use_id: p.toolCallId, content: p.content, ...(p.isError ? { is_error: true } : {}) });
    } else {
      throw misplacedPartError(p.type, role);
    }
  }
  return [...first, ...blocks];
}

const STOP: Record<string, EndReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'toolCalls',
  refusal: 'refusal',
};

interface MessagesPayload {
  type?: string;
  index?: number;
  message?: { usage?: Record<string, unknown> };
  content_block?: { type?: string; text?: string; thinking?: string; signature?: string; data?: string; id?: string; name?: string; input?: unknown };
  delta?: { type?: string; text?: string; thinking?: string; signature?: string; partial_json?: string; stop_reason?: string | null };
  usage?: Record<string, unknown>;
  error?: unknown;
}

/**
 * Messages events → StreamEvents. A `tool_use` block's `input_json_delta` fragments are assembled
 * and the call handed out complete at its `content_block_stop` (or at the end of the message if
 * that never comes). `server_tool_use` blocks are run by the server, not by us, so they are not
 * handed out as calls. A `thinking` block's text and its `signature_delta`, and a
 * `redacted_thinking` block's data, are kept and handed out as a `thinkingBlock` when it stops.
 */
export class MessagesDecoder implements StreamDecoder {
  private readonly usage: Usage = {};
  private readonly calls: ToolCallAssembler;
  /** Thinking and redacted_thinking blocks still open, by index. */
  private readonly thoughts = new Map<number, ThinkingBlock>();
  private stopReason: EndReason | undefined;
  private terminal = false;
  private sawOutput = false;
  private usageSent = false;

  constructor(private readonly secrets: ReadonlyArray<string | undefined> = []) {
    this.calls = new ToolCallAssembler('toolu_', secrets);
  }

  get done(): boolean {
    return this.terminal;
  }

  decode(ev: SseEvent): StreamEvent[] {
    if (this.terminal) return [];
    let p: MessagesPayload;
    try {
      p = JSON.parse(ev.data) as MessagesPayload;
    } catch {
      if (ev.event === 'error') return this.fail(errorFromStreamPayload(ev.data, this.secrets));
      return this.fail(malformedError(`invalid JSON in ${ev.event ?? 'an'} event`));
    }
    if (!p || typeof p !== 'object') return [];
    const type = typeof p.type === 'string' ? p.type : ev.event;
    const index = typeof p.index === 'number' ? p.index : 0;
    const out: StreamEvent[] = [];
    switch (type) {
      case 'message_start':
        addUsage(this.usage, p.message?.usage);
        break;
      case 'content_block_start': {
        const b = p.content_block;
        if (b?.type === 'text' && b.text) out.push({ type: 'text', text: b.text });
        else if (b?.type === 'thinking') {
          const text = typeof b.thinking === 'string' ? b.thinking : '';
          this.thoughts.set(index, { type: 'thinking', text, signature: typeof b.signature === 'string' ? b.signature : '' });
          if (text) out.push({ type: 'thinking', text });
        } else if (b?.type === 'redacted_thinking' && typeof b.data === 'string') this.thoughts.set(index, { type: 'redactedThinking', data: b.data });
        else if (b?.type === 'tool_use') this.calls.add(index, { id: b.id, name: b.name, startInput: b.input });
        break;
      }
      case 'content_block_delta': {
        const d = p.delta;
        const thought = this.thoughts.get(index);
        if (d?.type === 'text_delta' && d.text) out.push({ type: 'text', text: d.text });
        else if (d?.type === 'thinking_delta' && d.thinking) {
          if (thought?.type === 'thinking') thought.text += d.thinking;
          out.push({ type: 'thinking', text: d.thinking });
        } else if (d?.type === 'signature_delta' && typeof d.signature === 'string' && thought?.type === 'thinking') thought.signature = d.signature;
        else if (d?.type === 'input_json_delta' && this.calls.has(index)) this.calls.add(index, { arguments: d.partial_json });
        // citations_delta: nothing to show
        break;
      }
      case 'content_block_stop': {
        const block = this.thinkingBlock(index);
        if (block) out.push(block);
        const done = this.calls.complete(index);
        if (done && 'error' in done) return this.fail(done.error);
        if (done) out.push(done.call);
        break;
      }
      case 'message_delta':
        if (p.delta?.stop_reason) this.stopReason = STOP[p.delta.stop_reason] ?? 'unknown';
        addUsage(this.usage, p.usage);
        break;
      case 'message_stop':
        return this.end();
      case 'error':
        return this.fail(errorFromStreamPayload(p, this.secrets));
      default:
        break; // ping, unknown events
    }
    if (out.some((e) => e.type === 'text' || e.type === 'thinking')) this.sawOutput = true;
    return out;
  }

  finish(): StreamEvent[] {
    if (this.terminal) return [];
    // message_delta carried the stop reason: the reply is complete even without message_stop.
    if (this.stopReason !== undefined) return this.end();
    return this.fail(cutOffError('no message_stop'));
  }

  /** A thinking block that stopped, to hand out: only when it can be sent back (signed, or redacted). */
  private thinkingBlock(index: number): StreamEvent | undefined {
    const block = this.thoughts.get(index);
    this.thoughts.delete(index);
    if (!block || (block.type === 'thinking' && !block.signature)) return undefined;
    return { type: 'thinkingBlock', block };
  }

  private end(): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const index of [...this.thoughts.keys()]) {
      const block = this.thinkingBlock(index);
      if (block) out.push(block);
    }
    for (const done of this.calls.completeAll()) {
      if ('error' in done) return this.fail(done.error);
      out.push(done.call);
    }
    this.terminal = true;
    out.push(...this.usageEvent());
    out.push({ type: 'end', reason: this.stopReason ?? 'stop' });
    return out;
  }

  private fail(error: GmiErrorInfo): StreamEvent[] {
    this.calls.clear();
    this.thoughts.clear();
    this.terminal = true;
    return [{ type: 'error', error, partial: this.sawOutput }];
  }

  private usageEvent(): StreamEvent[] {
    if (this.usageSent || Object.keys(this.usage).length === 0) return [];
    this.usageSent = true;
    return [{ type: 'usage', usage: { ...this.usage } }];
  }
}

function addUsage(into: Usage, u: Record<string, unknown> | undefined): void {
  if (!u || typeof u !== 'object') return;
  if (typeof u.input_tokens === 'number') into.inputTokens = u.input_tokens;
  if (typeof u.output_tokens === 'number') into.outputTokens = u.output_tokens; // cumulative
  if (typeof u.cache_read_input_tokens === 'number') into.cachedTokens = u.cache_read_input_tokens;
  if (typeof u.cache_creation_input_tokens === 'number') into.cacheWriteTokens = u.cache_creation_input_tokens;
}

/** A whole Messages reply (`content` blocks) → the events its stream would have given. */
export function messagesReplyEvents(json: Record<string, unknown>, secrets: ReadonlyArray<string | undefined>): StreamEvent[] {
  const d = new MessagesDecoder(secrets);
  const events: StreamEvent[] = [];
  const usage = json.usage as Record<string, unknown> | undefined;
  const push = (v: unknown): void => void events.push(...d.decode({ data: JSON.stringify(v) }));
  push({ type: 'message_start', message: { usage } });
  const content = Array.isArray(json.content) ? (json.content as Array<Record<string, unknown>>) : [];
  content.forEach((b, index) => {
    if (b.type === 'text') push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } });
    else if (b.type === 'thinking' || b.type === 'redacted_thinking') {
      push({ type: 'content_block_start', index, content_block: b.type === 'thinking' ? { type: 'thinking', thinking: '', signature: '' } : b });
      if (b.type === 'thinking') {
        push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: b.thinking } });
        push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: b.signature } });
      }
      push({ type: 'content_block_stop', index });
    } else if (b.type === 'tool_use') {
      push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
      push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input ?? {}) } });
      push({ type: 'content_block_stop', index });
    }
  });
  push({ type: 'message_delta', delta: { stop_reason: json.stop_reason ?? 'end_turn' }, usage });
  push({ type: 'message_stop' });
  return events;
}
