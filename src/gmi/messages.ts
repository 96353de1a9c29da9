// POST {base}/messages (Anthropic Messages): request builder and a stateful SSE → StreamEvent decoder.
import { catalogEntry } from './catalog';
import { commonHeaders, cutOffError, malformedError, type AuthOptions, type BuiltRequest, type StreamDecoder } from './chatCompletions';
import { errorFromStreamPayload } from './errors';
import type { SseEvent } from './sse';
import type { ChatRequest, EndReason, GmiErrorInfo, StreamEvent, Usage } from './types';

export const ANTHROPIC_VERSION = '2023-06-01';
/** max_tokens when neither the request nor the catalog says anything. */
export const DEFAULT_MAX_TOKENS = 8192;
/** Anthropic's smallest thinking budget. */
const MIN_THINKING_BUDGET = 1024;
/** Room for the answer when max_tokens must grow past the thinking budget. */
const ANSWER_ROOM = 4096;

/**
 * max_tokens (required by Messages) and the thinking budget, made consistent:
 * the catalog's max output (else 8192), capped by the request's maxTokens; with thinking,
 * max_tokens must exceed the budget, so it grows (within the catalog limit) or the budget shrinks.
 */
export function messagesTokenLimits(req: Pick<ChatRequest, 'model' | 'maxTokens' | 'thinkingBudgetTokens'>): {
  maxTokens: number;
  thinkingBudget?: number;
} {
  const modelMax = catalogEntry(req.model)?.maxOutputTokens;
  let maxTokens = modelMax ?? DEFAULT_MAX_TOKENS;
  if (req.maxTokens !== undefined && req.maxTokens > 0) {
    maxTokens = modelMax !== undefined ? Math.min(req.maxTokens, modelMax) : req.maxTokens;
  }
  maxTokens = Math.max(1, Math.floor(maxTokens));
  if (req.thinkingBudgetTokens === undefined || req.thinkingBudgetTokens <= 0) return { maxTokens };
  let budget = Math.max(MIN_THINKING_BUDGET, Math.floor(req.thinkingBudgetTokens));
  if (maxTokens <= budget) {
    const wanted = budget + ANSWER_ROOM;
    maxTokens = modelMax !== undefined ? Math.min(wanted, modelMax) : wanted;
  }
  if (maxTokens <= budget) budget = maxTokens - 1;
  return { maxTokens, thinkingBudget: budget };
}

export function buildMessagesRequest(req: ChatRequest, auth: AuthOptions): BuiltRequest {
  const { maxTokens, thinkingBudget } = messagesTokenLimits(req);
  const body: Record<string, unknown> = {
    model: req.model,
    max_tokens: maxTokens,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    stream: true,
  };
  if (req.system) body.system = req.system;
  if (thinkingBudget !== undefined) {
    body.thinking = { type: 'enabled', budget_tokens: thinkingBudget };
  } else if (req.temperature !== undefined) {
    body.temperature = req.temperature; // not allowed together with extended thinking
  }
  const headers = { ...commonHeaders(auth), 'x-api-key': auth.apiKey, 'anthropic-version': ANTHROPIC_VERSION };
  return { path: 'messages', headers, body };
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
  content_block?: { type?: string; text?: string; thinking?: string; id?: string; name?: string };
  delta?: { type?: string; text?: string; thinking?: string; partial_json?: string; stop_reason?: string | null };
  usage?: Record<string, unknown>;
  error?: unknown;
}

export class MessagesDecoder implements StreamDecoder {
  private readonly usage: Usage = {};
  private stopReason: EndReason | undefined;
  private terminal = false;
  private sawOutput = false;
  private usageSent = false;

  constructor(private readonly secrets: ReadonlyArray<string | undefined> = []) {}

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
    const out: StreamEvent[] = [];
    switch (type) {
      case 'message_start':
        addUsage(this.usage, p.message?.usage);
        break;
      case 'content_block_start': {
        const b = p.content_block;
        const index = typeof p.index === 'number' ? p.index : 0;
        if (b?.type === 'text' && b.text) out.push({ type: 'text', text: b.text });
        else if (b?.type === 'thinking' && b.thinking) out.push({ type: 'thinking', text: b.thinking });
        else if (b?.type === 'tool_use' || b?.type === 'server_tool_use') {
          out.push({ type: 'toolCall', index, id: b.id, name: b.name, argumentsDelta: '' });
        }
        break;
      }
      case 'content_block_delta': {
        const d = p.delta;
        const index = typeof p.index === 'number' ? p.index : 0;
        if (d?.type === 'text_delta' && d.text) out.push({ type: 'text', text: d.text });
        else if (d?.type === 'thinking_delta' && d.thinking) out.push({ type: 'thinking', text: d.thinking });
        else if (d?.type === 'input_json_delta' && typeof d.partial_json === 'string') {
          out.push({ type: 'toolCall', index, argumentsDelta: d.partial_json });
        }
        // signature_delta, citations_delta: nothing to show
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
        break; // ping, content_block_stop, unknown events
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

  private end(): StreamEvent[] {
    this.terminal = true;
    const out = this.usageEvent();
    out.push({ type: 'end', reason: this.stopReason ?? 'stop' });
    return out;
  }

  private fail(error: GmiErrorInfo): StreamEvent[] {
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
}
