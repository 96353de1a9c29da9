// Endings a reader must be told about, and the decoders that recognise them.
import * as assert from 'node:assert/strict';
import { chatCompletionsReplyEvents } from '../../src/gmi/chatCompletions';
import { endingNotice } from '../../src/gmi/endings';
import { messagesReplyEvents } from '../../src/gmi/messages';
import type { StreamEvent } from '../../src/gmi/types';

const last = (events: StreamEvent[]): StreamEvent => events[events.length - 1];

describe('gmi/endings', () => {
  it('stop, tool calls and the user’s own Stop need no words', () => {
    for (const reason of ['stop', 'toolCalls', 'cancelled'] as const) assert.equal(endingNotice(reason, { model: 'm/x' }), undefined);
  });

  it('content filter and refusal say who declined and offer another model or a retry', () => {
    assert.match(endingNotice('contentFilter', { model: 'openai/gpt-4o' })!.message, /content filter stopped this reply/);
    assert.match(endingNotice('refusal', { model: 'openai/gpt-4o' })!.message, /^openai\/gpt-4o declined to answer/);
    assert.deepEqual(endingNotice('refusal', { model: 'openai/gpt-4o' })!.actions, ['selectModel', 'retry']);
  });

  it('the length limit is the one that applied: the setting’s (capped), or the model’s', () => {
    assert.match(endingNotice('length', { model: 'openai/gpt-4o', maxTokens: 999_999 })!.message, /maximum length of 16,384 tokens set in gmi\.maxTokens/);
    assert.match(endingNotice('length', { model: 'someone/unknown' })!.message, /someone\/unknown's maximum reply length \(8,192 tokens\)/);
    // a limit a caller of VS Code's language model API asked for is not blamed on the setting
    const caller = endingNotice('length', { model: 'openai/gpt-4o', maxTokens: 100 }, 'caller')!;
    assert.equal(caller.message, 'The reply stopped at the maximum length of 100 tokens the request asked for (max_tokens). Ask it to continue where it stopped.');
    assert.deepEqual(caller.actions, []);
  });

  it('whole replies: a Chat Completions refusal message and a Messages refusal stop reason end as refusal', () => {
    const chat = chatCompletionsReplyEvents({ choices: [{ message: { role: 'assistant', content: null, refusal: 'No.' }, finish_reason: 'stop' }] }, []);
    assert.deepEqual(chat.filter((e) => e.type === 'text'), [{ type: 'text', text: 'No.' }]);
    assert.deepEqual(last(chat), { type: 'end', reason: 'refusal' });
    assert.deepEqual(last(messagesReplyEvents({ content: [], stop_reason: 'refusal' }, [])), { type: 'end', reason: 'refusal' });
    assert.deepEqual(last(chatCompletionsReplyEvents({ choices: [{ message: { content: 'x' }, finish_reason: 'content_filter' }] }, [])), { type: 'end', reason: 'contentFilter' });
  });
});
