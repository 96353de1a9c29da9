// Streamed tool calls → complete calls. Both wire formats send a call's arguments as JSON text in
// fragments (Chat Completions `tool_calls[i].function.arguments` by index, Messages
// `input_json_delta.partial_json` by content block) that only parse once complete. The decoders
// collect them here and hand out each call whole, or an error — never a half-parsed object.
import { redact } from './errors';
import type { GmiErrorInfo, StreamEvent } from './types';

export type ToolCallEvent = Extract<StreamEvent, { type: 'toolCall' }>;
export type CompletedCall = { call: ToolCallEvent } | { error: GmiErrorInfo };

/** Longest tool name quoted in an error message. */
const MAX_NAME_IN_MESSAGE = 64;

/** A tool name as quoted in a message: it is model output, so only name characters, capped. */
function quotedName(name: string, secrets: ReadonlyArray<string | undefined>): string {
  const safe = redact(name, secrets).replace(/[^\w.:/-]/g, '?');
  return safe.length > MAX_NAME_IN_MESSAGE ? `${safe.slice(0, MAX_NAME_IN_MESSAGE - 1)}…` : safe;
}

function toolCallError(message: string): GmiErrorInfo {
  return { kind: 'stream', message, action: 'retry' };
}

/**
 * Complete argument text → the call's input. Empty text is `{}` (a call without arguments);
 * anything that is not a JSON object is an error naming the tool.
 */
export function parseToolInput(name: string, json: string, secrets: ReadonlyArray<string | undefined> = []): { input: Record<string, unknown> } | { error: GmiErrorInfo } {
  const text = json.trim();
  if (text === '') return { input: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: toolCallError(`GMI sent a call to tool \`${quotedName(name, secrets)}\` whose arguments are not valid JSON. Try again.`) };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { error: toolCallError(`GMI sent a call to tool \`${quotedName(name, secrets)}\` whose arguments are not a JSON object. Try again.`) };
  }
  return { input: value as Record<string, unknown> };
}

interface PendingCall {
  id?: string;
  name?: string;
  json: string;
  /** Input that came whole with the call's start (used only when no fragments follow). */
  startInput?: Record<string, unknown>;
}

/** Collects tool-call fragments by key (Chat Completions index, Messages content-block index). */
export class ToolCallAssembler {
  private readonly pending = new Map<number, PendingCall>();

  /** `idPrefix` names calls the server sent without an id (`call_0`, `toolu_2`). */
  constructor(
    private readonly idPrefix: string,
    private readonly secrets: ReadonlyArray<string | undefined> = [],
  ) {}

  get size(): number {
    return this.pending.size;
  }

  has(key: number): boolean {
    return this.pending.has(key);
  }

  /** Adds what a fragment says: a later id or name replaces an earlier one, argument text is appended. */
  add(key: number, fragment: { id?: unknown; name?: unknown; arguments?: unknown; startInput?: unknown }): void {
    let call = this.pending.get(key);
    if (!call) {
      call = { json: '' };
      this.pending.set(key, call);
    }
    if (typeof fragment.id === 'string' && fragment.id) call.id = fragment.id;
    if (typeof fragment.name === 'string' && fragment.name) call.name = fragment.name;
    if (typeof fragment.arguments === 'string') call.json += fragment.arguments;
    const start = fragment.startInput;
    if (start && typeof start === 'object' && !Array.isArray(start) && Object.keys(start).length > 0) {
      call.startInput = start as Record<string, unknown>;
    }
  }

  /** The call with this key, complete (and forgotten), or undefined when there is none. */
  complete(key: number): CompletedCall | undefined {
    const call = this.pending.get(key);
    if (!call) return undefined;
    this.pending.delete(key);
    if (!call.name) return { error: toolCallError('GMI sent a tool call without a tool name. Try again.') };
    const parsed = call.json.trim() === '' && call.startInput ? { input: call.startInput } : parseToolInput(call.name, call.json, this.secrets);
    if ('error' in parsed) return parsed;
    return { call: { type: 'toolCall', id: call.id ?? `${this.idPrefix}${key}`, name: call.name, input: parsed.input } };
  }

  /** Every pending call, complete, in key order. */
  completeAll(): CompletedCall[] {
    const keys = [...this.pending.keys()].sort((a, b) => a - b);
    return keys.map((k) => this.complete(k)!);
  }

  /** Forgets what is pending (the stream failed: half-sent calls are never handed out). */
  clear(): void {
    this.pending.clear();
  }
}
