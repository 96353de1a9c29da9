import assert from 'node:assert/strict';
import { matchTrailingLineBreak } from '../../src/refactor/replacement';

describe('refactor replacement', () => {
  it('adds the line break a whole-line selection ended with', () => {
    assert.equal(matchTrailingLineBreak('a\nb\n', 'x\ny'), 'x\ny\n');
    assert.equal(matchTrailingLineBreak('a\r\nb\r\n', 'x\ny'), 'x\ny\r\n');
  });
  it('drops a trailing line break the selection did not have', () => {
    assert.equal(matchTrailingLineBreak('a + b', 'a + b;\n'), 'a + b;');
  });
  it('leaves a replacement that already matches alone', () => {
    assert.equal(matchTrailingLineBreak('a\n', 'x\n'), 'x\n');
    assert.equal(matchTrailingLineBreak('a', 'x'), 'x');
    assert.equal(matchTrailingLineBreak('  indented()\n', '    deeper()'), '    deeper()\n');
  });
});
