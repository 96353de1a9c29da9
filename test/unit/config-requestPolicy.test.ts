// Settings → request parameters: one policy for the sidebar chat, Refactor and VS Code's chat.
import * as assert from 'node:assert/strict';
import { parseReasoningEffort, parseThinking, requestOptions } from '../../src/config/requestPolicy';

describe('config/requestPolicy', () => {
  it('gmi.thinking: off, empty or nonsense → no thinking; a whole number (string or number) → that budget', () => {
    for (const off of ['off', '', ' ', 'on', '8k', '-5', '0', 0, -1, null, undefined, NaN, {}]) assert.equal(parseThinking(off), undefined, String(off));
    assert.equal(parseThinking('8000'), 8000);
    assert.equal(parseThinking(' 2048 '), 2048);
    assert.equal(parseThinking(16000), 16000);
    assert.equal(parseThinking(1500.7), 1500);
    assert.equal(parseThinking('99999999'), 1_000_000, 'absurd budgets are capped');
  });

  it('gmi.reasoningEffort: low / medium / high, anything else → the model’s default', () => {
    assert.equal(parseReasoningEffort('low'), 'low');
    assert.equal(parseReasoningEffort('medium'), 'medium');
    assert.equal(parseReasoningEffort('high'), 'high');
    for (const other of ['', 'HIGH', 'max', 1, undefined]) assert.equal(parseReasoningEffort(other), undefined, String(other));
  });

  it('unset settings are left out of the request, set ones carried over', () => {
    assert.deepEqual(requestOptions({}), {});
    assert.deepEqual(requestOptions({ maxTokens: 100, temperature: 0.2, thinkingBudgetTokens: 4000, reasoningEffort: 'low' }), {
      maxTokens: 100,
      temperature: 0.2,
      thinkingBudgetTokens: 4000,
      reasoningEffort: 'low',
    });
  });
});
