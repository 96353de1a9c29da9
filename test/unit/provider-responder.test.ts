import assert from 'node:assert/strict';
import { requestOptions } from '../../src/config/requestPolicy';
import { PRICES_AS_OF } from '../../src/gmi/catalog';
import type { StreamEvent, Usage } from '../../src/gmi/types';
import { respond } from '../../src/provider/responder';
import { LmToolMode } from '../../src/provider/vscodeLm';
import { classesWithoutThinking, DataPart, FakeLanguageModelError, PNG, system, TextPart, ThinkingPart, ToolCallPart, user } from './helpers/fakeLm';
import { events, harness, KEY, model, progressOf, ScriptedClient, Token } from './helpers/responderHarness';

describe('provider: responder', () => {
  it('streams text, thinking and complete tool calls as VS Code parts, in order', async () => {
    const client = new ScriptedClient(() =>
      events(
        { type: 'thinking', text: 'Need the file.' },
        { type: 'text', text: 'Let me ' },
        { type: 'text', text: 'look.' },
        { type: 'toolCall', id: 'call_1', name: 'read_file', input: { path: 'a.ts' } },
        { type: 'toolCall', id: 'call_2', name: 'read_file', input: { path: 'b.ts' } },
        { type: 'usage', usage: { inputTokens: 1000, cachedTokens: 400 } },
        { type: 'usage', usage: { outputTokens: 100 } },
        { type: 'end', reason: 'toolCalls' },
      ),
    );
    const h = harness(client);
    await respond(h.deps, model(), [user(new TextPart('Read a.ts and b.ts'))], { tools: [{ name: 'read_file', description: 'Reads' }], toolMode: LmToolMode.Auto }, progressOf(h), new Token());
    assert.deepEqual(h.parts, [
      new ThinkingPart('Need the file.'),
      new TextPart('Let me '),
      new TextPart('look.'),
      new ToolCallPart('call_1', 'read_file', { path: 'a.ts' }),
      new ToolCallPart('call_2', 'read_file', { path: 'b.ts' }),
    ]);
    assert.ok(h.parts[0] instanceof ThinkingPart && !(h.parts[0] instanceof TextPart));
    const req = client.requests[0];
    assert.equal(req.model, 'anthropic/claude-sonnet-4.5');
    assert.equal(req.api, 'messages');
    assert.deepEqual(req.tools, [{ name: 'read_file', description: 'Reads', inputSchema: { type: 'object', properties: {} } }]);
    assert.equal(req.toolChoice, 'auto');
    // usage: one record with merged counts, Messages' cache reads added to the prompt as under a
    // sidebar reply, the catalog's cost (1,000 × $3 + 400 × $0.30 + 100 × $15 per million), one log line
    assert.deepEqual(h.usage.models().map((m) => [m.model, m.requests, m.inputTokens, m.cachedTokens, m.outputTokens]), [['anthropic/claude-sonnet-4.5', 1, 1400, 400, 100]]);
    assert.equal(+h.usage.totals().usd.toFixed(6), 0.00462);
    assert.ok(h.logs.some((l) => l === `info Usage (VS Code chat) anthropic/claude-sonnet-4.5: 1,400 in (400 cached) · 100 out · ~$0.0046 (prices as of ${PRICES_AS_OF})`), h.logs.join('\n'));
  });

  it('counts usage as the sidebar’s reply footer does: Messages adds cache reads and writes to the prompt, Chat Completions already has them', async () => {
    const reply = (usage: Usage) => new ScriptedClient(() => events({ type: 'text', text: 'ok' }, { type: 'usage', usage }, { type: 'end', reason: 'stop' }));
    const h = harness(reply({ inputTokens: 1000, cachedTokens: 400, cacheWriteTokens: 100, outputTokens: 100 }));
    await respond(h.deps, model(), [user(new TextPart('q'))], {}, progressOf(h), new Token());
    const claude = h.usage.totals();
    assert.deepEqual([claude.inputTokens, claude.cachedTokens, claude.cacheWriteTokens, claude.outputTokens], [1500, 400, 100, 100]);
    // 1,000 × $3 + 400 × $0.30 + 100 × $3.75 + 100 × $15 per million (docs/MODELS.md)
    assert.equal(+claude.usd.toFixed(6), 0.004995);

    const g = harness(reply({ inputTokens: 1000, cachedTokens: 400, outputTokens: 100 }), { prepared: { api: 'chatCompletions' } });
    await respond(g.deps, model('openai/gpt-4o'), [user(new TextPart('q'))], {}, progressOf(g), new Token());
    const gpt = g.usage.totals();
    assert.deepEqual([gpt.inputTokens, gpt.cachedTokens, gpt.outputTokens], [1000, 400, 100]);
    // 600 × $2.50 + 400 × $1.25 + 100 × $10 per million
    assert.equal(+gpt.usd.toFixed(6), 0.003);
    assert.ok(g.logs.some((l) => l.startsWith('info Usage (VS Code chat) openai/gpt-4o: 1,000 in (400 cached) · 100 out · ~$0.0030')));

    // a gmi.api override prices the format actually used: Claude on Chat Completions counts like OpenAI
    const o = harness(reply({ inputTokens: 1000, cachedTokens: 400, outputTokens: 100 }), { prepared: { api: 'chatCompletions' } });
    await respond(o.deps, model(), [user(new TextPart('q'))], {}, progressOf(o), new Token());
    assert.equal(o.usage.totals().inputTokens, 1000);
  });

  it('drops reasoning where VS Code has no thinking part, never mixing it into the answer', async () => {
    const client = new ScriptedClient(() => events({ type: 'thinking', text: 'secret plan' }, { type: 'text', text: 'Answer' }, { type: 'end', reason: 'stop' }));
    const h = harness(client, { parts: classesWithoutThinking });
    await respond(h.deps, model(), [user(new TextPart('q'))], {}, progressOf(h), new Token());
    assert.deepEqual(h.parts, [new TextPart('Answer')]);
    assert.ok(h.logs.some((l) => /^debug .*11 characters of reasoning not shown/.test(l)));
  });

  it('builds the request with VS Code’s system prompt plus gmi.systemPrompt, and caps the reply length', async () => {
    const client = new ScriptedClient(() => events({ type: 'end', reason: 'stop' }));
    const h = harness(client, { prepared: { api: 'chatCompletions', system: 'Answer in French.', maxTokens: 50_000, temperature: 0.3, maxOutputTokens: 16_384 } });
    await respond(h.deps, model('openai/gpt-4o'), [system(new TextPart('You are an expert.')), user(new TextPart('hi'))], {}, progressOf(h), new Token());
    const req = client.requests[0];
    assert.equal(req.system, 'You are an expert.\n\nAnswer in French.');
    assert.equal(req.api, 'chatCompletions');
    assert.equal(req.maxTokens, 16_384);
    assert.equal(req.temperature, 0.3);
    assert.equal(req.tools, undefined);
    // modelOptions from the caller win over the settings
    await respond(h.deps, model('openai/gpt-4o'), [user(new TextPart('hi'))], { modelOptions: { max_tokens: 100, temperature: 1.2 } }, progressOf(h), new Token());
    assert.equal(client.requests[1].maxTokens, 100);
    assert.equal(client.requests[1].temperature, 1.2);
  });

  it('sends the sidebar’s request policy: gmi.thinking, gmi.reasoningEffort, temperature and maxTokens from the settings', async () => {
    const client = new ScriptedClient(() => events({ type: 'end', reason: 'stop' }));
    const settings = requestOptions({ maxTokens: 4000, temperature: 0.4, thinkingBudgetTokens: 2048, reasoningEffort: 'high' });
    const h = harness(client, { prepared: { ...settings, maxOutputTokens: 32_000 } });
    await respond(h.deps, model(), [user(new TextPart('hi'))], {}, progressOf(h), new Token());
    const req = client.requests[0];
    assert.deepEqual([req.maxTokens, req.temperature, req.thinkingBudgetTokens, req.reasoningEffort], [4000, 0.4, 2048, 'high']);
  });

  it('the caller’s modelOptions max_tokens, temperature and reasoning_effort win; thinking comes only from gmi.thinking', async () => {
    const client = new ScriptedClient(() => events({ type: 'end', reason: 'stop' }));
    const h = harness(client, { prepared: { maxTokens: 4000, temperature: 0.4, thinkingBudgetTokens: 2048, reasoningEffort: 'high', maxOutputTokens: 16_384 } });
    const modelOptions = { max_tokens: 99_999, temperature: 0, reasoning_effort: 'low', thinking: { type: 'enabled', budget_tokens: 50_000 }, top_p: 0.1 };
    await respond(h.deps, model(), [user(new TextPart('hi'))], { modelOptions }, progressOf(h), new Token());
    const req = client.requests[0];
    assert.deepEqual([req.maxTokens, req.temperature, req.reasoningEffort, req.thinkingBudgetTokens], [16_384, 0, 'low', 2048]);
    assert.equal('top_p' in req, false);
    // values we cannot use leave the settings in place
    await respond(h.deps, model(), [user(new TextPart('hi'))], { modelOptions: { max_tokens: -1, temperature: 7, reasoning_effort: 'max' } }, progressOf(h), new Token());
    const kept = client.requests[1];
    assert.deepEqual([kept.maxTokens, kept.temperature, kept.reasoningEffort], [4000, 0.4, 'high']);
  });

  it('refuses an image for a model without image input before asking for a key or sending anything', async () => {
    const client = new ScriptedClient(() => events({ type: 'end', reason: 'stop' }));
    const h = harness(client);
    await assert.rejects(
      respond(h.deps, model('deepseek-ai/DeepSeek-V3.2', false), [user(new TextPart('look'), DataPart.image(PNG, 'image/png'))], {}, progressOf(h), new Token()),
      /DeepSeek-V3\.2 does not accept images, so nothing was sent\. Remove the image/,
    );
    assert.equal(h.prepared, 0);
    assert.equal(client.requests.length, 0);
  });

  it('aborts the HTTP request the moment VS Code cancels, and ends without an error', async () => {
    const token = new Token();
    const client = new ScriptedClient(async function* (signal) {
      yield { type: 'text', text: 'partial' };
      token.cancel();
      assert.equal(signal.aborted, true, 'aborted synchronously by the cancellation');
      yield { type: 'end', reason: 'cancelled' };
    });
    const h = harness(client);
    await respond(h.deps, model(), [user(new TextPart('q'))], {}, progressOf(h), token);
    assert.equal(client.signal?.aborted, true);
    assert.equal(token.listening, 0, 'the cancellation listener is removed');
    assert.deepEqual(h.parts, [new TextPart('partial')]);
  });

  it('does not send at all when cancelled before the request starts', async () => {
    const token = new Token();
    token.cancel();
    const client = new ScriptedClient(() => events({ type: 'end', reason: 'stop' }));
    const h = harness(client);
    await respond(h.deps, model(), [user(new TextPart('q'))], {}, progressOf(h), token);
    assert.equal(client.requests.length, 0);
  });

  const failures: Array<[string, StreamEvent & { type: 'error' }, string, RegExp]> = [
    ['auth → NoPermissions', { type: 'error', partial: false, error: { kind: 'auth', status: 401, message: `GMI rejected the API key ${KEY} (401).`, action: 'setApiKey' } }, 'NoPermissions', /^GMI rejected the API key \[redacted\] \(401\)\. Next: run “GMI: Set API Key”, or try again\.$/],
    ['unknown model → NotFound', { type: 'error', partial: false, error: { kind: 'modelNotFound', status: 404, message: 'GMI has no model x/y.', action: 'selectModel' } }, 'NotFound', /^GMI has no model x\/y\. Next: choose another model .*, or try again\.$/],
    ['rate limit → Blocked', { type: 'error', partial: false, error: { kind: 'rateLimit', status: 429, message: 'Rate limited.', action: 'retry' } }, 'Blocked', /^Rate limited\. Next: try again, or see “GMI: Show Log” for details\.$/],
    ['server error → Error', { type: 'error', partial: true, error: { kind: 'server', status: 500, message: 'GMI had a server error.', action: 'retry' } }, '', /^GMI had a server error\. Next: try again, or see “GMI: Show Log” for details\.$/],
  ];
  for (const [name, event, code, message] of failures) {
    it(`throws the sidebar’s message and next steps: ${name}`, async () => {
      const client = new ScriptedClient(() => events({ type: 'text', text: 'x' }, event));
      const h = harness(client);
      const err = await respond(h.deps, model(), [user(new TextPart('q'))], {}, progressOf(h), new Token()).then(
        () => assert.fail('no error'),
        (e: unknown) => e as Error,
      );
      assert.match(err.message, message);
      assert.ok(!err.message.includes(KEY));
      if (code) assert.ok(err instanceof FakeLanguageModelError && err.code === code, `expected ${code}, got ${String(err)}`);
      else assert.ok(!(err instanceof FakeLanguageModelError));
    });
  }

  it('a missing key (the user declined the prompt) is NoPermissions with the Set API Key step', async () => {
    const h = harness({ blocked: true, message: 'A GMI API key is needed. Set one and try again — your question is kept.', actions: ['setApiKey'] });
    await assert.rejects(
      respond(h.deps, model(), [user(new TextPart('q'))], {}, progressOf(h), new Token()),
      (e: unknown) => e instanceof FakeLanguageModelError && e.code === 'NoPermissions' && /A GMI API key is needed\..* Next: run “GMI: Set API Key”\.$/.test(e.message),
    );
  });

  /** The reply's text parts joined, and how it ended (resolved, or the error's message). */
  async function outcome(h: ReturnType<typeof harness>, id: string, options: Parameters<typeof respond>[3] = {}): Promise<{ text: string; error?: string }> {
    const error = await respond(h.deps, model(id), [user(new TextPart('q'))], options, progressOf(h), new Token()).then(
      () => undefined,
      (e: unknown) => (e as Error).message,
    );
    return { text: h.parts.map((p) => (p instanceof TextPart ? p.value : '')).join(''), ...(error ? { error } : {}) };
  }

  it('a reply cut at the maximum length ends with the sidebar’s notice after its text (not an error, which would hide that text), naming the limit that applied', async () => {
    const cut = () => new ScriptedClient(() => events({ type: 'text', text: 'long…' }, { type: 'end', reason: 'length' }));
    assert.deepEqual(await outcome(harness(cut(), { prepared: { maxTokens: 500 } }), 'anthropic/claude-sonnet-4.5'), {
      text: 'long…\n\n> The reply stopped at the maximum length of 500 tokens set in gmi.maxTokens. Ask to continue, or raise the limit. Next: check the GMI settings (Preferences: Open Settings, search “gmi”).',
    });
    // no gmi.maxTokens: the model's own limit, and no setting is blamed
    assert.deepEqual(await outcome(harness(cut()), 'anthropic/claude-sonnet-4.5'), {
      text: "long…\n\n> The reply stopped at anthropic/claude-sonnet-4.5's maximum reply length (32,000 tokens). Ask it to continue where it stopped.",
    });
    // the caller's max_tokens: the caller asked for it
    const caller = await outcome(harness(cut(), { prepared: { maxTokens: 500 } }), 'anthropic/claude-sonnet-4.5', { modelOptions: { max_tokens: 64 } });
    assert.match(caller.text, /\n\n> The reply stopped at the maximum length of 64 tokens the request asked for \(max_tokens\)\./);
  });

  for (const [reason, wording] of [
    ['contentFilter', "> The provider's content filter stopped this reply (finish reason content_filter): it was declined, not finished. Rephrase the question, or try another model. Next: choose another model (“GMI: Select Model”, or the model picker in VS Code’s chat), or try again."],
    ['refusal', '> openai/gpt-4o declined to answer (stop reason refusal). Rephrase the question, or try another model. Next: choose another model (“GMI: Select Model”, or the model picker in VS Code’s chat), or try again.'],
  ] as const) {
    it(`a reply ended by ${reason} does not end silently: the sidebar’s notice follows the text`, async () => {
      const reply = (...before: StreamEvent[]) => new ScriptedClient(() => events(...before, { type: 'end', reason }));
      const h = harness(reply({ type: 'text', text: 'Well,' }), { prepared: { api: 'chatCompletions' } });
      assert.deepEqual(await outcome(h, 'openai/gpt-4o'), { text: `Well,\n\n${wording}` });
      assert.ok(h.logs.some((l) => l.startsWith(`info VS Code chat → openai/gpt-4o: ended (${reason}): `)));
      // declined before any text: the notice alone
      assert.deepEqual(await outcome(harness(reply(), { prepared: { api: 'chatCompletions' } }), 'openai/gpt-4o'), { text: wording });
    });
  }
});
