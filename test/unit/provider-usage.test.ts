import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failureActions, NEXT_STEPS, nextStepsSentence } from '../../src/actions/nextSteps';
import { replyUsage } from '../../src/chat/replyUsage';
import { PRICES_AS_OF } from '../../src/gmi/catalog';
import { formatUsd, statusText, usageLogLine, usageRecord, usageTooltip, UsageTracker } from '../../src/usage/usageTracker';
import { localisedManifest } from './helpers/manifest';

describe('provider: usage and cost', () => {
  it('totals tokens and known costs per model and for the session', () => {
    const t = new UsageTracker();
    let changes = 0;
    t.onDidChange(() => changes++);
    t.record({ model: 'openai/gpt-4o', usage: { inputTokens: 1000, outputTokens: 200, cachedTokens: 300 }, cost: { usd: 0.0045, pricesAsOf: '2026-01-10' } });
    t.record({ model: 'anthropic/claude-sonnet-4.5', usage: { inputTokens: 2000, outputTokens: 100, cacheWriteTokens: 500 }, cost: { usd: 0.0075, pricesAsOf: '2026-01-15' } });
    t.record({ model: 'openai/gpt-4o', usage: { inputTokens: 10, outputTokens: 5 }, cost: { usd: 0.0001, pricesAsOf: '2026-01-10' } });
    t.record({ model: 'example-org/fake-model-1', usage: { inputTokens: 7, outputTokens: 3 } });
    assert.equal(changes, 4);
    assert.deepEqual(
      t.models().map((m) => [m.model, m.requests, m.inputTokens, m.outputTokens, m.cachedTokens, m.cacheWriteTokens, +m.usd.toFixed(6), m.unpriced]),
      [
        ['anthropic/claude-sonnet-4.5', 1, 2000, 100, 0, 500, 0.0075, 0],
        ['example-org/fake-model-1', 1, 7, 3, 0, 0, 0, 1],
        ['openai/gpt-4o', 2, 1010, 205, 300, 0, 0.0046, 0],
      ],
    );
    const total = t.totals();
    assert.deepEqual([total.requests, total.inputTokens, total.outputTokens, +total.usd.toFixed(6), total.unpriced, total.pricesAsOf], [4, 3017, 308, 0.0121, 1, '2026-01-15']);
    assert.equal(statusText(total), '$(pulse) GMI ~$0.0121');
    const tip = usageTooltip(t.models(), total);
    assert.match(tip, /\| openai\/gpt-4o \| 2 \| 1,010 \| 300 \| 205 \| ~\$0\.0046 \|/);
    assert.match(tip, /\| example-org\/fake-model-1 \| 1 \| 7 \| 0 \| 3 \| unknown \|/);
    assert.match(tip, /\| \*\*Total\*\* \| 4 \| 3,017 \| 300 \| 308 \| ~\$0\.0121 \+ 1 unpriced \|/);
    assert.match(tip, /as of 2026-01-15/);
  });

  it('a response’s reported usage is normalised and priced like the sidebar’s reply footer (replyUsage)', () => {
    const reported = { inputTokens: 1000, cachedTokens: 400, cacheWriteTokens: 100, outputTokens: 100, reasoningTokens: 20 };
    const messages = usageRecord('anthropic/claude-sonnet-4.5', 'messages', reported)!;
    // Messages' input_tokens leave out cache reads and writes: the prompt is all three
    assert.deepEqual(messages.usage, { inputTokens: 1500, cachedTokens: 400, cacheWriteTokens: 100, outputTokens: 100, reasoningTokens: 20 });
    // 1,000 × $3 + 400 × $0.30 + 100 × $3.75 + 100 × $15 per million (docs/MODELS.md)
    assert.equal(+messages.cost!.usd.toFixed(6), 0.004995);
    assert.equal(messages.cost!.pricesAsOf, PRICES_AS_OF);
    assert.deepEqual(messages.usage, (({ costUsd: _c, pricesAsOf: _p, ...u }) => u)(replyUsage('anthropic/claude-sonnet-4.5', 'messages', reported)!));
    // Chat Completions' prompt_tokens already hold the cached ones
    const chat = usageRecord('openai/gpt-4o', 'chatCompletions', { inputTokens: 1000, cachedTokens: 400, outputTokens: 100 })!;
    assert.equal(chat.usage.inputTokens, 1000);
    assert.equal(+chat.cost!.usd.toFixed(6), 0.003);
    // no prices, no cost; nothing reported, no record
    assert.equal(usageRecord('example-org/fake-model-1', 'chatCompletions', { inputTokens: 5, outputTokens: 1 })!.cost, undefined);
    assert.equal(usageRecord('openai/gpt-4o', 'chatCompletions', {}), undefined);
  });

  it('shows tokens when no cost is known, and formats small costs readably', () => {
    const t = new UsageTracker();
    t.record({ model: 'x/y', usage: { inputTokens: 12_000, outputTokens: 345 } });
    assert.equal(statusText(t.totals()), '$(pulse) GMI 12.3K tokens');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(0.00004), '<$0.0001');
    assert.equal(formatUsd(0.01234), '$0.0123');
    assert.equal(formatUsd(2.5), '$2.50');
  });

  it('writes one log line per response with tokens, cache and cost', () => {
    assert.equal(
      usageLogLine({ model: 'anthropic/claude-sonnet-4.5', usage: { inputTokens: 1234, cachedTokens: 1000, cacheWriteTokens: 20, outputTokens: 56, reasoningTokens: 9 }, cost: { usd: 0.0042, pricesAsOf: '2026-01-15' } }),
      'Usage (VS Code chat) anthropic/claude-sonnet-4.5: 1,234 in (1,000 cached) · 20 written to cache · 56 out · 9 reasoning · ~$0.0042 (prices as of 2026-01-15)',
    );
    assert.equal(usageLogLine({ model: 'x/y', usage: { outputTokens: 3 } }), 'Usage (VS Code chat) x/y: 0 in · 3 out · cost unknown (no price for this model)');
  });

  it('escapes Markdown in model ids in the tooltip', () => {
    const t = new UsageTracker();
    t.record({ model: 'evil/<img src=x>|*', usage: { inputTokens: 1 } });
    assert.match(usageTooltip(t.models(), t.totals()), /\| evil\/\\<img src=x\\>\\\|\\\* \|/);
  });
});

