// VS Code's chat cannot take back a text part: reasoning that a model sends inside the answer and
// closes with an unopened `</think>` must never be reported as answer text. The provider holds the
// leading text of models that may do this while it is undecided (bounded), and streams every other
// reply as it arrives.
import assert from 'node:assert/strict';
import { GmiClient } from '../../src/gmi/client';
import { mayReasonInline } from '../../src/gmi/thinkTags';
import type { StreamEvent } from '../../src/gmi/types';
import { respond } from '../../src/provider/responder';
import { InlineReasoningModels, ResponseParts } from '../../src/provider/responseParts';
import { startFakeGmi } from '../fake-gmi/server';
import { classes, TextPart, ThinkingPart, ToolCallPart, user } from './helpers/fakeLm';
import { events, harness, model, progressOf, ScriptedClient, Token } from './helpers/responderHarness';
import './helpers/unhandledRejections';

const R1 = 'deepseek-ai/DeepSeek-R1-0528';
const REASONING = 'Okay, the user asks for 2 + 2.\n';
const ANSWER = 'The answer is **4**.';

/** What the reply shows: its text parts and its thinking parts, joined. */
function shown(parts: unknown[]): { text: string; thinking: string } {
  const join = (v: string | string[]) => [v].flat().join('');
  return {
    text: parts.filter((p): p is TextPart => p instanceof TextPart).map((p) => p.value).join(''),
    thinking: parts.filter((p): p is ThinkingPart => p instanceof ThinkingPart).map((p) => join(p.value)).join(''),
  };
}

/** The splitter's events for `…</think>answer`, as the Chat Completions decoder hands them out. */
function inlineReasoning(): StreamEvent[] {
  return [
    { type: 'text', text: 'Okay, the user ' },
    { type: 'text', text: 'asks for 2 + 2.\n' },
    { type: 'textWasThinking', text: REASONING },
    { type: 'text', text: ANSWER },
    { type: 'end', reason: 'stop' },
  ];
}

