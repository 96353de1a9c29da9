import assert from 'node:assert/strict';
import { extractCodeBlocks, pickRefactorCode, RESULT_LABEL } from '../../src/code/codeBlocks';
import {
  buildRefactorMessage,
  DEFAULT_REFACTOR_INSTRUCTION,
  describeSelectionStart,
  REFACTOR_SYSTEM_PROMPT,
  type RefactorSelection,
} from '../../src/refactor/refactorPrompt';

const sel = (over: Partial<RefactorSelection> = {}): RefactorSelection => ({
  text: 'function add(a, b) {\n  return a + b;\n}',
  fileName: 'src/math.js',
  languageId: 'javascript',
  startLine: 10,
  endLine: 12,
  linePrefix: '',
  ...over,
});

describe('refactor prompt', () => {
  it('names the lines, the instruction, and carries the selection as the only code block', () => {
    const code = '    if (a) {\n        b();\n    }';
    const msg = buildRefactorMessage(sel({ text: code }), 'Use early returns');
    assert.match(msg, /Instruction: Use early returns/);
    assert.match(msg, /lines 10-12 of `src\/math\.js`/);
    assert.match(msg, /same indentation/);
    assert.deepEqual(extractCodeBlocks(msg), [{ lang: 'javascript', code, fenced: true }]);
  });

  it('falls back to the default instruction', () => {
    assert.match(buildRefactorMessage(sel(), '   '), new RegExp(`Instruction: ${DEFAULT_REFACTOR_INSTRUCTION}`));
  });

  it('asks for the result as the last block, labelled as pickRefactorCode reads it', () => {
    assert.equal(RESULT_LABEL, 'result');
    assert.match(REFACTOR_SYSTEM_PROMPT, /labelled `result`/);
    assert.match(REFACTOR_SYSTEM_PROMPT, /last code block/);
    assert.match(REFACTOR_SYSTEM_PROMPT, /before/);
    const msg = buildRefactorMessage(sel(), 'x');
    const example = /\(```(\S+) (\S+)\)/.exec(msg);
    assert.ok(example, msg);
    assert.equal(example[1], 'javascript');
    // A reply written as the prompt asks, after a "before" block, gives the labelled code.
    const reply = `Before:\n\n\`\`\`javascript\nold()\n\`\`\`\n\n\`\`\`${example[1]} ${example[2]}\nnew()\n\`\`\`\n\n\`\`\`js\nusage()\n\`\`\``;
    assert.equal(pickRefactorCode(reply), 'new()');
  });

  describe('where the selection starts', () => {
    it('at the beginning of a line', () => {
      assert.equal(describeSelectionStart(sel()), 'The selection starts at the beginning of line 10.');
      assert.match(buildRefactorMessage(sel(), 'x'), /starts at the beginning of line 10\./);
    });
    it('after code on its first line: the column and that text, which must not be repeated', () => {
      const msg = buildRefactorMessage(sel({ text: 'a + b', linePrefix: '    total = ', startLine: 3, endLine: 3 }), 'x');
      assert.match(msg, /starts at column 13 of line 3, after `    total = `: that text stays in the file/);
    });
    it('after indentation only', () => {
      assert.match(describeSelectionStart(sel({ linePrefix: '    ' })), /column 5 of line 10, after the line's 4 spaces of indentation/);
      assert.match(describeSelectionStart(sel({ linePrefix: '\t\t' })), /column 3 of line 10, after the line's indentation/);
    });
    it('a very long prefix is quoted by its end', () => {
      const msg = describeSelectionStart(sel({ linePrefix: `${'x'.repeat(500)}END = ` }));
      assert.match(msg, /column 507/);
      assert.match(msg, /`…x+END = `/);
      assert.ok(msg.length < 300);
    });
  });

  it('says so when the code is indented with tabs (a Makefile)', () => {
    const makefile = sel({ text: 'build:\n\tcc -o app main.c\n', fileName: 'Makefile', languageId: 'makefile' });
    assert.match(buildRefactorMessage(makefile, 'x'), /indented with tabs: keep tabs/);
    assert.doesNotMatch(buildRefactorMessage(sel(), 'x'), /tabs/);
  });

  it('sends a CRLF selection with LF line breaks (the model sees plain lines)', () => {
    const msg = buildRefactorMessage(sel({ text: 'a();\r\nb();' }), 'x');
    assert.equal(msg.includes('\r'), false);
    assert.equal(extractCodeBlocks(msg)[0].code, 'a();\nb();');
  });
});
