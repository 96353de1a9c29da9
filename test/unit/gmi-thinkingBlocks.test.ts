// Extended thinking with tools on Claude: Anthropic requires the assistant turn that made tool calls
// to come back starting with its thinking block, signature included (else a 400 "Expected `thinking`
// or `redacted_thinking`…"). The decoder keeps the signature and redacted blocks, the Messages builder
// sends them back first in the turn (Chat Completions leaves them out), and a request whose last tool
// turn lost its block is sent without thinking instead of failing. The loopback server enforces the
// rule as Anthropic does, and signs each block over its text.
import * as assert from 'node:assert/strict';
import { buildChatCompletionsRequest } from '../../src/gmi/chatCompletions';
import { GmiClient } from '../../src/gmi/client';
import { buildMessagesRequest, MessagesDecoder, messagesReplyEvents } from '../../src/gmi/messages';
import { requestParameters, toolTurnKeepsThinking } from '../../src/gmi/modelRules';
import type { SseEvent } from '../../src/gmi/sse';
import type { ChatRequest, ChatTurn, ContentPart, StreamEvent, ThinkingBlock } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import { fakeSignature } from '../fake-gmi/thinking';
import './helpers/unhandledRejections';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0aGlua2luZyJ9.dGhpbmtpbmctc2lnbg';
const CLAUDE = 'anthropic/claude-sonnet-4.5';
const msg = (payload: Record<string, unknown>): SseEvent => ({ event: String(payload.type), data: JSON.stringify(payload) });
const blocksOf = (events: StreamEvent[]): ThinkingBlock[] => events.flatMap((e) => (e.type === 'thinkingBlock' ? [e.block] : []));

const signed: ThinkingBlock = { type: 'thinking', text: 'Read the file first.', signature: 'c2lnLTE=' };
const redacted: ThinkingBlock = { type: 'redactedThinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT' };
const call: ContentPart = { type: 'toolCall', id: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } };
const question: ChatTurn = { role: 'user', content: 'What does a.ts export?' };
const result: ChatTurn = { role: 'user', content: [{ type: 'toolResult', toolCallId: 'toolu_1', content: 'export const a = 1;' }] };
const request = (assistant: ContentPart[], extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: CLAUDE,
  api: 'messages',
  messages: [question, { role: 'assistant', content: assistant }, result],
  tools: [{ name: 'read_file' }],
  thinkingBudgetTokens: 2048,
  ...extra,
});

