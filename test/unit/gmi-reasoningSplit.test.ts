// `…</think>answer` without the opening tag: the reasoning is moved to thinking and only the answer
// stays the answer, at every split point; a `</think>` in ordinary text or code is left alone.
import * as assert from 'node:assert/strict';
import { ChatService } from '../../src/chat/chatService';
import { Conversation } from '../../src/chat/conversation';
import { chatCompletionsReplyEvents, ThinkTagSplitter } from '../../src/gmi/chatCompletions';
import { GmiClient } from '../../src/gmi/client';
import type { StreamEvent } from '../../src/gmi/types';
import { startFakeGmi } from '../fake-gmi/server';
import './helpers/unhandledRejections';

/** What a consumer shows after these events (what Conversation does with them). */
function shown(events: StreamEvent[]): { text: string; thinking: string } {
  let text = '';
  let thinking = '';
  for (const e of events) {
    if (e.type === 'text') text += e.text;
    else if (e.type === 'thinking') thinking += e.text;
    else if (e.type === 'textWasThinking') {
      assert.equal(e.text, text, 'textWasThinking names exactly the text handed out');
      thinking += text;
      text = '';
    }
  }
  return { text, thinking };
}

function split(chunks: string[]): StreamEvent[] {
  const s = new ThinkTagSplitter();
  return [...chunks.flatMap((c) => s.push(c)), ...s.flush()];
}

const REPLY = 'The user wants a sum. 2 + 2 is 4.\n</think>\n\nThe answer is **4**.';
const EXPECTED = { thinking: 'The user wants a sum. 2 + 2 is 4.\n', text: 'The answer is **4**.' };

describe('gmi: reasoning closed by </think> without an opening tag', () => {
  it('whole, in one delta: reasoning is thinking, the rest the answer', () => {
    assert.deepEqual(shown(split([REPLY])), EXPECTED);
    assert.deepEqual(shown(split(['Reasoning…</think>answer'])), { thinking: 'Reasoning…', text: 'answer' });
  });

  it('at every split point into two and three deltas', () => {
    for (let i = 0; i <= REPLY.length; i++) {
      assert.deepEqual(shown(split([REPLY.slice(0, i), REPLY.slice(i)])), EXPECTED, `split at ${i}`);
      for (let j = i; j <= REPLY.length; j += 3) {
        assert.deepEqual(shown(split([REPLY.slice(0, i), REPLY.slice(i, j), REPLY.slice(j)])), EXPECTED, `split at ${i}/${j}`);
      }
    }
  });

  it('one character at a time: the text shown so far never holds more than a tag’s start', () => {
    const s = new ThinkTagSplitter();
    const events: StreamEvent[] = [];
    for (const ch of REPLY) events.push(...s.push(ch));
    events.push(...s.flush());
    assert.deepEqual(shown(events), EXPECTED);
    assert.equal(events.filter((e) => e.type === 'textWasThinking').length, 1);
  });

  it('a </think> in code, after a <think> mention, or after a real <think> block stays text', () => {
    for (const content of [
      'Close the block with `</think>` and carry on.',
      'Write this:\n\n```xml\n<answer>\n</think>\n```\n\nDone.',
      'Models wrap reasoning in <think> and </think> tags.',
      'Plain answer with no tags at all.',
    ]) {
      for (let i = 0; i <= content.length; i += 5) {
        assert.deepEqual(shown(split([content.slice(0, i), content.slice(i)])), { text: content, thinking: '' }, `${content} @${i}`);
      }
    }
    assert.deepEqual(shown(split(['<think>real</think>\n\nThen a stray </think> here.'])), { thinking: 'real', text: 'Then a stray </think> here.' });
  });

  it('a second unopened </think> after the split is text', () => {
    assert.deepEqual(shown(split(['why</think>Because ', 'of </think> this.'])), { thinking: 'why', text: 'Because of </think> this.' });
  });

  it('a whole (non-streamed) reply is split the same way', () => {
    const events = chatCompletionsReplyEvents({ choices: [{ message: { role: 'assistant', content: REPLY }, finish_reason: 'stop' }] }, []);
    assert.deepEqual(shown(events), EXPECTED);
  });

  it('through the server and the chat: the reply’s answer is only the answer, the reasoning is its Thinking', async () => {
    const fake = await startFakeGmi();
    const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', maxRetries: 0 });
    try {
      const chunk = (content: string, finish: string | null = null): string =>
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
      fake.enqueue({
        rawEvents: [chunk('Okay, the user asks'), chunk(' for a greeting.\n</th'), chunk('ink>\n\nHello'), chunk(' there!', 'stop'), 'data: [DONE]\n\n'].join(''),
      });
      const conversation = new Conversation();
      const updates: string[] = [];
      conversation.onDidChange((e) => e.kind === 'updated' && updates.push(`${e.message.text}|${e.message.thinking}`));
      const chat = new ChatService({
        conversation,
        prepare: async () => ({ client, model: 'deepseek-ai/DeepSeek-R1-0528', api: 'chatCompletions', contextLength: 64_000, maxOutputTokens: 8_000 }),
      });
      await chat.send('Say hello');
      const reply = conversation.messages[1];
      assert.equal(reply.state, 'done');
      assert.equal(reply.text, 'Hello there!');
      assert.equal(reply.thinking, 'Okay, the user asks for a greeting.\n');
      assert.equal(updates[0], '|Okay, the user asks for a greeting.\n', 'the view is told at once that the text so far was thinking');
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
