import assert from 'node:assert/strict';
import { estimateTextTokens, estimateTokens, IMAGE_TOKENS, MESSAGE_OVERHEAD_TOKENS } from '../../src/provider/tokenEstimate';
import { assistant, classes, DataPart, PNG, TextPart, ThinkingPart, ToolCallPart, ToolResultPart, user } from './helpers/fakeLm';

describe('provider: token estimates', () => {
  it('counts a string as ceil(characters / 4)', () => {
    assert.equal(estimateTokens('', classes), 0);
    assert.equal(estimateTokens('abcd', classes), 1);
    assert.equal(estimateTokens('abcde', classes), 2);
    assert.equal(estimateTextTokens('x'.repeat(4001)), 1001);
  });

  it('counts a message as its text plus a fixed overhead, images at a fixed cost', () => {
    assert.equal(estimateTokens(user(new TextPart('abcd'), new TextPart('efgh')), classes), MESSAGE_OVERHEAD_TOKENS + 2);
    assert.equal(estimateTokens(user(new TextPart('abcd'), DataPart.image(PNG, 'image/png'), DataPart.image(PNG, 'image/jpeg')), classes), MESSAGE_OVERHEAD_TOKENS + 1 + 2 * IMAGE_TOKENS);
  });

  it('counts a tool call by its name and JSON input, a tool result by its content', () => {
    const call = new ToolCallPart('c1', 'read_file', { path: 'src/a.ts' });
    const chars = 'read_file'.length + JSON.stringify({ path: 'src/a.ts' }).length;
    assert.equal(estimateTokens(assistant(call), classes), MESSAGE_OVERHEAD_TOKENS + Math.ceil(chars / 4));
    const result = new ToolResultPart('c1', [new TextPart('x'.repeat(400))]);
    assert.equal(estimateTokens(user(result), classes), MESSAGE_OVERHEAD_TOKENS + Math.ceil((2 + 400) / 4));
  });

  it('is consistent: the same message always counts the same, and more text never counts less', () => {
    const m = user(new TextPart('hello world'), DataPart.text('{"a":1}', 'application/json'));
    assert.equal(estimateTokens(m, classes), estimateTokens(m, classes));
    let last = 0;
    for (let n = 0; n < 200; n += 7) {
      const t = estimateTokens(user(new TextPart('y'.repeat(n))), classes);
      assert.ok(t >= last);
      last = t;
    }
  });

  it('ignores thinking and data that is not sent', () => {
    assert.equal(estimateTokens(assistant(new ThinkingPart('a long chain of thought')), classes), MESSAGE_OVERHEAD_TOKENS);
    assert.equal(estimateTokens(user(new DataPart(new Uint8Array(100), 'cache_control')), classes), MESSAGE_OVERHEAD_TOKENS);
  });
});
