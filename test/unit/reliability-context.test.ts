// Context limits end to end: what actually goes on the wire. A 5 MB selection (Explain) or a 5 MB
// pasted question is cut by the documented rule (context.ts: cutText / fitSelection, fitHistory)
// using the context length from /models or the catalog, and is never sent whole; a history larger
// than the model's context loses its oldest turns first. Asserted on the requests the loopback
// server received through ChatService + GmiClient.
import * as assert from 'node:assert/strict';
import { ChatService, type PreparedRequest } from '../../src/chat/chatService';
import { contextBudget, estimateTokens, formatCount } from '../../src/chat/context';
import { Conversation } from '../../src/chat/conversation';
import { buildExplainMessage, fitSelection, type SelectionContext } from '../../src/chat/prompts';
import { GmiClient } from '../../src/gmi/client';
import type { WireApi } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import { leftoverTimers, startTrackingTimers } from './fixtures/timerTracker';
import './helpers/unhandledRejections';

const MB = 1024 * 1024;
/** What the Explain/Ask commands give the selection: 60 % of the budget (askCommands.ts). */
const SELECTION_SHARE = 0.6;

interface SentMessage {
  role: string;
  content: string;
}

function sentMessages(fake: FakeGmi, index: number): SentMessage[] {
  const body = fake.requests[index].body as { messages: SentMessage[] };
  return body.messages.filter((m) => m.role !== 'system');
}

function bigSelection(): { selection: SelectionContext; lines: number } {
  const line = 'export const value = computeSomething(input, options); // 中\n'; // one non-ASCII char per line
  const lines = Math.ceil((5 * MB) / Buffer.byteLength(line));
  return { selection: { text: line.repeat(lines), fileName: 'src/huge.ts', languageId: 'typescript', startLine: 1, endLine: lines }, lines };
}

