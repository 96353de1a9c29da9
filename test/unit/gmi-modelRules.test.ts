// Per-family request rules: the bodies both wire formats build for each family, and the table in
// docs/MODELS.md kept in step with the code.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildChatCompletionsRequest } from '../../src/gmi/chatCompletions';
import { GmiClient } from '../../src/gmi/client';
import { buildMessagesRequest } from '../../src/gmi/messages';
import { FAMILY_RULES, familyRule } from '../../src/gmi/modelRules';
import type { ChatRequest, StreamEvent } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import './helpers/unhandledRejections';

const AUTH = { apiKey: 'k-test' };
const Q = [{ role: 'user' as const, content: 'q' }];

function chatBody(model: string, extra: Partial<ChatRequest> = {}): Record<string, unknown> {
  return buildChatCompletionsRequest({ model, api: 'chatCompletions', messages: Q, ...extra }, AUTH).body;
}
function messagesBody(model: string, extra: Partial<ChatRequest> = {}): Record<string, unknown> {
  return buildMessagesRequest({ model, api: 'messages', messages: Q, ...extra }, AUTH).body;
}

/** The family table of docs/MODELS.md, parsed. */
function documentedFamilies(): Array<Record<string, string>> {
  const lines = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'MODELS.md'), 'utf8').split('\n');
  const head = lines.findIndex((l) => l.startsWith('| family |'));
  assert.ok(head >= 0, 'docs/MODELS.md has the family table');
  const cells = (l: string): string[] => l.split('|').slice(1, -1).map((c) => c.trim());
  const names = cells(lines[head]);
  const rows: Array<Record<string, string>> = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(Object.fromEntries(cells(line).map((v, i) => [names[i], v])));
  }
  return rows;
}

describe('gmi/modelRules: requests every model accepts', () => {
  describe('Claude', () => {
    it('a temperature above 1 is sent as 1 on Messages (and on Chat Completions), with a note for the log', () => {
      const built = buildMessagesRequest({ model: 'anthropic/claude-sonnet-4.5', api: 'messages', messages: Q, temperature: 1.5 }, AUTH);
      assert.equal(built.body.temperature, 1);
      assert.ok(built.notes.some((n) => /temperature 1\.5 is outside 0–1 for Claude models; sent 1/.test(n)), built.notes.join('\n'));
      assert.equal(chatBody('anthropic/claude-opus-4.5', { temperature: 1.5 }).temperature, 1);
      assert.equal(messagesBody('anthropic/claude-sonnet-4.5', { temperature: 0.7 }).temperature, 0.7, 'in range: unchanged');
    });

    it('no temperature with extended thinking, and max_tokens above the budget', () => {
      const body = messagesBody('anthropic/claude-sonnet-4.5', { temperature: 0.5, thinkingBudgetTokens: 8000, maxTokens: 2000 });
      assert.equal(body.temperature, undefined);
      assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 8000 });
      assert.ok((body.max_tokens as number) > 8000);
    });
  });

  describe('OpenAI reasoning families', () => {
    for (const model of ['openai/gpt-5', 'openai/gpt-5.2', 'openai/gpt-5-mini', 'openai/o3', 'openai/o4-mini']) {
      it(`${model}: max_completion_tokens, no max_tokens, no temperature`, () => {
        const built = buildChatCompletionsRequest({ model, api: 'chatCompletions', messages: Q, maxTokens: 4000, temperature: 0.3 }, AUTH);
        assert.equal(built.body.max_completion_tokens, 4000);
        assert.equal('max_tokens' in built.body, false);
        assert.equal('temperature' in built.body, false);
        assert.equal('top_p' in built.body, false);
        assert.ok(built.notes.some((n) => /temperature 0\.3 is not sent/.test(n)), built.notes.join('\n'));
      });
    }

    it('gpt-5 chat variants and gpt-4o keep max_tokens and temperature', () => {
      for (const model of ['openai/gpt-5-chat', 'openai/gpt-5.1-chat', 'openai/gpt-4o']) {
        const body = chatBody(model, { maxTokens: 100, temperature: 1.5 });
        assert.equal(body.max_tokens, 100, model);
        assert.equal(body.temperature, 1.5, model);
        assert.equal('max_completion_tokens' in body, false, model);
      }
    });
  });

  describe('an empty gmi.maxTokens means the model’s maximum output on both endpoints', () => {
    it('the catalog’s max output, 8,192 for models the catalog does not know', () => {
      assert.equal(chatBody('deepseek-ai/DeepSeek-V3.2').max_tokens, 16_384);
      assert.equal(chatBody('openai/gpt-5').max_completion_tokens, 32_000);
      assert.equal(chatBody('example-org/fake-model-1').max_tokens, 8192);
      assert.equal(messagesBody('anthropic/claude-sonnet-4.5').max_tokens, 32_000);
      assert.equal(messagesBody('MiniMaxAI/MiniMax-M2.1').max_tokens, 16_384);
    });

    it('a set limit is capped by the catalog on both endpoints', () => {
      assert.equal(chatBody('openai/gpt-4o', { maxTokens: 999_999 }).max_tokens, 16_384);
      assert.equal(messagesBody('anthropic/claude-opus-4.5', { maxTokens: 999_999 }).max_tokens, 32_000);
      assert.equal(chatBody('example-org/fake-model-1', { maxTokens: 20_000 }).max_tokens, 20_000);
    });
  });

  it('other families keep today’s temperature range (0–2)', () => {
    assert.equal(chatBody('deepseek-ai/DeepSeek-V3.2', { temperature: 1.8 }).temperature, 1.8);
    assert.equal(chatBody('zai-org/GLM-4.7-FP8', { temperature: 0 }).temperature, 0);
    assert.equal(chatBody('zai-org/GLM-4.7-FP8', { temperature: 3 }).temperature, 2);
  });

  it('the client writes what the rules changed to the log, once per request', async () => {
    const fake: FakeGmi = await startFakeGmi();
    try {
      const lines: string[] = [];
      const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
      const client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', logger: log, maxRetries: 0 });
      const events: StreamEvent[] = [];
      for await (const ev of client.stream({ model: 'anthropic/claude-sonnet-4.5', api: 'messages', messages: Q, temperature: 1.5 })) events.push(ev);
      await client.close();
      assert.deepEqual(events[events.length - 1], { type: 'end', reason: 'stop' });
      assert.equal((fake.requests[0].body as { temperature?: number }).temperature, 1);
      assert.equal(lines.filter((l) => /request parameters: temperature 1\.5/.test(l)).length, 1, lines.join('\n'));
    } finally {
      await fake.close();
    }
  });

  it('docs/MODELS.md documents exactly this table', () => {
    const rows = documentedFamilies();
    assert.deepEqual(rows.map((r) => r.family), FAMILY_RULES.map((r) => r.family));
    const yes = (b: boolean): string => (b ? 'yes' : 'no');
    for (const [i, rule] of FAMILY_RULES.entries()) {
      const row = rows[i];
      assert.equal(familyRule(row.example), rule, `${row.example} is a ${rule.family} model`);
      assert.equal(row.temperature, rule.temperature ? `${rule.temperature.min}–${rule.temperature.max}` : 'not sent', rule.family);
      assert.equal(row['reply limit (Chat Completions)'], `\`${rule.tokenLimitField}\``, rule.family);
      assert.equal(row.reasoning_effort, yes(rule.reasoningEffort), rule.family);
      assert.equal(row['extended thinking'], yes(rule.extendedThinking), rule.family);
      assert.equal(row['prompt caching'], yes(rule.promptCaching), rule.family);
    }
  });
});
