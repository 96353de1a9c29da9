// Shared by test/unit/sdk-crosscheck*.test.ts: the official SDKs and our client read the same bytes
// from the loopback server, and what each accumulates is brought to one comparable shape.
import * as assert from 'node:assert/strict';
import type { GmiClient } from '../../../src/gmi/client';
import type { EndReason, StreamEvent, WireApi } from '../../../src/gmi/types';
import type { FakeGmi } from '../../fake-gmi/server';

/** What a client made of one streamed reply. Usage keys a format does not report are absent. */
export interface Reading {
  text: string;
  thinking: string;
  toolCalls: Array<{ id: string; name: string; input: unknown }>;
  usage: { input?: number; output?: number; cached?: number; cacheWrite?: number; reasoning?: number };
  stop: EndReason;
  /** The order things came in: `thinking` / `text` runs (merged while they go on) and each tool call. */
  order: Array<'thinking' | 'text' | 'toolCall'>;
}

/** Appends to an order: a run of thinking or text counts once, every tool call counts. */
export function noteOrder(order: Reading['order'], kind: Reading['order'][number]): void {
  if (kind === 'toolCall' || order[order.length - 1] !== kind) order.push(kind);
}

/** Drops undefined and null values, so "not reported" compares equal however a client spells it. */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as { [K in keyof T]?: NonNullable<T[K]> };
}

/**
 * A `fetch` for an SDK client that hands the SDK the response unchanged and keeps a copy of every
 * response body's bytes, so the very bytes the SDK parsed can be replayed to our client.
 */
export function recordingFetch(): { fetch: typeof fetch; bodies(): Promise<string[]> } {
  const copies: Array<Promise<string>> = [];
  const recording = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    if (!res.body) return res;
    const [forSdk, forUs] = res.body.tee();
    copies.push(new Response(forUs).arrayBuffer().then((b) => utf8Exactly(Buffer.from(b))));
    return new Response(forSdk, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { fetch: recording as typeof fetch, bodies: () => Promise.all(copies) };
}

/** The body as text; it is replayed as a string, so it must encode back to exactly the bytes received. */
function utf8Exactly(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  assert.ok(Buffer.from(text, 'utf8').equals(bytes), 'the recorded body is valid UTF-8');
  return text;
}

/**
 * Our whole client (transport, SSE decoder, the format's decoder) reads `raw` exactly as recorded,
 * written by the loopback server in writes of `chunkBytes` bytes (splitting lines, events and
 * UTF-8 characters).
 */
export async function ourReading(fake: FakeGmi, client: GmiClient, api: WireApi, model: string, raw: string, chunkBytes: number): Promise<Reading> {
  fake.enqueue({ rawEvents: raw, rawChunkBytes: chunkBytes });
  const events: StreamEvent[] = [];
  for await (const ev of client.stream({ model, api, messages: [{ role: 'user', content: 'replay' }] })) events.push(ev);
  return readingOf(events);
}

/** Our events → a Reading; an error event fails the test with its message. */
export function readingOf(events: StreamEvent[]): Reading {
  const last = events[events.length - 1];
  if (last?.type === 'error') assert.fail(`our client ended in an error: ${last.error.message}`);
  assert.ok(last?.type === 'end', 'our stream ends with an end event');
  const usages = events.filter((e): e is Extract<StreamEvent, { type: 'usage' }> => e.type === 'usage');
  assert.ok(usages.length <= 1, 'usage is reported once');
  const u = usages[0]?.usage ?? {};
  const order: Reading['order'] = [];
  for (const e of events) if (e.type === 'text' || e.type === 'thinking' || e.type === 'toolCall') noteOrder(order, e.type);
  return {
    text: events.map((e) => (e.type === 'text' ? e.text : '')).join(''),
    thinking: events.map((e) => (e.type === 'thinking' ? e.text : '')).join(''),
    toolCalls: events.flatMap((e) => (e.type === 'toolCall' ? [{ id: e.id, name: e.name, input: e.input }] : [])),
    usage: defined({ input: u.inputTokens, output: u.outputTokens, cached: u.cachedTokens, cacheWrite: u.cacheWriteTokens, reasoning: u.reasoningTokens }),
    stop: last.reason,
    order,
  };
}

/**
 * What the documented stop values mean, written out here from the formats' references (not taken
 * from src), so the SDK's raw value can be compared with our EndReason.
 */
export const OPENAI_FINISH_MEANS: Record<string, EndReason> = { stop: 'stop', length: 'length', tool_calls: 'toolCalls', content_filter: 'contentFilter' };
export const ANTHROPIC_STOP_MEANS: Record<string, EndReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'toolCalls',
  refusal: 'refusal',
};
