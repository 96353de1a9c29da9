// The retry waits with the client's real sleep (no injected one), on @sinonjs/fake-timers: the next
// attempt goes out exactly when the delay is over — not a millisecond earlier — and a Stop during
// the wait clears its timer at once. Only setTimeout/clearTimeout are faked, so sockets and the
// loopback server run for real.
import * as assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { GmiClient } from '../../src/gmi/client';
import type { ChatRequest, StreamEvent } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import './helpers/unhandledRejections';

const REQUEST: ChatRequest = { model: 'deepseek-ai/DeepSeek-V3.2', api: 'chatCompletions', messages: [{ role: 'user', content: 'hi' }] };

/** Lets real I/O (the server answering, the client reading) happen without moving the fake clock. */
async function settle(fake: FakeGmi, until: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !until(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(until(), `condition not reached (requests: ${fake.requests.length})`);
}

describe('reliability: retry delays on a fake clock (real sleep)', function () {
  this.timeout(30_000);
  let fake: FakeGmi;
  let clock: ReturnType<typeof FakeTimers.install>;
  let client: GmiClient;

  beforeEach(async () => {
    fake = await startFakeGmi();
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(async () => {
    clock.uninstall();
    await client?.close();
    await fake.close();
  });

  /** Reads events until a `retry` arrives; returns it and the pending next() (which now sleeps). */
  async function untilRetry(it: AsyncIterator<StreamEvent>): Promise<{ retry: Extract<StreamEvent, { type: 'retry' }>; next: Promise<IteratorResult<StreamEvent>> }> {
    for (;;) {
      const r = await it.next();
      assert.ok(!r.done, 'stream ended before a retry');
      if (r.value.type === 'retry') return { retry: r.value, next: it.next() };
    }
  }

  /** The next attempt must not go out before `delayMs` has passed on the clock, and must go out right at it. */
  async function expectAttemptAfter(delayMs: number, attemptsSoFar: number): Promise<void> {
    await settle(fake, () => clock.countTimers() > 0);
    await clock.tickAsync(delayMs - 1);
    // Give a request sent too early every chance to reach the loopback server.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fake.requests.length, attemptsSoFar, `no new attempt after ${delayMs - 1} ms`);
    await clock.tickAsync(1);
    await settle(fake, () => fake.requests.length === attemptsSoFar + 1);
  }

  it('Retry-After: 2 → the second attempt goes out at exactly 2000 ms, retry-after-ms: 1234 → at 1234 ms', async () => {
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', random: () => 0.5 });
    fake.enqueue({ status: 503, headers: { 'retry-after': '2' } }, { status: 429, headers: { 'retry-after-ms': '1234' } }, { text: 'finally' });
    const it = client.stream(REQUEST)[Symbol.asyncIterator]();

    const first = await untilRetry(it);
    assert.deepEqual([first.retry.attempt, first.retry.delayMs], [1, 2000]);
    await expectAttemptAfter(2000, 1);
    const firstNext = await first.next;
    assert.ok(!firstNext.done && firstNext.value.type === 'retry');
    assert.deepEqual([firstNext.value.attempt, firstNext.value.delayMs], [2, 1234]);
    const secondNext = it.next();
    await expectAttemptAfter(1234, 2);

    const rest: StreamEvent[] = [];
    for (let r = await secondNext; !r.done; r = await it.next()) rest.push(r.value);
    assert.equal(rest.map((e) => (e.type === 'text' ? e.text : '')).join(''), 'finally');
    assert.deepEqual(rest.at(-1), { type: 'end', reason: 'stop' });
  });

  it('backoff with jitter: 438 ms, then 875 ms (random = 0.5), then the error', async () => {
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', random: () => 0.5 });
    fake.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
    const it = client.stream(REQUEST)[Symbol.asyncIterator]();
    const first = await untilRetry(it);
    assert.equal(first.retry.delayMs, 438);
    await expectAttemptAfter(438, 1);
    const second = await first.next;
    assert.ok(!second.done && second.value.type === 'retry' && second.value.delayMs === 875);
    const last = it.next();
    await expectAttemptAfter(875, 2);
    const end = await last;
    assert.ok(!end.done && end.value.type === 'error' && end.value.error.kind === 'server');
    assert.equal((await it.next()).done, true);
    assert.equal(fake.requests.length, 3, 'never more than maxRetries (2)');
  });

  it('Stop during the wait ends at once with cancelled and clears the timer', async () => {
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', random: () => 0.5 });
    fake.enqueue({ status: 503, headers: { 'retry-after': '30' } }, { text: 'never' });
    const controller = new AbortController();
    const it = client.stream(REQUEST, { signal: controller.signal })[Symbol.asyncIterator]();
    const { retry, next } = await untilRetry(it);
    assert.equal(retry.delayMs, 30_000);
    await settle(fake, () => clock.countTimers() > 0);
    const pending = clock.countTimers();
    controller.abort();
    const r = await next; // no clock movement needed
    assert.ok(!r.done);
    assert.deepEqual(r.value, { type: 'end', reason: 'cancelled' });
    assert.equal(clock.countTimers(), pending - 1, 'the retry timer was cleared');
    assert.equal(fake.requests.length, 1);
  });
});
