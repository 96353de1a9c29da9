// Thinking + tools on Claude in VS Code's chat: a finished thinking block is reported as a thinking
// part carrying its signature (or redacted data) in metadata; VS Code hands it back with the
// assistant turn, and it goes to GMI as the block Anthropic requires before that turn's tool calls.
import * as assert from 'node:assert/strict';
import { GmiClient } from '../../src/gmi/client';
import { mapRequest } from '../../src/provider/messageMapping';
import { respond } from '../../src/provider/responder';
import { THINKING_METADATA } from '../../src/provider/thinkingParts';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from '../../src/provider/tokenEstimate';
import { LmToolMode } from '../../src/provider/vscodeLm';
import { startFakeGmi } from '../fake-gmi/server';
import { fakeSignature } from '../fake-gmi/thinking';
import { assistant, classes, classesWithoutThinking, TextPart, ThinkingPart, ToolCallPart, ToolResultPart, user } from './helpers/fakeLm';
import { events, harness, model, progressOf, ScriptedClient, Token } from './helpers/responderHarness';
import './helpers/unhandledRejections';

const CLAUDE = { id: 'anthropic/claude-sonnet-4.5', imageInput: true };
const signedPart = (text: string, signature: string) => new ThinkingPart('', undefined, { signature, _completeThinking: text });
const textOf = (parts: unknown[]) => parts.map((p) => (p instanceof TextPart ? p.value : '')).join('');
const call = new ToolCallPart('toolu_1', 'read_file', { path: 'a.ts' });

