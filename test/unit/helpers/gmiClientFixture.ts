// A GmiClient against a fresh fake GMI server per test, with injected sleep and random (retries
// are instant and recorded) and a log that must never hold the key. Shared by the client's tests.
import * as assert from 'node:assert/strict';
import { GmiClient, type GmiClientOptions } from '../../../src/gmi/client';
import type { ChatRequest, StreamEvent, WireApi } from '../../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../../fake-gmi/server';

export const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQtdGVzdCJ9.c2VjcmV0LXNpZ25hdHVyZQ';

export async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}
export const textOf = (events: StreamEvent[], type: 'text' | 'thinking' = 'text'): string =>
  events.map((e) => (e.type === type ? e.text : '')).join('');
export const last = (events: StreamEvent[]): StreamEvent => events[events.length - 1];
export function terminalCount(events: StreamEvent[]): number {
  return events.filter((e) => e.type === 'end' || e.type === 'error').length;
}
export function errorOf(events: StreamEvent[]): Extract<StreamEvent, { type: 'error' }> {
  const e = last(events);
  assert.equal(e.type, 'error', `expected an error, got ${JSON.stringify(e)}`);
  return e as Extract<StreamEvent, { type: 'error' }>;
}

export function request(api: WireApi, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: api === 'messages' ? 'anthropic/claude-sonnet-4.5' : 'deepseek-ai/DeepSeek-V3.2',
    api,
    system: 'You are a test.',
    messages: [{ role: 'user', content: 'Hello 😀 世界' }],
    ...extra,
  };
}

export interface GmiClientFixture {
  /** This test's fake server. */
  readonly fake: FakeGmi;
  /** What the clients logged in this test. */
  readonly logs: string[];
  /** The retry waits asked for in this test (ms); nothing actually waits. */
  readonly sleeps: number[];
  /** A client of this test's server (closed after the test). */
  client(options?: Partial<GmiClientOptions>): GmiClient;
  /** Closes `c` after the test (a client made with options of its own). */
  track(c: GmiClient): GmiClient;
  /** Closes this test's server and starts another (its old port is then closed). */
  restart(options?: Parameters<typeof startFakeGmi>[0]): Promise<void>;
}

/** Registers the hooks in the calling `describe` and returns this test's server, clients and records. */
export function useGmiClientFixture(): GmiClientFixture {
  let fake: FakeGmi | undefined;
  let logs: string[] = [];
  let sleeps: number[] = [];
  const clients: GmiClient[] = [];
  beforeEach(async () => {
    fake = await startFakeGmi();
    logs = [];
    sleeps = [];
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await fake?.close();
    for (const line of logs) assert.ok(!line.includes(KEY), `key in log line: ${line}`);
  });
  const track = (c: GmiClient): GmiClient => {
    clients.push(c);
    return c;
  };
  return {
    get fake() {
      if (!fake) throw new Error('the fake server starts in beforeEach');
      return fake;
    },
    get logs() {
      return logs;
    },
    get sleeps() {
      return sleeps;
    },
    track,
    restart: async (options) => {
      await fake?.close();
      fake = await startFakeGmi(options);
    },
    client: (options = {}) =>
      track(
        new GmiClient({
          baseUrl: fake!.baseUrl,
          apiKey: KEY,
          sleep: async (ms) => void sleeps.push(ms),
          random: () => 0,
          logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
          ...options,
        }),
      ),
  };
}
