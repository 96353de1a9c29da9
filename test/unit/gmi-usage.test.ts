// Usage that adds up: decoders keep the last running totals; the reply shows cached / reasoning
// tokens and the cost; the protocol accepts exactly those fields.
import * as assert from 'node:assert/strict';
import { replyUsage } from '../../src/chat/replyUsage';
import { ChatCompletionsDecoder } from '../../src/gmi/chatCompletions';
import { MessagesDecoder } from '../../src/gmi/messages';
import type { StreamEvent } from '../../src/gmi/types';
import { isMessageView } from '../../src/protocol/messages';
import { formatMeta } from '../../src/webview/messageEntries';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

const usageOf = (events: StreamEvent[]) => events.filter((e) => e.type === 'usage');

describe('usage that adds up', () => {
  before(useEnglishWebviewStrings);

  it('Chat Completions: running totals repeated in every chunk — the last one counts, reported once', () => {
    const d = new ChatCompletionsDecoder();
    const chunk = (content: string, completion: number, finish: string | null = null) => ({
      data: JSON.stringify({
        choices: [{ index: 0, delta: { content }, finish_reason: finish }],
        usage: { prompt_tokens: 900, completion_tokens: completion, prompt_tokens_details: { cached_tokens: 800 }, completion_tokens_details: { reasoning_tokens: Math.floor(completion / 2) } },
      }),
    });
    const events = [...d.decode(chunk('a', 1)), ...d.decode(chunk('b', 5)), ...d.decode(chunk('', 9, 'stop')), ...d.finish()];
    assert.deepEqual(usageOf(events), [{ type: 'usage', usage: { inputTokens: 900, outputTokens: 9, cachedTokens: 800, reasoningTokens: 4 } }]);
  });

  it('Messages: input and cache counts from message_start, the cumulative output from the last message_delta', () => {
    const d = new MessagesDecoder();
    const ev = (p: Record<string, unknown>) => ({ event: String(p.type), data: JSON.stringify(p) });
    const events = [
      ...d.decode(ev({ type: 'message_start', message: { usage: { input_tokens: 12, cache_read_input_tokens: 3000, cache_creation_input_tokens: 40, output_tokens: 1 } } })),
      ...d.decode(ev({ type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 10 } })),
      ...d.decode(ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 25 } })),
      ...d.decode(ev({ type: 'message_stop' })),
    ];
    assert.deepEqual(usageOf(events), [{ type: 'usage', usage: { inputTokens: 12, outputTokens: 25, cachedTokens: 3000, cacheWriteTokens: 40 } }]);
  });

  it('replyUsage: "in" is the whole prompt in both formats; nothing reported → undefined', () => {
    assert.equal(replyUsage('openai/gpt-4o', 'chatCompletions', {}), undefined);
    assert.equal(replyUsage('anthropic/claude-sonnet-4.5', 'messages', { inputTokens: 10, cachedTokens: 90 })?.inputTokens, 100);
    assert.equal(replyUsage('openai/gpt-4o', 'chatCompletions', { inputTokens: 100, cachedTokens: 90 })?.inputTokens, 100);
    assert.equal(replyUsage('anthropic/claude-sonnet-4.5', 'chatCompletions', { inputTokens: 100, cachedTokens: 90 })?.inputTokens, 100, 'priced and counted as the format used');
  });

  it('the footer shows cached, cache-write and reasoning tokens and the cost', () => {
    const meta = formatMeta({
      id: 'a1',
      role: 'assistant',
      text: 'x',
      model: 'openai/gpt-4o',
      usage: { inputTokens: 12_345, cachedTokens: 10_000, cacheWriteTokens: 2_000, outputTokens: 678, reasoningTokens: 90, costUsd: 0.00421, pricesAsOf: '2026-12-01' },
    });
    assert.equal(meta, 'openai/gpt-4o · 12,345 in (10,000 cached, 2,000 cache write) · 678 out (90 reasoning) · ~$0.0042');
    assert.equal(formatMeta({ id: 'a2', role: 'assistant', text: 'x', model: 'm/x', usage: { inputTokens: 5, outputTokens: 6 } }), 'm/x · 5 in · 6 out');
  });

  it('the protocol accepts the new usage fields and refuses nonsense in them', () => {
    const msg = (usage: unknown) => ({ id: 'a1', role: 'assistant', text: '', usage });
    assert.ok(isMessageView(msg({ inputTokens: 1, cachedTokens: 1, cacheWriteTokens: 0, reasoningTokens: 2, costUsd: 0.5, pricesAsOf: '2026-12-01' })));
    for (const bad of [{ cachedTokens: -1 }, { reasoningTokens: 'many' }, { costUsd: Infinity }, { pricesAsOf: '<img src=x>' }]) assert.equal(isMessageView(msg(bad)), false, JSON.stringify(bad));
  });
});