describe('provider: thinking blocks in VS Code’s chat', () => {
  it('uses the metadata keys Copilot’s Anthropic provider uses', () => {
    assert.deepEqual(THINKING_METADATA, { signature: 'signature', text: '_completeThinking', redacted: 'redactedData' });
  });

  it('reports a finished block as a thinking part with its signature (or redacted data) in metadata, after the streamed reasoning', async () => {
    const client = new ScriptedClient(() =>
      events(
        { type: 'thinkingBlock', block: { type: 'redactedThinking', data: 'opaque' } },
        { type: 'thinking', text: 'Read ' },
        { type: 'thinking', text: 'it.' },
        { type: 'thinkingBlock', block: { type: 'thinking', text: 'Read it.', signature: 'sig-1' } },
        { type: 'toolCall', id: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } },
        { type: 'end', reason: 'toolCalls' },
      ),
    );
    const h = harness(client);
    await respond(h.deps, model(), [user(new TextPart('q'))], {}, progressOf(h), new Token());
    assert.deepEqual(h.parts, [
      new ThinkingPart('', undefined, { redactedData: 'opaque' }),
      new ThinkingPart('Read '),
      new ThinkingPart('it.'),
      signedPart('Read it.', 'sig-1'),
      call,
    ]);
    // where VS Code has no thinking parts there is nothing to carry it
    const old = harness(new ScriptedClient(() => events({ type: 'thinkingBlock', block: { type: 'thinking', text: 'x', signature: 's' } }, { type: 'text', text: 'A' }, { type: 'end', reason: 'stop' })), {
      parts: classesWithoutThinking,
    });
    await respond(old.deps, model(), [user(new TextPart('q'))], {}, progressOf(old), new Token());
    assert.deepEqual(old.parts, [new TextPart('A')]);
  });

  it('maps thinking parts in the history back to the blocks, in whatever form VS Code hands them back', () => {
    const turn = (...content: unknown[]) => mapRequest([user(new TextPart('q')), assistant(...content), user(new ToolResultPart('toolu_1', [new TextPart('x')]))], {}, classes, CLAUDE).turns[1];
    const block = { type: 'thinking', text: 'Read it.', signature: 'sig-1' };
    const toolCall = { type: 'toolCall', id: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } };
    // the streamed pieces, then the part with the whole block (as reported)
    assert.deepEqual(turn(new ThinkingPart('Read '), new ThinkingPart('it.'), signedPart('Read it.', 'sig-1'), call).content, [block, toolCall]);
    // merged into one part: the text in value, the signature in metadata
    assert.deepEqual(turn(new ThinkingPart(['Read ', 'it.'], 'id-1', { signature: 'sig-1' }), call).content, [block, toolCall]);
    // pieces, then a signed part without text of its own
    assert.deepEqual(turn(new ThinkingPart('Read '), new ThinkingPart('it.'), new ThinkingPart('', undefined, { signature: 'sig-1' }), call).content, [block, toolCall]);
    // redacted
    assert.deepEqual(turn(new ThinkingPart('', undefined, { redactedData: 'opaque' }), call).content, [{ type: 'redactedThinking', data: 'opaque' }, toolCall]);
    // unsigned reasoning cannot be sent back: left out, with a note
    const unsigned = mapRequest([user(new TextPart('q')), assistant(new ThinkingPart('hmm'), new TextPart('A.'))], {}, classes, CLAUDE);
    assert.deepEqual(unsigned.turns[1], { role: 'assistant', content: 'A.' });
    assert.deepEqual(unsigned.notes, ['earlier reasoning (thinking) without a signature was not sent back']);
    // thinking is an assistant's: in a user message it is left out
    const misplaced = mapRequest([user(new TextPart('q'), signedPart('x', 's'))], {}, classes, CLAUDE);
    assert.deepEqual(misplaced.turns, [{ role: 'user', content: 'q' }]);
    assert.deepEqual(misplaced.notes, ['thinking outside an assistant message was left out']);
  });

  it('counts the thinking that is sent back, and only that', () => {
    assert.equal(estimateTokens(assistant(signedPart('x'.repeat(40), 'sig')), classes), MESSAGE_OVERHEAD_TOKENS + 10);
    assert.equal(estimateTokens(assistant(new ThinkingPart('y'.repeat(40))), classes), MESSAGE_OVERHEAD_TOKENS);
  });

  it('through the loopback server: Agent mode’s second request carries the signed block and GMI accepts it; without it, thinking is left out', async () => {
    const fake = await startFakeGmi();
    const logs: string[] = [];
    const log = (m: string) => void logs.push(m);
    const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', maxRetries: 0, logger: { info: log, warn: log, error: log } });
    try {
      const tools = { tools: [{ name: 'read_file', description: 'Reads a file' }], toolMode: LmToolMode.Auto };
      const question = user(new TextPart('What does a.ts export?'));
      const prepared = { thinkingBudgetTokens: 2048 };
      fake.enqueue({ thinking: 'I should read a.ts first.', text: '', toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'a.ts' } }], chunkSize: 5 });
      const first = harness(client, { prepared });
      await respond(first.deps, model(), [question], tools, progressOf(first), new Token());
      const final = first.parts.find((p): p is ThinkingPart => p instanceof ThinkingPart && p.metadata !== undefined);
      assert.deepEqual(final?.metadata, { signature: fakeSignature('I should read a.ts first.'), _completeThinking: 'I should read a.ts first.' });

      // VS Code sends the reply's parts back as the assistant turn, then the tool's result
      fake.enqueue({ text: 'It exports a.' });
      const second = harness(client, { prepared });
      const history = [question, assistant(...first.parts), user(new ToolResultPart('toolu_1', [new TextPart('export const a = 1;')]))];
      await respond(second.deps, model(), history, tools, progressOf(second), new Token());
      assert.equal(textOf(second.parts), 'It exports a.');
      const body = fake.requests.at(-1)!.body as { thinking?: unknown; messages: Array<{ content: Array<Record<string, unknown>> }> };
      assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
      assert.deepEqual(body.messages[1].content[0], { type: 'thinking', thinking: 'I should read a.ts first.', signature: fakeSignature('I should read a.ts first.') });

      // a caller that drops the thinking parts: sent without thinking (one log line), not a 400
      fake.enqueue({ text: 'Still fine.' });
      const third = harness(client, { prepared });
      const stripped = [question, assistant(...first.parts.filter((p) => !(p instanceof ThinkingPart))), history[2]];
      await respond(third.deps, model(), stripped, tools, progressOf(third), new Token());
      assert.equal(textOf(third.parts), 'Still fine.');
      assert.equal((fake.requests.at(-1)!.body as { thinking?: unknown }).thinking, undefined);
      assert.equal(logs.filter((l) => l.startsWith('request parameters: gmi.thinking is not sent with this request')).length, 1);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
