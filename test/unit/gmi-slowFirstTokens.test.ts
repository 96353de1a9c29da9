// Slow first tokens: the wait for response headers follows gmi.idleTimeoutSeconds; a retry says why
// in a few words and shows on the reply while it waits; each attempt is one line in the log.
import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { ChatService } from '../../src/chat/chatService';
import { Conversation } from '../../src/chat/conversation';
import { GmiClient } from '../../src/gmi/client';
import type { StreamEvent } from '../../src/gmi/types';
import { MessageEntries } from '../../src/webview/messageEntries';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import './helpers/unhandledRejections';

const Q = [{ role: 'user' as const, content: 'q' }];
const REQ = { model: 'openai/gpt-4o', api: 'chatCompletions' as const, messages: Q };

async function collect(it: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

async function until<T>(what: string, check: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const v = check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never saw ${what}`);
}

describe('slow first tokens', function () {
  this.timeout(20_000);
  let fake: FakeGmi;
  beforeEach(async () => {
    fake = await startFakeGmi();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('the wait for response headers is gmi.idleTimeoutSeconds, and the error names the setting', async () => {
    const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', idleTimeoutMs: 300, maxRetries: 0 });
    fake.enqueue({ headersDelayMs: 3_000, text: 'late' });
    const events = await collect(client.stream(REQ));
    await client.close();
    const last = events[events.length - 1];
    assert.equal(last.type, 'error');
    assert.ok(last.type === 'error');
    assert.equal(last.error.kind, 'timeout');
    assert.equal(last.error.message, 'GMI sent no answer within 0.3 s (gmi.idleTimeoutSeconds). Reasoning models can think for minutes before answering: raise the setting, or try again.');
  });

  it('within the setting, a slow first byte is waited for', async () => {
    const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', idleTimeoutMs: 5_000, headersTimeoutMs: undefined, maxRetries: 0 });
    fake.enqueue({ headersDelayMs: 400, text: 'worth the wait' });
    const events = await collect(client.stream(REQ));
    await client.close();
    assert.deepEqual(events[events.length - 1], { type: 'end', reason: 'stop' });
  });

  it('retries carry a short reason and the limit; the log has one request line per attempt', async () => {
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', logger: log, sleep: async () => undefined });
    fake.enqueue({ status: 503 }, { status: 429, headers: { 'retry-after': '2' } }, { text: 'ok' });
    const events = await collect(client.stream(REQ));
    await client.close();
    assert.deepEqual(
      events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && [e.attempt, e.maxRetries, e.reason]),
      [
        [1, 2, 'server error, HTTP 503'],
        [2, 2, 'rate limit reached, HTTP 429'],
      ],
    );
    const requestLines = lines.filter((l) => /^POST \S+\/chat\/completions model=/.test(l));
    assert.deepEqual(
      requestLines.map((l) => /\(attempt \d of \d\)$/.exec(l)?.[0] ?? 'first'),
      ['first', '(attempt 2 of 3)', '(attempt 3 of 3)'],
    );
    assert.equal(fake.requests.length, 3);
  });

  describe('the reply while a retry waits', () => {
    it('shows "Retrying in N s (reason)", then "Retrying now", and nothing once text arrives', async () => {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', sleep: () => released });
      fake.enqueue({ status: 429, headers: { 'retry-after-ms': '1500' } }, { text: 'Finally.' });
      const conversation = new Conversation();
      const statuses: Array<string | undefined> = [];
      conversation.onDidChange((e) => e.kind === 'updated' && e.message.role === 'assistant' && statuses.push(e.message.status));
      const chat = new ChatService({
        conversation,
        prepare: async () => ({ client, model: 'openai/gpt-4o', api: 'chatCompletions', contextLength: 100_000, maxOutputTokens: 4_000 }),
      });
      const sending = chat.send('Hello?');
      const reply = await until('the reply', () => conversation.messages[1]);
      assert.equal(await until('the retry status', () => reply.status), 'Retrying in 2 s (rate limit reached, HTTP 429)');
      await until('the wait to be over', () => reply.status?.startsWith('Retrying now'));
      assert.equal(reply.status, 'Retrying now (attempt 2 of 3; rate limit reached, HTTP 429)…');
      release();
      await sending;
      await client.close();
      assert.equal(reply.text, 'Finally.');
      assert.equal(reply.status, undefined);
      assert.deepEqual(statuses.slice(0, 3), ['Retrying in 2 s (rate limit reached, HTTP 429)', 'Retrying now (attempt 2 of 3; rate limit reached, HTTP 429)…', undefined]);
      assert.equal('status' in conversation.toJSON().messages[1], false, 'never stored');
    });

    it('the chat view shows the status on the streaming reply and removes it after', () => {
      const { window } = new JSDOM('<!doctype html><body></body>');
      const entries = new MessageEntries(window.document, { onStreamRender() {}, schedule: (cb) => cb() });
      const view = { id: 'r1', role: 'assistant' as const, text: '', state: 'streaming' as const, status: 'Retrying in 2 s (rate limit reached, HTTP 429)' };
      const entry = entries.create(view, false);
      const status = () => entry.el.querySelector('[data-testid="reply-status"]');
      assert.equal(status()?.textContent, 'Retrying in 2 s (rate limit reached, HTTP 429)');
      assert.equal(status()?.getAttribute('role'), 'status');
      entries.update(entry, { ...view, status: undefined, text: 'Hi' });
      assert.equal(status(), null);
      entries.update(entry, { ...view, text: 'Hi', state: 'done', status: 'stale' });
      assert.equal(status(), null, 'never on a finished reply');
    });
  });
});
