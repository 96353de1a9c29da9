import assert from 'node:assert/strict';
import { ModelChoices, type MementoLike } from '../../src/provider/modelChoices';
import { modelLimits, readableModelName, toChatInformation } from '../../src/provider/modelInfo';
import { detectLmProviderApi } from '../../src/provider/vscodeLm';
import { classes, errors, TextPart, ToolCallPart } from './helpers/fakeLm';

const defaults = { contextLength: 128_000, maxOutputTokens: 8_192 };

describe('provider: model information', () => {
  it('gives readable names from GMI ids', () => {
    const cases: Array<[string, string]> = [
      ['anthropic/claude-sonnet-4.5', 'Claude Sonnet 4.5'],
      ['anthropic/claude-opus-4', 'Claude Opus 4'],
      ['openai/gpt-4o-mini', 'GPT-4o Mini'],
      ['openai/gpt-5.1', 'GPT-5.1'],
      ['deepseek-ai/DeepSeek-V3.2', 'DeepSeek V3.2'],
      ['deepseek-ai/deepseek-r1', 'Deepseek R1'],
      ['google/gemini-3-pro-preview', 'Gemini 3 Pro Preview'],
      ['moonshotai/Kimi-K2-Thinking', 'Kimi K2 Thinking'],
      ['MiniMaxAI/MiniMax-M2.1', 'MiniMax M2.1'],
      ['Qwen/Qwen3-VL-235B-A22B-Instruct-FP8', 'Qwen3 VL 235B A22B Instruct FP8'],
      ['zai-org/GLM-4.7-FP8', 'GLM 4.7 FP8'],
      ['openai/gpt-oss-120b', 'GPT OSS 120B'],
      ['bare', 'Bare'],
    ];
    for (const [id, name] of cases) assert.equal(readableModelName(id), name, id);
  });

  it('budgets the prompt as the context window minus the largest reply (at least half the window)', () => {
    assert.deepEqual(modelLimits({ id: 'a/b', contextLength: 409_600, maxOutputTokens: 32_000 }, defaults), { contextLength: 409_600, maxOutputTokens: 32_000, maxInputTokens: 377_600 });
    assert.deepEqual(modelLimits({ id: 'a/b', contextLength: 32_768 }, defaults), { contextLength: 32_768, maxOutputTokens: 8_192, maxInputTokens: 24_576 });
    assert.deepEqual(modelLimits({ id: 'a/b' }, defaults), { contextLength: 128_000, maxOutputTokens: 8_192, maxInputTokens: 119_808 });
    assert.deepEqual(modelLimits({ id: 'a/b', contextLength: 16_000, maxOutputTokens: 16_000 }, defaults), { contextLength: 16_000, maxOutputTokens: 16_000, maxInputTokens: 8_000 });
  });

  it('describes a model for VS Code: id, name, family, version, limits, capabilities, endpoint', () => {
    const info = toChatInformation({ id: 'anthropic/claude-sonnet-4.5', contextLength: 409_600, maxOutputTokens: 32_000 }, { toolCalling: true, imageInput: true }, 'messages', defaults);
    assert.equal(info.id, 'anthropic/claude-sonnet-4.5');
    assert.equal(info.name, 'Claude Sonnet 4.5');
    assert.equal(info.family, 'claude-sonnet-4.5');
    assert.equal(info.version, 'anthropic/claude-sonnet-4.5');
    assert.equal(info.maxInputTokens, 377_600);
    assert.equal(info.maxOutputTokens, 32_000);
    assert.deepEqual(info.capabilities, { toolCalling: true, imageInput: true });
    assert.match(info.tooltip ?? '', /tools and images; Messages API\.$/);
    const cat = toChatInformation({ id: 'x/y', fromCatalog: true }, { toolCalling: false, imageInput: false }, 'chatCompletions', defaults);
    assert.match(cat.tooltip ?? '', /Chat Completions API \(limits from the built-in catalog\)\.$/);
    assert.deepEqual(cat.capabilities, { toolCalling: false, imageInput: false });
  });
});

class Memento implements MementoLike {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, value);
  }
}

describe('provider: model choices', () => {
  it('shows every model until some are unticked, and keeps models listed later visible', async () => {
    const state = new Memento();
    const choices = new ModelChoices(state);
    let fired = 0;
    choices.onDidChange(() => fired++);
    assert.ok(choices.isShown('a/1'));
    await choices.setShown(['a/1', 'a/2', 'a/3'], ['a/1']);
    assert.deepEqual(state.get('gmi.chatModels.hidden'), ['a/2', 'a/3']);
    assert.equal(fired, 1);
    assert.ok(choices.isShown('a/1') && !choices.isShown('a/2') && choices.isShown('a/new'));
    // the same choice again changes nothing
    await choices.setShown(['a/1', 'a/2', 'a/3'], ['a/1']);
    assert.equal(fired, 1);
    // a model hidden earlier but not listed now stays hidden
    await choices.setShown(['a/1', 'a/3'], ['a/1', 'a/3']);
    assert.deepEqual([...choices.hidden()], ['a/2']);
    await choices.setShown(['a/1', 'a/2', 'a/3'], ['a/1', 'a/2', 'a/3']);
    assert.equal(state.get('gmi.chatModels.hidden'), undefined);
  });
});

describe('provider: API detection', () => {
  it('finds nothing on a VS Code without registerLanguageModelChatProvider (1.100)', () => {
    assert.equal(detectLmProviderApi({ lm: { selectChatModels: () => [] }, LanguageModelTextPart: TextPart, LanguageModelToolCallPart: ToolCallPart }), undefined);
    assert.equal(detectLmProviderApi(undefined), undefined);
  });

  it('finds the register function, the part classes and the error factories where present', () => {
    const registered: string[] = [];
    const ns = {
      lm: { registerLanguageModelChatProvider: (vendor: string) => (registered.push(vendor), { dispose() {} }) },
      LanguageModelTextPart: classes.TextPart,
      LanguageModelToolCallPart: classes.ToolCallPart,
      LanguageModelDataPart: classes.DataPart,
      LanguageModelError: errors,
    };
    const api = detectLmProviderApi(ns)!;
    assert.ok(api);
    api.register('gmi', {} as never);
    assert.deepEqual(registered, ['gmi']);
    assert.equal(api.parts.ThinkingPart, undefined);
    assert.equal(api.parts.DataPart, classes.DataPart);
    assert.equal(api.errors, errors);
    const withThinking = detectLmProviderApi({ ...ns, LanguageModelThinkingPart: classes.ThinkingPart })!;
    assert.equal(withThinking.parts.ThinkingPart, classes.ThinkingPart);
  });
});
