// GMI models in VS Code's own chat (the LanguageModelChatProvider, VS Code 1.104+), driven through the
// public `vscode.lm` API against the loopback fake GMI server. On an older VS Code the provider must be
// absent and "GMI: Manage Models" must still work.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FAKE_MODELS } from '../fake-gmi/server';
import { fakeSignature } from '../fake-gmi/thinking';
import { chatRequests, setKey, slowReply, TEST_KEY, useLoopbackGmi, waitFor } from './helpers';

/** The provider API was finalized in VS Code 1.104. */
const PROVIDER_API = typeof (vscode.lm as unknown as Record<string, unknown>).registerLanguageModelChatProvider === 'function';
const [major, minor] = vscode.version.split('.').map(Number);
const AT_LEAST_1_104 = major > 1 || (major === 1 && minor >= 104);

/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
);

// Parts of the ≥1.104 API that @types/vscode 1.100 does not declare.
const lm = vscode as unknown as { LanguageModelDataPart: { image(data: Uint8Array, mime: string): unknown } };

type Obj = Record<string, any>;

/** The GMI models VS Code offers, once they pass `check` (VS Code re-reads them after a change). */
async function gmiModelsWhere(what: string, check: (models: vscode.LanguageModelChat[]) => boolean): Promise<vscode.LanguageModelChat[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const models = await vscode.lm.selectChatModels({ vendor: 'gmi' });
    if (check(models)) return models;
    if (Date.now() > deadline) throw new Error(`expected ${what}, got ${models.map((m) => m.id).join(', ') || 'no GMI models'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const gmiModels = (count: number) => gmiModelsWhere(`${count} GMI models`, (models) => models.length === count);

async function gmiModel(id: string): Promise<vscode.LanguageModelChat> {
  const [model] = await vscode.lm.selectChatModels({ vendor: 'gmi', id });
  assert.ok(model, `${id} is not offered`);
  return model;
}

/** Sends and reads the whole response; returns its parts. Throws what the request or its stream throws. */
async function send(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], options: vscode.LanguageModelChatRequestOptions = {}, token?: vscode.CancellationToken): Promise<unknown[]> {
  const response = await model.sendRequest(messages, options, token);
  const parts: unknown[] = [];
  for await (const part of response.stream) parts.push(part);
  return parts;
}

const textOf = (parts: unknown[]) => parts.filter((p): p is vscode.LanguageModelTextPart => p instanceof vscode.LanguageModelTextPart).map((p) => p.value).join('');
const lastPost = (t: { fake: { requests: Array<{ method: string; path: string; body?: unknown }> } }) => chatRequests(t.fake as never).at(-1)!;

describe(`VS Code chat provider on VS Code ${vscode.version}${PROVIDER_API ? '' : ' (provider tests skipped: VS Code’s chat takes extension models from 1.104 on)'}`, () => {
  if (!PROVIDER_API) {
    describe('before 1.104', () => {
      const t = useLoopbackGmi();

      it('has no provider API, lists no GMI models, and says so in GMI: Manage Models', async () => {
        assert.equal(AT_LEAST_1_104, false, `VS Code ${vscode.version} should have registerLanguageModelChatProvider`);
        assert.deepEqual(await vscode.lm.selectChatModels({ vendor: 'gmi' }), []);
        t.stubs.stub('showInformationMessage', async () => undefined);
        await vscode.commands.executeCommand('gmi.manageModels');
        const [note] = t.stubs.messages('showInformationMessage');
        assert.match(note ?? '', /VS Code’s own chat from VS Code 1\.104 on/);
        assert.match(note ?? '', new RegExp(`this is ${vscode.version.replace(/\./g, '\\.')}`));
      });
    });
    return;
  }

  const t = useLoopbackGmi();
  const ids = FAKE_MODELS.map((m) => m.id).sort();

  it('before the loopback host is approved the chat lists the catalog; the first request approves it and brings the live list', async () => {
    // This file's fake server listens on a new port, so its host is not approved yet: listing is silent.
    const catalog = await gmiModelsWhere('the catalog', (models) => models.some((m) => m.id === 'google/gemini-3-pro-preview'));
    assert.ok(!catalog.some((m) => m.id === 'example-org/fake-model-1'));
    const sonnet = catalog.find((m) => m.id === 'anthropic/claude-sonnet-4.5')!;
    // The provider tells VS Code once the live list is there (not only when VS Code happens to ask again).
    let changed!: () => void;
    const told = new Promise<void>((resolve) => (changed = resolve));
    const subscription = vscode.lm.onDidChangeChatModels(() => changed());
    try {
      t.fake.enqueue({ text: 'Approved.' });
      assert.equal(textOf(await send(sonnet, [vscode.LanguageModelChatMessage.User('hi')])), 'Approved.');
      assert.ok(t.stubs.messages('showWarningMessage').some((m) => /^Send your GMI API key to 127\.0\.0\.1:\d+\?/.test(m)));
      await Promise.race([told, new Promise((_, reject) => setTimeout(() => reject(new Error('VS Code was not told that the models changed')), 10_000))]);
    } finally {
      subscription.dispose();
    }
    const live = await vscode.lm.selectChatModels({ vendor: 'gmi' });
    assert.deepEqual(live.map((m) => m.id).sort(), ids);
  });

  it('GMI: Manage Models lists the live models and hides the unticked ones from VS Code’s chat', async () => {
    t.stubs.stub('showInformationMessage', async () => undefined);
    let offered: string[] = [];
    let round = 0;
    t.stubs.stub('showQuickPick', async (items: Array<vscode.QuickPickItem & { id: string }> | Thenable<unknown>, options: vscode.QuickPickOptions) => {
      const list = (await items) as Array<vscode.QuickPickItem & { id: string }>;
      if (!options.canPickMany) return list.find((i) => i.id === 'choose');
      offered = list.map((i) => i.id);
      // first time: everything but GLM; second time: everything
      return round++ === 0 ? list.filter((i) => i.id !== 'zai-org/GLM-4.7-FP8') : list;
    });
    try {
      await vscode.commands.executeCommand('gmi.manageModels');
      assert.deepEqual([...offered].sort(), ids);
      const shown = (await gmiModels(ids.length - 1)).map((m) => m.id).sort();
      assert.deepEqual(shown, ids.filter((id) => id !== 'zai-org/GLM-4.7-FP8'));
    } finally {
      round = 1; // tick everything again
      await vscode.commands.executeCommand('gmi.manageModels');
    }
    await gmiModels(ids.length);
  });

  it('lists the server’s models with readable names and their limits', async () => {
    const models = await gmiModels(ids.length);
    assert.deepEqual(models.map((m) => m.id).sort(), ids);
    const byId = new Map(models.map((m) => [m.id, m]));
    const sonnet = byId.get('anthropic/claude-sonnet-4.5')!;
    assert.equal(sonnet.name, 'Claude Sonnet 4.5');
    assert.equal(sonnet.vendor, 'gmi');
    assert.equal(sonnet.family, 'claude-sonnet-4.5');
    // /models says 409,600 context; the catalog says 32,000 out
    assert.equal(sonnet.maxInputTokens, 409_600 - 32_000);
    // only /models knows this one: 32,768 context, the 8,192 default reply
    assert.equal(byId.get('example-org/fake-model-1')!.maxInputTokens, 32_768 - 8_192);
    assert.equal(byId.get('openai/gpt-4o')!.name, 'GPT-4o');
  });

  it('sendRequest streams the answer on the model’s endpoint, and counts tokens', async () => {
    const model = await gmiModel('anthropic/claude-sonnet-4.5');
    t.fake.enqueue(slowReply('Hello from GMI, streamed.', { usage: { input: 42, output: 17 } }));
    const parts = await send(model, [vscode.LanguageModelChatMessage.User('Say hello')]);
    assert.equal(textOf(parts), 'Hello from GMI, streamed.');
    assert.ok(parts.length > 1, `expected several streamed parts, got ${parts.length}`);
    const req = lastPost(t);
    assert.equal(req.path, '/v1/messages');
    assert.equal((req.body as Obj).model, 'anthropic/claude-sonnet-4.5');
    assert.match(JSON.stringify((req.body as Obj).messages.at(-1)), /Say hello/);
    await waitFor('the usage log line', () => t.api.logLines().find((l) => /Usage \(VS Code chat\) anthropic\/claude-sonnet-4\.5: 42 in · 17 out/.test(l)));
    assert.equal(await model.countTokens('abcdefgh'), 2);

    const gpt = await gmiModel('openai/gpt-4o');
    t.fake.enqueue({ text: 'Chat Completions here.' });
    assert.equal(textOf(await send(gpt, [vscode.LanguageModelChatMessage.User('hi')])), 'Chat Completions here.');
    assert.equal(lastPost(t).path, '/v1/chat/completions');
  });

  it('reasoning comes as thinking parts where VS Code has them, never in the answer text', async () => {
    const model = await gmiModel('anthropic/claude-sonnet-4.5');
    t.fake.enqueue({ thinking: 'First, recall the greeting.', text: 'Hello.' });
    const parts = await send(model, [vscode.LanguageModelChatMessage.User('Greet me')]);
    assert.equal(textOf(parts), 'Hello.');
    const Thinking = (vscode as unknown as { LanguageModelThinkingPart?: new (...a: never[]) => { value: string | string[] } }).LanguageModelThinkingPart;
    if (Thinking) {
      const thinking = parts.filter((p) => p instanceof Thinking).map((p) => [(p as { value: string | string[] }).value].flat().join('')).join('');
      assert.equal(thinking, 'First, recall the greeting.');
    } else {
      assert.ok(!parts.some((p) => JSON.stringify(p).includes('recall the greeting')));
    }
    console.log(`      thinking parts: ${Thinking ? 'supported' : 'not in this VS Code (dropped)'}`);
  });

  it('reasoning a model closes with an unopened </think> is held back and shown as thinking, never in the answer text', async () => {
    const kimi = await gmiModel('moonshotai/Kimi-K2-Thinking');
    t.fake.enqueue({ thinking: 'The user wants a greeting; keep it short.', thinkingFormat: 'closingTag', text: 'Hello.', chunkSize: 5 });
    const parts = await send(kimi, [vscode.LanguageModelChatMessage.User('Greet me')]);
    assert.equal(lastPost(t).path, '/v1/chat/completions');
    assert.equal(textOf(parts), 'Hello.');
    assert.ok(!parts.some((p) => p instanceof vscode.LanguageModelTextPart && /greeting/.test(p.value)), 'no reasoning in a text part');
    const Thinking = (vscode as unknown as { LanguageModelThinkingPart?: new (...a: never[]) => { value: string | string[] } }).LanguageModelThinkingPart;
    if (Thinking) {
      const thinking = parts.filter((p) => p instanceof Thinking).map((p) => [(p as { value: string | string[] }).value].flat().join('')).join('');
      assert.equal(thinking, 'The user wants a greeting; keep it short.\n');
    }
  });

  describe('settings', () => {
    const config = () => vscode.workspace.getConfiguration('gmi');
    const set = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Global);
    afterEach(async () => {
      for (const key of ['thinking', 'reasoningEffort', 'temperature', 'maxTokens']) await set(key, undefined);
    });

    it('gmi.thinking, gmi.temperature, gmi.maxTokens and gmi.reasoningEffort reach the request as the sidebar sends them', async () => {
      await set('thinking', '4096');
      await set('temperature', 1.5);
      const claude = await gmiModel('anthropic/claude-sonnet-4.5');
      t.fake.enqueue({ thinking: 'Weighing it.', text: 'Thought it through.' });
      assert.equal(textOf(await send(claude, [vscode.LanguageModelChatMessage.User('Think first.')])), 'Thought it through.');
      const thinking = lastPost(t).body as Obj;
      assert.deepEqual(thinking.thinking, { type: 'enabled', budget_tokens: 4096 });
      assert.equal(thinking.temperature, undefined, 'no temperature with thinking');

      await set('thinking', 'off');
      await set('maxTokens', 1000);
      t.fake.enqueue({ text: 'Plain.' });
      await send(claude, [vscode.LanguageModelChatMessage.User('Now without.')]);
      const plain = lastPost(t).body as Obj;
      assert.equal(plain.thinking, undefined);
      assert.equal(plain.temperature, 1, "Claude's temperature is at most 1");
      assert.equal(plain.max_tokens, 1000);

      await set('reasoningEffort', 'low');
      const gpt5 = await gmiModel('openai/gpt-5');
      t.fake.enqueue({ text: 'Quick.' });
      await send(gpt5, [vscode.LanguageModelChatMessage.User('Be quick.')]);
      const effort = lastPost(t).body as Obj;
      assert.equal(effort.reasoning_effort, 'low');
      assert.equal(effort.max_completion_tokens, 1000);
      assert.equal('temperature' in effort, false);
    });

    it('a caller’s modelOptions max_tokens and reasoning_effort win over the settings', async () => {
      await set('maxTokens', 1000);
      await set('reasoningEffort', 'low');
      const gpt5 = await gmiModel('openai/gpt-5');
      t.fake.enqueue({ text: 'Thorough.' });
      await send(gpt5, [vscode.LanguageModelChatMessage.User('Be thorough.')], { modelOptions: { max_tokens: 2000, reasoning_effort: 'high' } });
      const body = lastPost(t).body as Obj;
      assert.equal(body.reasoning_effort, 'high');
      assert.equal(body.max_completion_tokens, 2000);
    });
  });

  it('usage is logged as the sidebar counts it: Messages’ cache reads and writes are part of the prompt, priced by the catalog', async () => {
    const claude = await gmiModel('anthropic/claude-sonnet-4.5');
    t.fake.enqueue({ text: 'Cached.', usage: { input: 100, cached: 900, cacheWrite: 50, output: 10 } });
    await send(claude, [vscode.LanguageModelChatMessage.User('Again, please.')]);
    // 100 × $3 + 900 × $0.30 + 50 × $3.75 + 10 × $15 per million = $0.0009075
    await waitFor('the usage log line', () =>
      t.api.logLines().find((l) => l.includes('Usage (VS Code chat) anthropic/claude-sonnet-4.5: 1,050 in (900 cached) · 50 written to cache · 10 out · ~$0.0009 (prices as of')),
    );
  });

  it('a content filter, a refusal or the length limit does not end silently: the sidebar’s notice follows the text', async () => {
    const gpt = await gmiModel('openai/gpt-4o');
    t.fake.enqueue({ text: 'Well,', stopReason: 'content_filter' });
    const filtered = textOf(await send(gpt, [vscode.LanguageModelChatMessage.User('Tell me something filtered.')]));
    assert.match(filtered, /^Well,\n\n> The provider's content filter stopped this reply \(finish reason content_filter\): it was declined, not finished\. .* Next: choose another model/);

    const claude = await gmiModel('anthropic/claude-sonnet-4.5');
    t.fake.enqueue({ text: 'I can’t help with that.', stopReason: 'refusal' });
    const refused = textOf(await send(claude, [vscode.LanguageModelChatMessage.User('Something it declines.')]));
    assert.match(refused, /^I can’t help with that\.\n\n> anthropic\/claude-sonnet-4\.5 declined to answer \(stop reason refusal\)\./);

    t.fake.enqueue({ text: 'A long answer that', stopReason: 'max_tokens' });
    const cut = textOf(await send(claude, [vscode.LanguageModelChatMessage.User('Write a lot.')], { modelOptions: { max_tokens: 50 } }));
    assert.equal(cut, 'A long answer that\n\n> The reply stopped at the maximum length of 50 tokens the request asked for (max_tokens). Ask it to continue where it stopped.');
  });

  const tool = { name: 'read_file', description: 'Reads a workspace file', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } };
  for (const [id, path] of [['anthropic/claude-sonnet-4.5', '/v1/messages'], ['openai/gpt-4o', '/v1/chat/completions']] as const) {
    it(`a tool round trip on ${path}: the call comes out as a part, its result goes back in the server’s format`, async () => {
      const model = await gmiModel(id);
      t.fake.enqueue({ text: 'Reading it.', toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"src/a.ts"}' }] });
      const question = vscode.LanguageModelChatMessage.User('What does src/a.ts export?');
      const parts = await send(model, [question], { tools: [tool], toolMode: vscode.LanguageModelChatToolMode.Auto });
      assert.equal(textOf(parts), 'Reading it.');
      const calls = parts.filter((p): p is vscode.LanguageModelToolCallPart => p instanceof vscode.LanguageModelToolCallPart);
      assert.deepEqual(calls.map((c) => [c.callId, c.name, c.input]), [['call_1', 'read_file', { path: 'src/a.ts' }]]);
      const first = lastPost(t).body as Obj;
      assert.equal(first.tools.length, 1);
      if (path === '/v1/messages') {
        assert.deepEqual(first.tools[0], { name: 'read_file', description: tool.description, input_schema: tool.inputSchema });
      } else {
        assert.deepEqual(first.tools[0], { type: 'function', function: { name: 'read_file', description: tool.description, parameters: tool.inputSchema } });
      }

      t.fake.enqueue({ text: 'It exports a.' });
      const answer = await send(
        model,
        [
          question,
          vscode.LanguageModelChatMessage.Assistant([new vscode.LanguageModelTextPart('Reading it.'), calls[0]]),
          vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart('call_1', [new vscode.LanguageModelTextPart('export const a = 1;')])]),
        ],
        { tools: [tool] },
      );
      assert.equal(textOf(answer), 'It exports a.');
      const messages = (lastPost(t).body as Obj).messages as Obj[];
      if (path === '/v1/messages') {
        const assistant = messages.find((m) => m.role === 'assistant')!;
        assert.ok(assistant.content.some((b: Obj) => b.type === 'tool_use' && b.id === 'call_1' && b.name === 'read_file' && b.input.path === 'src/a.ts'), JSON.stringify(assistant));
        const result = messages.at(-1)!;
        assert.equal(result.role, 'user');
        assert.equal(result.content[0].type, 'tool_result');
        assert.equal(result.content[0].tool_use_id, 'call_1');
        assert.match(JSON.stringify(result.content[0].content), /export const a = 1;/);
      } else {
        const assistant = messages.find((m) => m.role === 'assistant')!;
        assert.equal(assistant.tool_calls[0].id, 'call_1');
        assert.equal(assistant.tool_calls[0].function.name, 'read_file');
        assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), { path: 'src/a.ts' });
        const result = messages.at(-1)!;
        assert.equal(result.role, 'tool');
        assert.equal(result.tool_call_id, 'call_1');
        assert.match(JSON.stringify(result.content), /export const a = 1;/);
      }
    });
  }

  describe('thinking with tools on Claude', () => {
    const set = (key: string, value: unknown) => vscode.workspace.getConfiguration('gmi').update(key, value, vscode.ConfigurationTarget.Global);
    afterEach(() => set('thinking', undefined));
    const Thinking = (vscode as unknown as { LanguageModelThinkingPart?: new (...a: never[]) => { value: string | string[]; metadata?: Obj } }).LanguageModelThinkingPart;

    it('the signed thinking block goes out as a thinking part, comes back with the tool turn, and GMI accepts it; without it the request goes without thinking', async function () {
      if (!Thinking) this.skip();
      await set('thinking', '2048');
      const claude = await gmiModel('anthropic/claude-sonnet-4.5');
      const question = vscode.LanguageModelChatMessage.User('What does src/a.ts export?');
      t.fake.enqueue({ thinking: 'Read src/a.ts first.', text: '', toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'src/a.ts' } }], chunkSize: 4 });
      const parts = await send(claude, [question], { tools: [tool], toolMode: vscode.LanguageModelChatToolMode.Auto });
      const signed = parts.find((p) => p instanceof Thinking! && (p as { metadata?: Obj }).metadata?.signature) as { metadata: Obj } | undefined;
      assert.deepEqual(signed?.metadata, { signature: fakeSignature('Read src/a.ts first.'), _completeThinking: 'Read src/a.ts first.' });
      assert.ok(parts.some((p) => p instanceof vscode.LanguageModelToolCallPart));

      // Agent mode's next request: the reply's parts as the assistant turn, then the tool's result
      const result = vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart('toolu_1', [new vscode.LanguageModelTextPart('export const a = 1;')])]);
      t.fake.enqueue({ text: 'It exports a.' });
      const answer = await send(claude, [question, vscode.LanguageModelChatMessage.Assistant(parts as vscode.LanguageModelTextPart[]), result], { tools: [tool] });
      assert.equal(textOf(answer), 'It exports a.');
      const body = lastPost(t).body as Obj;
      assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
      assert.deepEqual(body.messages[1].content[0], { type: 'thinking', thinking: 'Read src/a.ts first.', signature: fakeSignature('Read src/a.ts first.') });

      // a caller that drops the thinking parts still gets an answer (the loopback server refuses
      // such a turn with thinking on, as Anthropic does): the request goes without thinking
      const withoutThinking = parts.filter((p) => !(p instanceof Thinking!)) as vscode.LanguageModelTextPart[];
      t.fake.enqueue({ text: 'Still answered.' });
      const still = await send(claude, [question, vscode.LanguageModelChatMessage.Assistant(withoutThinking), result], { tools: [tool] });
      assert.equal(textOf(still), 'Still answered.');
      assert.equal((lastPost(t).body as Obj).thinking, undefined);
      await waitFor('the log line', () => t.api.logLines().find((l) => l.includes('gmi.thinking is not sent with this request: the last assistant turn with tool calls came back without its signed thinking block')));
    });
  });

  it('an image part reaches the server; a model without image input refuses it before sending', async () => {
    const model = await gmiModel('anthropic/claude-sonnet-4.5');
    t.fake.enqueue({ text: 'A single pixel.' });
    const image = lm.LanguageModelDataPart.image(PNG, 'image/png');
    const user = vscode.LanguageModelChatMessage.User([new vscode.LanguageModelTextPart('What is this?'), image as vscode.LanguageModelTextPart]);
    assert.equal(textOf(await send(model, [user])), 'A single pixel.');
    const content = ((lastPost(t).body as Obj).messages as Obj[]).at(-1)!.content as Obj[];
    assert.ok(
      content.some((b) => b.type === 'image' && b.source?.type === 'base64' && b.source.media_type === 'image/png' && b.source.data === Buffer.from(PNG).toString('base64')),
      JSON.stringify(content),
    );

    const deepseek = await gmiModel('deepseek-ai/DeepSeek-V3.2');
    const before = chatRequests(t.fake).length;
    await assert.rejects(send(deepseek, [user]), (err: Error) => /does not accept images, so nothing was sent/.test(`${err.message} ${String((err as Obj).cause?.message ?? '')}`));
    assert.equal(chatRequests(t.fake).length, before, 'nothing was sent');
  });

  it('cancelling closes the HTTP connection at once', async () => {
    const model = await gmiModel('anthropic/claude-sonnet-4.5');
    t.fake.enqueue(slowReply('x'.repeat(4000), { chunkSize: 4, delayMs: 20 }));
    const cts = new vscode.CancellationTokenSource();
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User('Write a lot')], {}, cts.token);
    const iterator = response.text[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    cts.cancel();
    const index = t.fake.requests.findIndex((r) => r.method === 'POST');
    assert.equal(await t.fake.waitForOutcome(index), 'clientClosed');
    // the stream ends (or rejects as cancelled) instead of hanging
    await Promise.race([
      (async () => {
        try {
          while (!(await iterator.next()).done);
        } catch {
          /* cancelled */
        }
      })(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the stream did not end after cancel')), 10_000)),
    ]);
    cts.dispose();
  });

  it('a 401 throws a readable error that names the next step and holds no key', async () => {
    const wrongKey = 'eyJhbGciOiJIUzI1NiJ9.d3Jvbmcta2V5LWZvci10ZXN0.c2lnbmF0dXJlLXdyb25n';
    await setKey(wrongKey);
    try {
      const model = await gmiModel('anthropic/claude-sonnet-4.5');
      const err = await send(model, [vscode.LanguageModelChatMessage.User('hi')]).then(
        () => assert.fail('no error'),
        (e: unknown) => e as Error & { code?: string; cause?: Error },
      );
      const text = `${err.message} ${err.cause?.message ?? ''}`;
      assert.match(text, /API key/i);
      assert.match(text, /“?"?GMI: Set API Key/);
      assert.ok(!text.includes(wrongKey) && !text.includes(TEST_KEY), text);
      if (err instanceof vscode.LanguageModelError) assert.equal(err.code, vscode.LanguageModelError.NoPermissions.name);
      assert.ok(!t.api.logLines().some((l) => l.includes(wrongKey)), 'the log holds the key');
    } finally {
      await setKey();
    }
  });
});