describe('next steps: one table for the sidebar and VS Code’s chat', () => {
  it('offers the failure’s own action, then Retry, then the log (not for a bad key or unknown model)', () => {
    assert.deepEqual(failureActions({ kind: 'auth', action: 'setApiKey' }), ['setApiKey', 'retry']);
    assert.deepEqual(failureActions({ kind: 'modelNotFound', action: 'selectModel' }), ['selectModel', 'retry']);
    assert.deepEqual(failureActions({ kind: 'server', action: 'retry' }), ['retry', 'openLog']);
    assert.deepEqual(failureActions({ kind: 'network' }), ['retry', 'openLog']);
    assert.deepEqual(failureActions({ kind: 'insecureBaseUrl', action: 'openSettings' }), ['openSettings', 'retry', 'openLog']);
  });

  it('says the steps as one sentence, naming the commands', () => {
    assert.equal(nextStepsSentence(['setApiKey', 'retry']), 'Next: run “GMI: Set API Key”, or try again.');
    assert.equal(nextStepsSentence(['retry']), 'Next: try again.');
    assert.equal(nextStepsSentence([]), '');
    // a step the message already names is not said twice
    assert.equal(nextStepsSentence(['setApiKey', 'retry'], 'GMI rejected the API key. Set a new key with "GMI: Set API Key".'), 'Next: try again.');
    assert.equal(
      nextStepsSentence(['openSettings', 'retry', 'openLog']),
      'Next: check the GMI settings (Preferences: Open Settings, search “gmi”), try again, or see “GMI: Show Log” for details.',
    );
  });

  it('names only commands the extension contributes (or VS Code’s settings)', () => {
    const manifest = localisedManifest<{ contributes: { commands: Array<{ command: string; title: string }> } }>();
    const contributed = new Map(manifest.contributes.commands.map((c) => [c.command, c.title]));
    for (const [action, step] of Object.entries(NEXT_STEPS)) {
      if (!step.command || step.command.startsWith('workbench.')) continue;
      assert.ok(contributed.has(step.command), `${action}: ${step.command} is not contributed`);
      assert.equal(step.title, `GMI: ${contributed.get(step.command)}`, `${action}: title`);
      assert.ok(step.sentence.includes(`“${step.title}”`), `${action}: the sentence names “${step.title}”`);
    }
  });
});