describe('gmi: thinking blocks kept and sent back (Messages)', () => {
  it('the decoder keeps a thinking block’s signature_delta and a redacted_thinking block’s data, handed out when each stops', () => {
    const d = new MessagesDecoder();
    const out = [
      msg({ type: 'message_start', message: { usage: { input_tokens: 5 } } }),
      msg({ type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: redacted.type === 'redactedThinking' ? redacted.data : '' } }),
      msg({ type: 'content_block_stop', index: 0 }),
      msg({ type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '', signature: '' } }),
      msg({ type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'Read the ' } }),
      msg({ type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'file first.' } }),
      msg({ type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'c2lnLTE=' } }),
      msg({ type: 'content_block_stop', index: 1 }),
      msg({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: {} } }),
      msg({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"path":"a.ts"}' } }),
      msg({ type: 'content_block_stop', index: 2 }),
      msg({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }),
      msg({ type: 'message_stop' }),
    ].flatMap((e) => d.decode(e));
    assert.deepEqual(
      out.map((e) => e.type),
      ['thinkingBlock', 'thinking', 'thinking', 'thinkingBlock', 'toolCall', 'usage', 'end'],
    );
    assert.deepEqual(blocksOf(out), [redacted, signed]);
  });

  it('a thinking block without a signature is shown but not handed out (it could not be sent back)', () => {
    const d = new MessagesDecoder();
    const out = [
      msg({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: 'unsigned' } }),
      msg({ type: 'content_block_stop', index: 0 }),
      msg({ type: 'message_delta', delta: { stop_reason: 'end_turn' } }),
      msg({ type: 'message_stop' }),
    ].flatMap((e) => d.decode(e));
    assert.deepEqual(out, [{ type: 'thinking', text: 'unsigned' }, { type: 'end', reason: 'stop' }]);
  });

  it('a whole (non-streamed) reply keeps them too', () => {
    const events = messagesReplyEvents(
      {
        content: [
          { type: 'redacted_thinking', data: redacted.type === 'redactedThinking' ? redacted.data : '' },
          { type: 'thinking', thinking: 'Read the file first.', signature: 'c2lnLTE=' },
          { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } },
        ],
        stop_reason: 'tool_use',
      },
      [],
    );
    assert.deepEqual(blocksOf(events), [redacted, signed]);
    assert.equal(events.map((e) => (e.type === 'thinking' ? e.text : '')).join(''), 'Read the file first.');
  });

  it('Messages sends them back first in the assistant turn, unchanged, when the request thinks; leaves them out when it does not', () => {
    const body = buildMessagesRequest(request([{ type: 'text', text: 'Let me look.' }, call, signed, redacted]), { apiKey: KEY }).body as { messages: Array<{ content: unknown }>; thinking?: unknown };
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.deepEqual(body.messages[1].content, [
      { type: 'thinking', thinking: 'Read the file first.', signature: 'c2lnLTE=' },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } },
    ]);
    const off = buildMessagesRequest(request([signed, call], { thinkingBudgetTokens: undefined }), { apiKey: KEY }).body as { messages: Array<{ content: unknown }>; thinking?: unknown };
    assert.equal(off.thinking, undefined);
    assert.deepEqual(off.messages[1].content, [{ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } }]);
  });

  it('cache markers never land on a thinking block (Anthropic refuses cache_control there)', () => {
    const body = buildMessagesRequest(
      { model: CLAUDE, api: 'messages', messages: [question, { role: 'assistant', content: [{ type: 'text', text: 'A.' }, signed] }], thinkingBudgetTokens: 2048 },
      { apiKey: KEY },
    ).body as { messages: Array<{ content: Array<Record<string, unknown>> }> };
    const assistant = body.messages[1].content;
    assert.equal(assistant[0].type, 'thinking');
    assert.equal(assistant[0].cache_control, undefined);
    assert.deepEqual(assistant[1].cache_control, { type: 'ephemeral' });
  });

  it('Chat Completions has no field for them: they are left out of the assistant message; in a user turn they are refused', () => {
    const body = buildChatCompletionsRequest(request([signed, redacted, { type: 'text', text: 'Let me look.' }, call], { model: 'openai/gpt-4o', api: 'chatCompletions' }), { apiKey: KEY })
      .body as { messages: Array<Record<string, unknown>> };
    assert.deepEqual(body.messages[1], {
      role: 'assistant',
      content: 'Let me look.',
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }],
    });
    const misplaced: ChatRequest = { model: CLAUDE, api: 'messages', messages: [{ role: 'user', content: [signed] }] };
    assert.throws(() => buildMessagesRequest(misplaced, { apiKey: KEY }), /thinking cannot be part of a user message/);
    assert.throws(() => buildChatCompletionsRequest({ ...misplaced, api: 'chatCompletions' }, { apiKey: KEY }), /thinking cannot be part of a user message/);
  });

  it('safety net: a last tool turn without its signed block is sent without thinking, with one log note', () => {
    assert.equal(toolTurnKeepsThinking([question, { role: 'assistant', content: [call] }, result]), false);
    assert.equal(toolTurnKeepsThinking([question, { role: 'assistant', content: [{ ...signed, signature: '' }, call] }, result]), false);
    assert.equal(toolTurnKeepsThinking([question, { role: 'assistant', content: [signed, call] }, result]), true);
    assert.equal(toolTurnKeepsThinking([question, { role: 'assistant', content: [redacted, call] }, result]), true);
    // only the last assistant turn counts, and only when it made tool calls
    assert.equal(toolTurnKeepsThinking([question, { role: 'assistant', content: [call] }, result, { role: 'assistant', content: 'It exports a.' }, { role: 'user', content: 'Thanks' }]), true);
    assert.equal(toolTurnKeepsThinking([question]), true);

    const lost = requestParameters(request([call], { temperature: 0.5 }));
    assert.equal(lost.thinkingBudget, undefined);
    assert.equal(lost.temperature, 0.5, 'without thinking the temperature may go again');
    assert.deepEqual(lost.notes, [
      'gmi.thinking is not sent with this request: the last assistant turn with tool calls came back without its signed thinking block, which Anthropic requires when extended thinking is on.',
    ]);
    const kept = requestParameters(request([signed, call]));
    assert.equal(kept.thinkingBudget, 2048);
    assert.deepEqual(kept.notes, []);
  });

  describe('through the loopback server, which checks the rule as Anthropic does', () => {
    let fake: FakeGmi;
    let client: GmiClient;
    let logs: string[];
    beforeEach(async () => {
      fake = await startFakeGmi({ apiKey: KEY });
      logs = [];
      const log = (m: string) => void logs.push(m);
      client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: KEY, maxRetries: 0, logger: { info: log, warn: log, error: log } });
    });
    afterEach(async () => {
      await client.close();
      await fake.close();
    });

    async function collect(req: ChatRequest): Promise<StreamEvent[]> {
      const out: StreamEvent[] = [];
      for await (const e of client.stream(req)) out.push(e);
      return out;
    }
    async function post(body: Record<string, unknown>): Promise<{ status: number; text: string }> {
      const res = await fetch(`${fake.baseUrl}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify({ stream: true, ...body }) });
      return { status: res.status, text: await res.text() };
    }
    const wire = (assistant: unknown[]) => ({
      model: CLAUDE,
      max_tokens: 8000,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: assistant },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] },
      ],
    });
    const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: {} };

    it('the server refuses what Anthropic refuses: a tool turn not starting with thinking, or a block whose signature does not match its text', async () => {
      const missing = await post(wire([{ type: 'text', text: 'Let me look.' }, toolUse]));
      assert.equal(missing.status, 400);
      assert.match(missing.text, /messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `text`\. When `thinking` is enabled, a final `assistant` message must start with a thinking block/);
      const tampered = await post(wire([{ type: 'thinking', thinking: 'changed', signature: fakeSignature('original') }, toolUse]));
      assert.equal(tampered.status, 400);
      assert.match(tampered.text, /messages\.1\.content\.0: Invalid `signature` in `thinking` block/);
      assert.equal((await post(wire([{ type: 'thinking', thinking: 'original', signature: fakeSignature('original') }, toolUse]))).status, 200);
      assert.equal((await post(wire([{ type: 'redacted_thinking', data: 'opaque' }, toolUse]))).status, 200);
      assert.equal((await post({ ...wire([toolUse]), thinking: undefined })).status, 200, 'without thinking the rule does not apply');
    });

    it('a tool round trip with thinking on: the block comes back signed and the server accepts the turn', async () => {
      fake.enqueue({ thinking: 'I should read a.ts.', redactedThinking: 'opaque-data', text: '', toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'a.ts' } }], chunkSize: 4 });
      const first = await collect({ model: CLAUDE, api: 'messages', messages: [question], tools: [{ name: 'read_file' }], thinkingBudgetTokens: 2048 });
      assert.deepEqual(first.at(-1), { type: 'end', reason: 'toolCalls' });
      const blocks = blocksOf(first);
      assert.deepEqual(blocks, [
        { type: 'redactedThinking', data: 'opaque-data' },
        { type: 'thinking', text: 'I should read a.ts.', signature: fakeSignature('I should read a.ts.') },
      ]);
      const calls = first.flatMap((e): ContentPart[] => (e.type === 'toolCall' ? [{ type: 'toolCall', id: e.id, name: e.name, input: e.input }] : []));

      fake.enqueue({ text: 'It exports a.' });
      const second = await collect(request([...blocks, ...calls]));
      assert.deepEqual(second.at(-1), { type: 'end', reason: 'stop' });
      const body = fake.requests.at(-1)!.body as { thinking?: unknown; messages: Array<{ content: Array<Record<string, unknown>> }> };
      assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
      assert.deepEqual(
        body.messages[1].content.map((b) => b.type),
        ['redacted_thinking', 'thinking', 'tool_use'],
      );
    });

    it('a tool turn that came back without its block is sent without thinking (logged) instead of failing with a 400', async () => {
      fake.enqueue({ text: 'It exports a.' });
      const events = await collect(request([call]));
      assert.deepEqual(events.at(-1), { type: 'end', reason: 'stop' });
      assert.equal((fake.requests.at(-1)!.body as { thinking?: unknown }).thinking, undefined);
      assert.ok(logs.some((l) => /^request parameters: gmi\.thinking is not sent with this request: the last assistant turn with tool calls came back without its signed thinking block/.test(l)), logs.join('\n'));
    });
  });
});
