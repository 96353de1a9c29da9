// The client's retry path (Retry-After, backoff, what is and is not retried) and its endings
// without a reply: cancellation, timeouts, a retry wait cut short.
import * as assert from 'node:assert/strict';
import { GmiClient } from '../../src/gmi/client';
import type { StreamEvent } from '../../src/gmi/types';
import { useGmiClientFixture, KEY, collect, textOf, last, terminalCount, errorOf, request } from './helpers/gmiClientFixture';
import './helpers/unhandledRejections';

describe('gmi/client through the fake server: retries and cancellation', function () {
  const fx = useGmiClientFixture();

  describe('retries', () => {
    it('honours Retry-After and retry-after-ms, emitting retry events', async () => {
      fx.fake.enqueue({ status: 503, headers: { 'retry-after': '2' } }, { status: 429, headers: { 'retry-after-ms': '1234' } }, { text: 'finally' });
      const events = await collect(fx.client().stream(request('chatCompletions')));
      assert.deepEqual(fx.sleeps, [2000, 1234]);
      const retries = events.filter((e) => e.type === 'retry');
      assert.deepEqual(
        retries.map((e) => e.type === 'retry' && [e.attempt, e.delayMs]),
        [
          [1, 2000],
          [2, 1234],
        ],
      );
      assert.ok(retries.every((e) => e.type === 'retry' && e.reason.length > 0));
      assert.equal(textOf(events), 'finally');
      assert.equal(last(events).type, 'end');
      assert.equal(fx.fake.requests.length, 3);
      assert.ok(fx.logs.some((l) => /retry 1\/2 in 2000 ms/.test(l)));
    });

    it('backs off exponentially without server hints', async () => {
      fx.fake.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
      const events = await collect(fx.client({ maxRetries: 2, random: () => 0 }).stream(request('chatCompletions')));
      assert.deepEqual(fx.sleeps, [500, 1000]);
      assert.equal(errorOf(events).error.kind, 'server');
    });

    it('x-should-retry: true retries a 400, false stops a 503', async () => {
      fx.fake.enqueue({ status: 400, headers: { 'x-should-retry': 'true' } }, { text: 'ok' });
      const first = await collect(fx.client().stream(request('chatCompletions')));
      assert.equal(textOf(first), 'ok');
      assert.equal(fx.fake.requests.length, 2);

      fx.fake.enqueue({ status: 503, headers: { 'x-should-retry': 'false' } }, { text: 'never used' });
      const second = await collect(fx.client().stream(request('chatCompletions')));
      assert.equal(errorOf(second).error.kind, 'server');
      assert.equal(fx.fake.requests.length, 3);
    });

    it('retries a connection dropped before any response', async () => {
      fx.fake.enqueue({ destroyBeforeHeaders: true }, { text: 'second try' });
      const events = await collect(fx.client().stream(request('messages')));
      assert.equal(events[0].type, 'retry');
      assert.equal(textOf(events), 'second try');
      assert.equal(fx.fake.requests.length, 2);
    });

    it('retries a body that breaks before the first event, not after', async () => {
      fx.fake.enqueue({ resetAfterChunks: 0 }, { text: 'abcdefgh', chunkSize: 2, resetAfterChunks: 2 }, { text: 'not reached' });
      const events = await collect(fx.client().stream(request('chatCompletions')));
      assert.equal(events.filter((e) => e.type === 'retry').length, 1);
      assert.equal(textOf(events), 'abcd');
      const err = errorOf(events);
      assert.equal(err.error.kind, 'stream');
      assert.match(err.error.message, /cut off/);
      assert.equal(err.partial, true);
      assert.equal(fx.fake.requests.length, 2);
    });

    it('gives up after maxRetries connection failures with a network error', async () => {
      fx.fake.enqueue({ destroyBeforeHeaders: true }, { destroyBeforeHeaders: true });
      const events = await collect(fx.client({ maxRetries: 1 }).stream(request('chatCompletions')));
      assert.equal(events.filter((e) => e.type === 'retry').length, 1);
      assert.equal(errorOf(events).error.kind, 'network');
    });

    it('a refused connection is a network error', async () => {
      const port = fx.fake.port;
      await fx.restart(); // the old port is now closed
      const events = await collect(fx.client({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }).stream(request('chatCompletions')));
      const err = errorOf(events);
      assert.equal(err.error.kind, 'network');
      assert.match(err.error.message, /ECONNREFUSED/);
    });
  });

  describe('cancellation and timeouts', () => {
    it('abort mid-stream closes the socket and ends with cancelled', async () => {
      fx.fake.enqueue({ text: 'x'.repeat(400), chunkSize: 4, delayMs: 10 });
      const controller = new AbortController();
      const events: StreamEvent[] = [];
      for await (const e of fx.client().stream(request('chatCompletions'), { signal: controller.signal })) {
        events.push(e);
        if (e.type === 'text') controller.abort();
      }
      assert.deepEqual(last(events), { type: 'end', reason: 'cancelled' });
      assert.equal(terminalCount(events), 1);
      assert.equal(await fx.fake.waitForOutcome(0), 'clientClosed');
      assert.ok(textOf(events).length < 400);
    });

    it('an already aborted signal sends nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      const events = await collect(fx.client().stream(request('chatCompletions'), { signal: controller.signal }));
      assert.deepEqual(events, [{ type: 'end', reason: 'cancelled' }]);
      assert.equal(fx.fake.requests.length, 0);
    });

    it('abort during a retry wait ends at once with cancelled (real sleep)', async () => {
      fx.fake.enqueue({ status: 503, headers: { 'retry-after': '30' } });
      const controller = new AbortController();
      const events: StreamEvent[] = [];
      // no injected sleep: the real one must stop waiting when the signal aborts
      const c = new GmiClient({ baseUrl: fx.fake.baseUrl, apiKey: KEY });
      fx.track(c);
      for await (const e of c.stream(request('chatCompletions'), { signal: controller.signal })) {
        events.push(e);
        if (e.type === 'retry') controller.abort();
      }
      assert.deepEqual(last(events), { type: 'end', reason: 'cancelled' });
      assert.equal(fx.fake.requests.length, 1);
    });

    it('a consumer that stops iterating closes the socket', async () => {
      fx.fake.enqueue({ text: 'y'.repeat(400), chunkSize: 4, delayMs: 10 });
      for await (const e of fx.client().stream(request('messages'))) {
        if (e.type === 'text') break;
      }
      assert.equal(await fx.fake.waitForOutcome(0), 'clientClosed');
    });

    it('idle timeout: a body that goes silent is abandoned with idleTimeout', async () => {
      fx.fake.enqueue({ text: 'abcdefgh', chunkSize: 2, stallAfterChunks: 2 });
      const events = await collect(fx.client({ idleTimeoutMs: 150 }).stream(request('chatCompletions')));
      const err = errorOf(events);
      assert.equal(err.error.kind, 'idleTimeout');
      assert.equal(err.error.action, 'retry');
      assert.match(err.error.message, /GMI stopped sending for 0\.15 s/);
      assert.equal(err.partial, true);
      assert.equal(textOf(events), 'abcd');
      assert.equal(await fx.fake.waitForOutcome(0), 'clientClosed');
    });

    it('keep-alive comments and pings count as activity, the stream completes', async () => {
      fx.fake.enqueue({ text: 'slow but alive', chunkSize: 3, keepAlive: true });
      const events = await collect(fx.client().stream(request('chatCompletions')));
      assert.equal(textOf(events), 'slow but alive');
      fx.fake.enqueue({ text: 'slow but alive', chunkSize: 3, keepAlive: true });
      assert.equal(textOf(await collect(fx.client().stream(request('messages')))), 'slow but alive');
    });

    it('headers timeout → timeout error (retried first)', async () => {
      fx.fake.enqueue({ headersDelayMs: 1500 }, { headersDelayMs: 1500 });
      const events = await collect(fx.client({ headersTimeoutMs: 100, maxRetries: 1 }).stream(request('chatCompletions')));
      assert.equal(events.filter((e) => e.type === 'retry').length, 1);
      assert.equal(errorOf(events).error.kind, 'timeout');
    });

    it('leaves no timers running after a stream ends', async () => {
      const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const c = fx.client({ idleTimeoutMs: 5000, sleep: undefined });
      await collect(c.stream(request('chatCompletions'))); // warm up undici's own timers
      const before = timeouts();
      fx.fake.enqueue({ text: 'abc', chunkSize: 1 }, { status: 503, headers: { 'retry-after-ms': '5' } }, { stallAfterChunks: 1 });
      await collect(c.stream(request('chatCompletions')));
      await collect(fx.client({ idleTimeoutMs: 50 }).stream(request('chatCompletions')));
      assert.ok(timeouts() <= before, `timeouts before ${before}, after ${timeouts()}`);
    });
  });
});
