import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalogEntry, catalogModels, estimateCost, modelCapabilities, PRICES_AS_OF } from '../../src/gmi/index';
import type { Usage } from '../../src/gmi/types';

const M = 1_000_000;

/** The model table of docs/MODELS.md, parsed: the documentation is part of the contract. */
function documentedRows(): Array<Record<string, string>> {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'MODELS.md'), 'utf8');
  const lines = text.split('\n');
  const head = lines.findIndex((l) => l.startsWith('| model id |'));
  assert.ok(head >= 0, 'docs/MODELS.md has the model table');
  const cells = (l: string): string[] => l.split('|').slice(1, -1).map((c) => c.trim());
  const names = cells(lines[head]);
  const rows: Array<Record<string, string>> = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const values = cells(line);
    rows.push(Object.fromEntries(names.map((n, i) => [n, values[i]])));
  }
  return rows;
}

const num = (s: string): number => Number(s.replace(/,/g, ''));

describe('gmi/catalog: capabilities and prices', () => {
  it('docs/MODELS.md lists exactly the catalog models, with the same limits, capabilities and prices', () => {
    const rows = documentedRows();
    assert.deepEqual(rows.map((r) => r['model id']).sort(), catalogModels().map((m) => m.id).sort());
    for (const r of rows) {
      const id = r['model id'];
      const entry = catalogEntry(id)!;
      assert.equal(entry.contextLength, num(r.context), `${id} context`);
      assert.equal(entry.maxOutputTokens, num(r['max output']), `${id} max output`);
      assert.deepEqual(modelCapabilities(id), { toolCalling: r.tools === 'yes', imageInput: r.images === 'yes' }, `${id} capabilities`);
      // one million tokens of one kind costs that kind's price (Messages counting: no overlap)
      const cost = (usage: Usage): number | undefined => estimateCost(id, usage, 'messages')?.usd;
      if (r.input === '–') {
        assert.equal(cost({ inputTokens: M }), undefined, `${id} has no prices`);
        continue;
      }
      assert.ok(Math.abs(cost({ inputTokens: M })! - num(r.input)) < 1e-9, `${id} input`);
      assert.ok(Math.abs(cost({ outputTokens: M })! - num(r.output)) < 1e-9, `${id} output`);
      const cached = r['cached input'] === '–' ? num(r.input) : num(r['cached input']);
      assert.ok(Math.abs(cost({ cachedTokens: M })! - cached) < 1e-9, `${id} cached input`);
      const write = r['cache write'] === '–' ? num(r.input) : num(r['cache write']);
      assert.ok(Math.abs(cost({ cacheWriteTokens: M })! - write) < 1e-9, `${id} cache write`);
    }
  });

  it('the documented price date is the one estimates carry', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'MODELS.md'), 'utf8');
    assert.match(PRICES_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(doc.includes(`read on **${PRICES_AS_OF}**`), 'docs/MODELS.md states the date');
    assert.equal(estimateCost('openai/gpt-5', { inputTokens: 1 })?.pricesAsOf, PRICES_AS_OF);
  });

  it('capabilities differ where the models differ', () => {
    assert.deepEqual(modelCapabilities('anthropic/claude-sonnet-4.5'), { toolCalling: true, imageInput: true });
    assert.deepEqual(modelCapabilities('deepseek-ai/DeepSeek-V3.2'), { toolCalling: true, imageInput: false });
    assert.deepEqual(modelCapabilities('Qwen/Qwen3-VL-235B-A22B-Instruct-FP8'), { toolCalling: true, imageInput: true });
    assert.deepEqual(modelCapabilities('zai-org/glm-4.7-fp8'), { toolCalling: true, imageInput: false }, 'case-insensitive lookup');
  });

  describe('ids the catalog does not list', () => {
    for (const [id, imageInput] of [
      ['anthropic/claude-opus-5', true],
      ['openai/gpt-5.4-mini', true],
      ['openai/gpt-4.1', true],
      ['google/gemini-4-pro', true],
      ['Qwen/Qwen2.5-VL-72B-Instruct', true],
      ['meta-llama/Llama-3.2-11B-Vision-Instruct', true],
      ['zai-org/GLM-4.5V', true],
      ['zai-org/GLM-4.6V-FP8', true],
      ['deepseek-ai/DeepSeek-R1-0528', false],
      ['moonshotai/Kimi-K2-Instruct', false],
      ['openai/gpt-oss-120b', false],
      ['example-org/devlin-7b', false],
      ['example-org/fake-model-1', false],
    ] as const) {
      it(`${id}: tools yes, images ${imageInput ? 'yes' : 'no'}, no prices`, () => {
        assert.deepEqual(modelCapabilities(id), { toolCalling: true, imageInput });
        assert.equal(estimateCost(id, { inputTokens: 1000, outputTokens: 1000 }), undefined);
      });
    }
  });

  describe('estimateCost', () => {
    it('Messages: input excludes cache reads and writes, which are priced on top', () => {
      const usage: Usage = { inputTokens: 1000, cachedTokens: 2000, cacheWriteTokens: 500, outputTokens: 300 };
      // 1000 × 3 + 2000 × 0.30 + 500 × 3.75 + 300 × 15, per million
      const r = estimateCost('anthropic/claude-sonnet-4.5', usage)!;
      assert.ok(Math.abs(r.usd - 9975 / M) < 1e-12, String(r.usd));
    });

    it('Chat Completions: input includes the cached tokens, which are priced at the cached rate', () => {
      const usage: Usage = { inputTokens: 10_000, cachedTokens: 4000, outputTokens: 1000, reasoningTokens: 600 };
      // 6000 × 1.25 + 4000 × 0.125 + 1000 × 10 (reasoning is part of the output), per million
      const r = estimateCost('openai/gpt-5', usage)!;
      assert.ok(Math.abs(r.usd - 18_000 / M) < 1e-12, String(r.usd));
    });

    it('the format the request used decides how input is counted', () => {
      const usage: Usage = { inputTokens: 10_000, cachedTokens: 4000 };
      const asMessages = estimateCost('anthropic/claude-sonnet-4.5', usage)!.usd;
      const asChat = estimateCost('anthropic/claude-sonnet-4.5', usage, 'chatCompletions')!.usd;
      assert.ok(Math.abs(asMessages - (10_000 * 3 + 4000 * 0.3) / M) < 1e-12);
      assert.ok(Math.abs(asChat - (6000 * 3 + 4000 * 0.3) / M) < 1e-12);
    });

    it('no usage costs nothing; nonsense counts are ignored', () => {
      assert.equal(estimateCost('openai/gpt-4o', {})!.usd, 0);
      assert.equal(estimateCost('openai/gpt-4o', { inputTokens: -5, outputTokens: Number.NaN })!.usd, 0);
    });
  });
});
