// Prompt caching for Claude on Messages: where the cache_control markers go (at most 4), and that a
// long conversation's next turn reads from the cache (the loopback server keeps one, as Anthropic does).
import * as assert from 'node:assert/strict';
import { ChatService } from '../../src/chat/chatService';
import { Conversation } from '../../src/chat/conversation';
import { buildChatCompletionsRequest } from '../../src/gmi/chatCompletions';
import { GmiClient } from '../../src/gmi/client';
import { buildMessagesRequest } from '../../src/gmi/messages';
import type { ChatRequest, ChatTurn, ToolDefinition } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import './helpers/unhandledRejections';

const AUTH = { apiKey: 'k' };
const MARK = { type: 'ephemeral' };
const TOOLS: ToolDefinition[] = [{ name: 'read_file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }];

/** Alternating text turns, user first, ending with a user turn. */
function turns(n: number): ChatTurn[] {
  return Array.from({ length: n }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `turn ${i}` }) as ChatTurn);
}

/** Where the markers are: 'system' or the index of the message whose last block carries one. */
function markers(body: Record<string, unknown>): Array<string | number> {
  const where: Array<string | number> = [];
  const blocks = (content: unknown): Array<Record<string, unknown>> => (Array.isArray(content) ? content : []);
  const sys = blocks(body.system);
  sys.forEach((b, i) => b.cache_control && where.push(i === sys.length - 1 ? 'system' : `system[${i}]`));
  for (const t of (body.tools as Array<Record<string, unknown>> | undefined) ?? []) if (t.cache_control) where.push('tool');
  (body.messages as Array<{ content: unknown }>).forEach((m, i) => {
    const bs = blocks(m.content);
    bs.forEach((b, j) => b.cache_control && where.push(j === bs.length - 1 ? i : `${i}[${j}]`));
  });
  return where;
}

const claude = (extra: Partial<ChatRequest>): Record<string, unknown> =>
  buildMessagesRequest({ model: 'anthropic/claude-sonnet-4.5', api: 'messages', messages: turns(1), ...extra }, AUTH).body;

describe('gmi: prompt caching for Claude on Messages', () => {
  it('marks the system prompt, the newest turn and the user turn before it — nothing else', () => {
    const body = claude({ system: 'Be brief.', tools: TOOLS, messages: turns(5) });
    assert.deepEqual(markers(body), ['system', 2, 4]);
    assert.deepEqual(body.system, [{ type: 'text', text: 'Be brief.', cache_control: MARK }]);
    const messages = body.messages as Array<{ role: string; content: unknown }>;
    assert.deepEqual(messages[4], { role: 'user', content: [{ type: 'text', text: 'turn 4', cache_control: MARK }] });
    assert.equal(messages[3].content, 'turn 3', 'unmarked turns keep their plain string content');
  });

  it('at most 4 markers for any conversation length, with or without a system prompt', () => {
    for (let n = 1; n <= 15; n += 2) {
      for (const system of [undefined, 'sys']) {
        const where = markers(claude({ system, messages: turns(n) }));
        assert.ok(where.length <= 4, `${n} turns: ${where.join(',')}`);
        const expected: Array<string | number> = [...(system ? ['system'] : []), ...(n >= 3 ? [n - 3] : []), n - 1];
        assert.deepEqual(where, expected, `${n} turns, system ${system}`);
      }
    }
  });

  it('a newest turn of tool results: its last block is marked; the question before it too', () => {
    const body = claude({
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'Read a.ts' },
        { role: 'assistant', content: [{ type: 'toolCall', id: 't1', name: 'read_file', input: { path: 'a.ts' } }] },
        { role: 'user', content: [{ type: 'toolResult', toolCallId: 't1', content: 'export {}' }, { type: 'toolResult', toolCallId: 't2', content: 'more' }] },
      ],
    });
    assert.deepEqual(markers(body), [0, 2]);
    const last = (body.messages as Array<{ content: Array<Record<string, unknown>> }>)[2].content;
    assert.deepEqual(last[1], { type: 'tool_result', tool_use_id: 't2', content: 'more', cache_control: MARK });
    assert.equal(last[0].cache_control, undefined);
  });

  it('no markers for models that do not take them, nor on Chat Completions', () => {
    const minimax = buildMessagesRequest({ model: 'MiniMaxAI/MiniMax-M2.1', api: 'messages', system: 's', messages: turns(3) }, AUTH).body;
    assert.equal(JSON.stringify(minimax).includes('cache_control'), false);
    const onChat = buildChatCompletionsRequest({ model: 'anthropic/claude-sonnet-4.5', api: 'chatCompletions', system: 's', messages: turns(3) }, AUTH).body;
    assert.equal(JSON.stringify(onChat).includes('cache_control'), false);
  });

  describe('through the server: the next turn reads from the cache', () => {
    let fake: FakeGmi;
    let client: GmiClient;
    beforeEach(async () => {
      fake = await startFakeGmi();
      client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', maxRetries: 0 });
    });
    afterEach(async () => {
      await client.close();
      await fake.close();
    });

    function chatWith(model: string): { chat: ChatService; conversation: Conversation } {
      const conversation = new Conversation();
      // a long system prompt: over Anthropic's 1,024-token minimum for caching
      const system = `You review code.\n${'Rule: keep functions short and names clear. '.repeat(120)}`;
      const chat = new ChatService({
        conversation,
        prepare: async () => ({ client, model, api: 'messages', system, contextLength: 200_000, maxOutputTokens: 8_000 }),
      });
      return { chat, conversation };
    }

    it('turn 1 writes the prefix, turns 2 and 3 read what the turn before wrote; the reply shows it', async () => {
      const { chat, conversation } = chatWith('anthropic/claude-sonnet-4.5');
      await chat.send('First question about the code.');
      const first = conversation.messages[1].usage!;
      assert.equal(first.cachedTokens, undefined, 'nothing to read yet');
      assert.ok(first.cacheWriteTokens! > 1024, JSON.stringify(first));

      await chat.send('Second question.');
      const second = conversation.messages[3].usage!;
      assert.ok(second.cachedTokens! >= first.cacheWriteTokens!, `reads at least turn 1's prefix: ${JSON.stringify(second)}`);
      assert.ok(second.cacheWriteTokens! > 0, 'and writes its own longer prefix');

      await chat.send('Third question.');
      const third = conversation.messages[5].usage!;
      assert.ok(third.cachedTokens! > second.cachedTokens!, `reads more than turn 2 did: ${JSON.stringify(third)}`);
      assert.ok(third.inputTokens! > third.cachedTokens!, '"in" is the whole prompt, the cached part included');
    });

    it('without markers (a model that takes none) nothing is read, however often the prefix is sent', async () => {
      const { chat, conversation } = chatWith('MiniMaxAI/MiniMax-M2.1');
      await chat.send('First question about the code.');
      await chat.send('Second question.');
      assert.equal(conversation.messages[3].usage?.cachedTokens, undefined);
    });

    it('the server refuses more than 4 markers, as Anthropic does', async () => {
      const res = await fetch(`${fake.baseUrl}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'anthropic/claude-sonnet-4.5',
          max_tokens: 10,
          stream: true,
          messages: [{ role: 'user', content: Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `b${i}`, cache_control: MARK })) }],
        }),
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /A maximum of 4 blocks with cache_control/);
    });
  });
});
