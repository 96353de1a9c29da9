// A plain-Node harness for the provider's responder: a scripted client, a cancellation token, the
// fake part classes, and what the responder reported and logged.
import type { StreamingClient } from '../../../src/chat/chatService';
import type { ChatRequest, StreamEvent } from '../../../src/gmi/types';
import type { PrepareBlocked, PreparedChat, ResponderDeps } from '../../../src/provider/responder';
import { InlineReasoningModels } from '../../../src/provider/responseParts';
import type { LmChatInformation, LmPartClasses } from '../../../src/provider/vscodeLm';
import { UsageTracker } from '../../../src/usage/usageTracker';
import { classes, errors } from './fakeLm';

export const KEY = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWtleS1wYXlsb2Fk.c2lnbmF0dXJl';

export class ScriptedClient implements StreamingClient {
  readonly requests: ChatRequest[] = [];
  signal: AbortSignal | undefined;
  constructor(private readonly script: (signal: AbortSignal) => AsyncIterable<StreamEvent>) {}
  stream(request: ChatRequest, options?: { signal?: AbortSignal }): AsyncIterable<StreamEvent> {
    this.requests.push(structuredClone(request));
    this.signal = options?.signal;
    return this.script(options!.signal!);
  }
}

export async function* events(...list: StreamEvent[]): AsyncIterable<StreamEvent> {
  for (const e of list) yield e;
}

export class Token {
  isCancellationRequested = false;
  private readonly listeners = new Set<() => void>();
  onCancellationRequested(l: () => void) {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  cancel() {
    this.isCancellationRequested = true;
    for (const l of this.listeners) l();
  }
  get listening() {
    return this.listeners.size;
  }
}

export function model(id = 'anthropic/claude-sonnet-4.5', imageInput = true): LmChatInformation {
  return { id, name: id, family: 'f', version: id, maxInputTokens: 100_000, maxOutputTokens: 32_000, capabilities: { toolCalling: true, imageInput } };
}

export interface Harness {
  deps: ResponderDeps;
  parts: unknown[];
  logs: string[];
  usage: UsageTracker;
  prepared: number;
}

export function harness(
  client: StreamingClient | PrepareBlocked,
  opts: { parts?: LmPartClasses; prepared?: Partial<PreparedChat>; inlineReasoning?: InlineReasoningModels } = {},
): Harness {
  const h: Harness = { parts: [], logs: [], usage: new UsageTracker(), prepared: 0, deps: undefined as unknown as ResponderDeps };
  h.deps = {
    parts: opts.parts ?? classes,
    errors,
    prepare: async () => {
      h.prepared++;
      if ('blocked' in client) return client;
      return { client, api: 'messages', maxOutputTokens: 32_000, ...opts.prepared };
    },
    usage: h.usage,
    inlineReasoning: opts.inlineReasoning ?? new InlineReasoningModels(),
    log: {
      info: (m) => h.logs.push(`info ${m}`),
      warn: (m) => h.logs.push(`warn ${m}`),
      debug: (m) => h.logs.push(`debug ${m}`),
      redact: (t) => t.split(KEY).join('[redacted]'),
    },
  };
  return h;
}

export const progressOf = (h: Harness) => ({ report: (p: unknown) => void h.parts.push(p) });

