// POST {base}/chat/completions: request builder and a stateful SSE → StreamEvent decoder.
import { errorFromStreamPayload } from './errors';
import type { SseEvent } from './sse';
import type { ChatRequest, EndReason, GmiErrorInfo, StreamEvent, Usage } from './types';

export interface AuthOptions {
  apiKey: string;
  organizationId?: string;
  userAgent?: string;
}

export interface BuiltRequest {
  /** Path relative to the base URL. */
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function commonHeaders(auth: AuthOptions): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    authorization: `Bearer ${auth.apiKey}`,
  };
  if (auth.organizationId) h['x-organization-id'] = auth.organizationId;
  if (auth.userAgent) h['user-agent'] = auth.userAgent;
  return h;
}

export function buildChatCompletionsRequest(req: ChatRequest, auth: AuthOptions): BuiltRequest {
  const messages: Array<{ role: string; content: string }> = [];
  if (req.system) messages.push({ role: 'system', content: req.system });
  for (const m of req.messages) messages.push({ role: m.role, content: m.content });
  const body: Record<string, unknown> = {
    model: req.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  return { path: 'chat/completions', headers: commonHeaders(auth), body };
}

const FINISH: Record<string, EndReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'toolCalls',
  function_call: 'toolCalls',
  content_filter: 'contentFilter',
};

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Splits `content` deltas into text and thinking for models that inline `<think>…</think>`.
 * A tag may arrive split across deltas, so a possible tag prefix at the end of a delta is held
 * back until the next one. An opening tag counts only before any visible text (that is where
 * such models put it); after that `<think>` is ordinary text, e.g. in code.
 */
export class ThinkTagSplitter {
  private inside = false;
  private sawText = false;
  private held = '';
  private afterThink = false;

  push(delta: string): StreamEvent[] {
    let s = this.held + delta;
    this.held = '';
    const out: StreamEvent[] = [];
    while (s.length > 0) {
      if (this.inside) {
        const i = s.indexOf(CLOSE);
        if (i >= 0) {
          emit(out, 'thinking', s.slice(0, i));
          s = s.slice(i + CLOSE.length);
          this.inside = false;
          this.afterThink = true;
          continue;
        }
        const keep = partialSuffix(s, CLOSE);
        emit(out, 'thinking', s.slice(0, s.length - keep));
        this.held = s.slice(s.length - keep);
        break;
      }
      if (this.sawText) {
        emit(out, 'text', s);
        break;
      }
      // the answer usually follows the thinking after a blank line; drop that whitespace
      if (this.afterThink) s = s.replace(/^\s+/, '');
      if (!s) break;
      const lead = /^\s*/.exec(s)![0];
      const rest = s.slice(lead.length);
      if (rest.startsWith(OPEN)) {
        this.inside = true;
        s = rest.slice(OPEN.length);
        continue;
      }
      if (rest.length === 0 || OPEN.startsWith(rest)) {
        this.held = s; // only whitespace or the start of "<think>" so far
        break;
      }
      this.sawText = true;
      emit(out, 'text', s);
      break;
    }
    return out;
  }

  /** End of content: whatever is held back is what it looked like. */
  flush(): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (this.held) emit(out, this.inside ? 'thinking' : 'text', this.held);
    this.held = '';
    return out;
  }
}

function emit(out: StreamEvent[], type: 'text' | 'thinking', text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.type === type) last.text += text;
  else out.push({ type, text });
}

/** Length of the longest suffix of `s` that is a proper prefix of `tag`. */
function partialSuffix(s: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, s.length); n > 0; n--) {
    if (s.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

/** Something a stream decoder can be: turns SSE events into StreamEvents, knows when it is done. */
export interface StreamDecoder {
  decode(event: SseEvent): StreamEvent[];
  /** The body ended; returns the terminal event if the stream had none yet. */
  finish(): StreamEvent[];
  /** A terminal event (end or error) has been produced. */
  readonly done: boolean;
}

/** Error for a stream that stopped before its end marker. */
export function cutOffError(what: string): GmiErrorInfo {
  return {
    kind: 'stream',
    message: `The reply was cut off: the connection closed before GMI finished (${what}). Try again.`,
    action: 'retry',
  };
}

export function malformedError(detail: string): GmiErrorInfo {
  return {
    kind: 'stream',
    message: `GMI sent a malformed stream event (${detail}). Try again.`,
    action: 'retry',
  };
}

export class ChatCompletionsDecoder implements StreamDecoder {
  private readonly think = new ThinkTagSplitter();
  private finishReason: EndReason | undefined;
  private usageSent = false;
  private terminal = false;
  private sawOutput = false;

  constructor(private readonly secrets: ReadonlyArray<string | undefined> = []) {}

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
        delta?: {
          content?: unknown;
          reasoning_content?: unknown;
          reasoning?: unknown;
          tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
        };
        finish_reason?: string | null;
      }>;
      usage?: {
        prompt_tokens?: number;
        completion_tokens?: number;
        prompt_tokens_details?: { cached_tokens?: number } | null;
        completion_tokens_details?: { reasoning_tokens?: number } | null;
      } | null;
    };
    const out: StreamEvent[] = [];
    const choice = Array.isArray(c.choices) ? c.choices[0] : undefined;
    const delta = choice?.delta;
    if (delta) {
      const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : typeof delta.reasoning === 'string' ? delta.reasoning : '';
      if (reasoning) out.push({ type: 'thinking', text: reasoning });
      if (typeof delta.content === 'string' && delta.content) out.push(...this.think.push(delta.content));
      if (Array.isArray(delta.tool_calls)) {
        for (const t of delta.tool_calls) {
          const call: StreamEvent = { type: 'toolCall', index: typeof t.index === 'number' ? t.index : 0, argumentsDelta: t.function?.arguments ?? '' };
          if (t.id) call.id = t.id;
          if (t.function?.name) call.name = t.function.name;
          out.push(call);
        }
      }
    }
    if (choice?.finish_reason) {
      out.push(...this.think.flush());
      this.finishReason = FINISH[choice.finish_reason] ?? 'unknown';
    }
    if (c.usage && typeof c.usage === 'object' && !this.usageSent) {
      this.usageSent = true;
      out.push({ type: 'usage', usage: chatUsage(c.usage) });
    }
    if (out.some((e) => e.type === 'text' || e.type === 'thinking')) this.sawOutput = true;
    return out;
  }

  finish(): StreamEvent[] {
    if (this.terminal) return [];
    // Some gateways skip [DONE]; a finish_reason already says the reply is complete.
    if (this.finishReason !== undefined) return this.end();
    const out = this.think.flush();
    this.terminal = true;
    out.push({ type: 'error', error: cutOffError('no [DONE]'), partial: this.sawOutput || out.length > 0 });
    return out;
  }

  private end(): StreamEvent[] {
    const out = this.think.flush();
    this.terminal = true;
    out.push({ type: 'end', reason: this.finishReason ?? 'stop' });
    return out;
  }

  private fail(error: GmiErrorInfo): StreamEvent[] {
    const out = this.think.flush();
    this.terminal = true;
    out.push({ type: 'error', error, partial: this.sawOutput || out.length > 0 });
    return out;
  }
}

function chatUsage(u: NonNullable<unknown>): Usage {
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