describe('reliability: context limits on the wire', function () {
  this.timeout(60_000);
  let fake: FakeGmi;
  let client: GmiClient;

  beforeEach(async () => {
    startTrackingTimers();
    fake = await startFakeGmi();
    client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', maxRetries: 0 });
  });
  afterEach(async () => {
    await client.close();
    await fake.close();
    assert.deepEqual(leftoverTimers(), [], 'timers left running');
  });

  function chatFor(conversation: Conversation, model: string, api: WireApi, contextLength: number, maxOutputTokens: number): ChatService {
    const prepared: PreparedRequest = { client, model, api, contextLength, maxOutputTokens };
    return new ChatService({ conversation, prepare: async () => prepared });
  }

  // One model whose context comes from the live /models list, one that only the catalog knows.
  for (const [model, source] of [
    ['example-org/fake-model-1', 'the live /models list'],
    ['deepseek-ai/DeepSeek-V3.2', 'the catalog'],
  ] as const) {
    it(`Explain with a 5 MB selection sends only the cut selection (context from ${source})`, async () => {
      const models = await client.listModels();
      const info = models.find((m) => m.id === model);
      assert.ok(info?.contextLength, 'context length known');
      const contextLength = info.contextLength;
      const maxOutput = info.maxOutputTokens ?? 8_192;
      fake.reset();

      const { selection, lines } = bigSelection();
      assert.ok(Buffer.byteLength(selection.text) >= 5 * MB);
      const budget = Math.floor(contextBudget(contextLength, maxOutput, '') * SELECTION_SHARE);
      const fitted = fitSelection(selection, budget);
      assert.ok(fitted.notice, 'the selection was cut, with a notice');
      const message = buildExplainMessage(fitted.selection);

      const conversation = new Conversation();
      fake.enqueue({ text: 'It computes values.' });
      await chatFor(conversation, model, 'chatCompletions', contextLength, maxOutput).send(message, { notice: fitted.notice });

      // What the server got: exactly the message built from the cut selection, nothing more.
      assert.equal(fake.requests.length, 1);
      const [sent] = sentMessages(fake, 0);
      assert.equal(sent.content, message, 'the question was not cut again (the selection left room)');
      const kept = fitted.selection.text;
      assert.ok(selection.text.startsWith(kept + '\n'), 'a prefix of whole lines');
      assert.ok(estimateTokens(kept) <= budget, 'within the selection budget');
      assert.ok(estimateTokens(sent.content) <= contextBudget(contextLength, maxOutput, ''), 'within the context');
      const bytesOnWire = Buffer.byteLength(JSON.stringify(fake.requests[0].body));
      assert.ok(bytesOnWire < contextLength * 4, `request body ${bytesOnWire} bytes for a ${contextLength}-token context`);
      assert.ok(bytesOnWire < MB, 'far from 5 MB');
      const keptLines = kept.split('\n').length;
      assert.equal(fitted.notice, `Selection was cut to the first ${formatCount(keptLines)} of ${formatCount(lines)} lines to fit the model's context.`);
      assert.equal(fitted.selection.endLine, keptLines, 'the line range names what was kept');
      assert.match(sent.content, new RegExp(`lines 1-${keptLines}:`));

      // The conversation keeps the same cut text (and the notice), not 5 MB.
      const [user, reply] = conversation.messages;
      assert.equal(user.text, message);
      assert.equal(user.notice, fitted.notice);
      assert.equal(reply.state, 'done');
    });
  }

  it('a 5 MB question typed or pasted into the chat is cut with a notice, never sent whole', async () => {
    const contextLength = 32_768;
    const maxOutput = 4_096;
    const question = 'Please review:\n' + 'x'.repeat(80).concat('\n').repeat(Math.ceil((5 * MB) / 81));
    const conversation = new Conversation();
    fake.enqueue({ text: 'Reviewed.' });
    await chatFor(conversation, 'example-org/fake-model-1', 'messages', contextLength, maxOutput).send(question);

    const [sent] = sentMessages(fake, 0);
    const budget = contextBudget(contextLength, maxOutput, '');
    assert.ok(estimateTokens(sent.content) <= budget, `${estimateTokens(sent.content)} tokens sent, budget ${budget}`);
    assert.match(sent.content, /\n\n\[Message was cut to the first [\d,]+ of [\d,]+ lines to fit the model's context\.\]$/);
    const body = sent.content.slice(0, sent.content.lastIndexOf('\n\n['));
    assert.ok(question.startsWith(body), 'the start of the question, unchanged');
    assert.ok(Buffer.byteLength(JSON.stringify(fake.requests[0].body)) < MB);
    // The user's own message is kept whole in the chat: nothing typed is lost.
    assert.equal(conversation.messages[0].text, question);
  });

  it('a history larger than the context drops the oldest turns first', async () => {
    // Budget: 10,000 − 1,000 (reply) − 500 (5 % margin) = 8,500 tokens. Each reply is 9,000 ASCII
    // characters = 3,000 tokens + 4 per turn; each question "Qn" costs 1 + 4. The newest question and
    // two older exchanges fit (5 + 2·3,009 = 6,023); a third reply would make it 9,027.
    const contextLength = 10_000;
    const maxOutput = 1_000;
    assert.equal(contextBudget(contextLength, maxOutput, ''), 8_500);
    const reply = (n: number): string => `A${n}`.padEnd(9_000, '.');
    const conversation = new Conversation();
    const chat = chatFor(conversation, 'deepseek-ai/DeepSeek-V3.2', 'chatCompletions', contextLength, maxOutput);
    for (let n = 1; n <= 5; n++) {
      fake.enqueue({ text: reply(n), chunkSize: 3_000 });
      await chat.send(`Q${n}`);
    }
    fake.enqueue({ text: 'A6' });
    await chat.send('Q6');

    assert.equal(fake.requests.length, 6);
    assert.deepEqual(
      sentMessages(fake, 5).map((m) => [m.role, m.content.slice(0, 2), m.content.length]),
      [
        ['user', 'Q4', 2],
        ['assistant', 'A4', 9_000],
        ['user', 'Q5', 2],
        ['assistant', 'A5', 9_000],
        ['user', 'Q6', 2],
      ],
    );
    // Earlier requests carried everything while it fitted: the third question still had both exchanges.
    assert.deepEqual(
      sentMessages(fake, 2).map((m) => m.content.slice(0, 2)),
      ['Q1', 'A1', 'Q2', 'A2', 'Q3'],
    );
    // Nothing is dropped from the conversation itself.
    assert.equal(conversation.messages.length, 12);
  });
});