describe('provider: reasoning inside the answer (an unopened </think>)', () => {
  it('the rule names the models that may send it', () => {
    for (const id of [R1, 'deepseek-ai/DeepSeek-R1-Distill-Qwen-32B', 'Qwen/QwQ-32B', 'Qwen/Qwen3-235B-A22B-Thinking-2507', 'moonshotai/Kimi-K2-Thinking', 'deepseek-reasoner']) {
      assert.ok(mayReasonInline(id), id);
    }
    for (const id of ['openai/gpt-4o', 'deepseek-ai/DeepSeek-V3.2', 'anthropic/claude-sonnet-4.5', 'zai-org/GLM-4.7-FP8', 'example-org/fake-model-1']) {
      assert.ok(!mayReasonInline(id), id);
    }
  });

  it('holds such a model’s leading text until </think> decides it: the reasoning is thinking, never answer text', async () => {
    const h = harness(new ScriptedClient(() => events(...inlineReasoning())), { prepared: { api: 'chatCompletions' } });
    await respond(h.deps, model(R1), [user(new TextPart('2 + 2?'))], {}, progressOf(h), new Token());
    assert.deepEqual(h.parts, [new ThinkingPart(REASONING), new TextPart(ANSWER)]);
  });

  it('a held reply without </think> is the answer: reported whole at the end, or before a tool call', async () => {
    const plain = harness(new ScriptedClient(() => events({ type: 'text', text: 'Just ' }, { type: 'text', text: 'an answer.' }, { type: 'end', reason: 'stop' })), {
      prepared: { api: 'chatCompletions' },
    });
    await respond(plain.deps, model(R1), [user(new TextPart('q'))], {}, progressOf(plain), new Token());
    assert.deepEqual(plain.parts, [new TextPart('Just an answer.')]);

    const call = { type: 'toolCall', id: 'call_1', name: 'read_file', input: { path: 'a.ts' } } as const;
    const tool = harness(new ScriptedClient(() => events({ type: 'text', text: 'Let me look.' }, call, { type: 'end', reason: 'toolCalls' })), { prepared: { api: 'chatCompletions' } });
    await respond(tool.deps, model(R1), [user(new TextPart('q'))], {}, progressOf(tool), new Token());
    assert.deepEqual(tool.parts, [new TextPart('Let me look.'), new ToolCallPart('call_1', 'read_file', { path: 'a.ts' })]);
  });

  it('reasoning that comes apart (reasoning_content or an opened <think>) ends the hold: the answer then streams', async () => {
    let reportedBeforeNext = -1;
    const h = harness(
      new ScriptedClient(async function* () {
        yield { type: 'thinking', text: 'Separate reasoning.' };
        yield { type: 'text', text: 'Answer ' };
        reportedBeforeNext = h.parts.length;
        yield { type: 'text', text: 'streams.' };
        yield { type: 'end', reason: 'stop' };
      }),
      { prepared: { api: 'chatCompletions' } },
    );
    await respond(h.deps, model(R1), [user(new TextPart('q'))], {}, progressOf(h), new Token());
    assert.equal(reportedBeforeNext, 2, 'the first text part was reported before the next event');
    assert.deepEqual(shown(h.parts), { thinking: 'Separate reasoning.', text: 'Answer streams.' });
  });

  it('every other reply streams as it arrives: nothing is held for a model without the rule, nor on Messages', async () => {
    for (const [id, api] of [
      ['openai/gpt-4o', 'chatCompletions'],
      [R1, 'messages'],
    ] as const) {
      let reportedBeforeNext = -1;
      const h = harness(
        new ScriptedClient(async function* () {
          yield { type: 'text', text: 'First ' };
          reportedBeforeNext = h.parts.length;
          yield { type: 'text', text: 'second.' };
          yield { type: 'end', reason: 'stop' };
        }),
        { prepared: { api } },
      );
      await respond(h.deps, model(id), [user(new TextPart('q'))], {}, progressOf(h), new Token());
      assert.equal(reportedBeforeNext, 1, `${id} on ${api}: the first text part was reported at once`);
      assert.deepEqual(h.parts, [new TextPart('First '), new TextPart('second.')]);
    }
  });

  it('a model seen closing an unopened </think> is held from its next reply on (logged once)', async () => {
    const inline = new InlineReasoningModels();
    const id = 'example-org/fake-model-1';
    const first = harness(new ScriptedClient(() => events(...inlineReasoning())), { prepared: { api: 'chatCompletions' }, inlineReasoning: inline });
    await respond(first.deps, model(id), [user(new TextPart('q'))], {}, progressOf(first), new Token());
    // not held the first time: the reasoning was already out as text (and the log says so)
    assert.equal(shown(first.parts).text, REASONING + ANSWER);
    assert.ok(first.logs.some((l) => l.startsWith(`info VS Code chat ← ${id}: its reasoning came inside the answer`)));
    assert.ok(first.logs.some((l) => l === `warn VS Code chat ← ${id}: ${REASONING.length} characters of reasoning had already been shown as answer text before its </think> came.`));

    const second = harness(new ScriptedClient(() => events(...inlineReasoning())), { prepared: { api: 'chatCompletions' }, inlineReasoning: inline });
    await respond(second.deps, model(id), [user(new TextPart('q'))], {}, progressOf(second), new Token());
    assert.deepEqual(second.parts, [new ThinkingPart(REASONING), new TextPart(ANSWER)]);
    assert.ok(!second.logs.some((l) => l.includes('its reasoning came inside the answer')));
  });

  it('holds at most the limit: longer leading text streams from there on, and what comes after </think> is still the answer', () => {
    const parts: unknown[] = [];
    const reply = new ResponseParts(classes, { report: (p) => void parts.push(p) }, true, 10);
    reply.handle({ type: 'text', text: 'twelve chars' });
    assert.deepEqual(parts, [new TextPart('twelve chars')], 'over the limit: reported');
    reply.handle({ type: 'text', text: ' more' });
    assert.deepEqual(parts.at(-1), new TextPart(' more'), 'and streamed from there');
    reply.handle({ type: 'textWasThinking', text: 'twelve chars more' });
    reply.handle({ type: 'text', text: 'Answer.' });
    reply.finish();
    assert.equal(reply.reasoningShownAsText, 17);
    assert.deepEqual(parts.slice(2), [new TextPart('Answer.')]);
  });

  it('through the loopback server: reasoning before an unopened </think> in any chunking is thinking in VS Code’s chat', async () => {
    const fake = await startFakeGmi();
    const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', maxRetries: 0 });
    try {
      for (const chunkSize of [1, 3, 7, 50]) {
        fake.enqueue({ thinking: 'The user wants a greeting.', thinkingFormat: 'closingTag', text: 'Hello there!', chunkSize });
        const h = harness(client, { prepared: { api: 'chatCompletions' } });
        await respond(h.deps, model(R1), [user(new TextPart('Say hello'))], {}, progressOf(h), new Token());
        assert.deepEqual(shown(h.parts), { thinking: 'The user wants a greeting.\n', text: 'Hello there!' }, `chunk size ${chunkSize}`);
        assert.ok(!h.parts.some((p) => p instanceof TextPart && p.value.includes('greeting')), `chunk size ${chunkSize}: no reasoning in a text part`);
      }
    } finally {
      await client.close();
      await fake.close();
    }
  });
});
