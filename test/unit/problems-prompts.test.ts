import assert from 'node:assert/strict';
import { extractCodeBlocks, pickRefactorCode, RESULT_LABEL as CODE_BLOCKS_LABEL } from '../../src/code/codeBlocks';
import {
  buildExplainProblemMessage,
  buildFixMessage,
  FIX_SYSTEM_PROMPT,
  problemPosition,
  RESULT_LABEL,
  shortMessage,
  type ProblemCode,
  type ProblemInfo,
} from '../../src/problems/problemPrompts';

const problem = (over: Partial<ProblemInfo> = {}): ProblemInfo => ({
  message: "Cannot find name 'totl'.",
  severity: 'error',
  source: 'ts',
  code: '2304',
  line: 12,
  column: 10,
  endLine: 12,
  endColumn: 13,
  ...over,
});

const code = (over: Partial<ProblemCode> = {}): ProblemCode => ({
  text: 'export function sum(xs: number[]) {\n  let total = 0;\n  for (const x of xs) total += x;\n  return totl;\n}',
  fileName: 'src/sum.ts',
  languageId: 'typescript',
  startLine: 9,
  endLine: 13,
  isFunction: true,
  ...over,
});

describe('problems: prompts', () => {
  it('the result label is the one pickRefactorCode reads', () => {
    assert.equal(RESULT_LABEL, CODE_BLOCKS_LABEL);
    assert.match(FIX_SYSTEM_PROMPT, /labelled `result`/);
    assert.match(FIX_SYSTEM_PROMPT, /last code block/);
  });

  it('Fix sends the message, source, code, position, file, language and the code as the only block', () => {
    const msg = buildFixMessage(problem(), code());
    assert.match(msg, /^Fix this error reported by ts \(2304\) at line 12, columns 10-13 of `src\/sum\.ts`:/);
    assert.match(msg, /^> Cannot find name 'totl'\.$/m);
    assert.match(msg, /The problem is on line 12 of the file \(line 4 of the code below\): `return totl;`/);
    assert.match(msg, /The enclosing function, lines 9-13 of `src\/sum\.ts` \(typescript\), whole lines:/);
    assert.match(msg, /complete replacement for these 5 line\(s\)/);
    assert.match(msg, /```typescript result/);
    assert.deepEqual(extractCodeBlocks(msg), [{ lang: 'typescript', code: code().text, fenced: true }]);
  });

  it('a model reply in the asked-for shape gives exactly the fixed lines', () => {
    const fixed = code().text.replace('totl', 'total');
    const reply = `Renamed the misspelt variable.\n\n\`\`\`typescript ${RESULT_LABEL}\n${fixed}\n\`\`\`\n`;
    assert.equal(pickRefactorCode(reply), fixed);
  });

  it('says when the lines are not a function, and when they are indented with tabs', () => {
    const msg = buildFixMessage(problem({ line: 3 }), code({ text: 'a:\n\tcc -o a a.c\n\techo $(X\n', languageId: 'makefile', fileName: 'Makefile', startLine: 1, endLine: 3, isFunction: false }));
    assert.match(msg, /The code around it, lines 1-3 of `Makefile` \(makefile\), whole lines, indented with tabs \(keep tabs\):/);
    assert.match(msg, /line 3 of the code below\): `echo \$\(X`/);
  });

  it('a message of several lines stays one quote; no source or code is fine; a warning says so', () => {
    const msg = buildFixMessage(problem({ message: 'Type mismatch:\n  expected A\n  got B', source: undefined, code: undefined, severity: 'warning' }), code());
    assert.match(msg, /^Fix this warning at line 12/);
    assert.match(msg, /^> Type mismatch:\n>   expected A\n>   got B$/m);
  });

  it('code containing fences cannot break out of its block', () => {
    const text = 'const md = `\n```\nnot the end\n```\n`;';
    const msg = buildFixMessage(problem({ line: 1 }), code({ text, startLine: 1, endLine: 5, languageId: 'javascript' }));
    assert.deepEqual(extractCodeBlocks(msg).map((b) => b.code), [text]);
  });

  it('a very long problem line is quoted by its start; a blank one is not quoted', () => {
    const long = `const x = ${'1 + '.repeat(200)}1;`;
    const msg = buildFixMessage(problem({ line: 1 }), code({ text: long, startLine: 1, endLine: 1 }));
    assert.match(msg, /\(line 1 of the code below\): `const x = 1 \+ 1 \+[^`]*…`/);
    const blank = buildFixMessage(problem({ line: 2 }), code({ text: 'a\n\nb', startLine: 1, endLine: 3 }));
    assert.match(blank, /The problem is on line 2 of the file\.\n/);
  });

  it('positions: one column, a column range, several lines', () => {
    assert.equal(problemPosition(problem({ column: 5, endColumn: 5 })), 'line 12, column 5');
    assert.equal(problemPosition(problem({ column: 5, endColumn: 9 })), 'line 12, columns 5-9');
    assert.equal(problemPosition(problem({ line: 3, endLine: 6, column: 2 })), 'lines 3-6 (from column 2)');
  });

  it('Explain asks what it means, why here and how to fix it, with the code', () => {
    const msg = buildExplainProblemMessage(problem(), code({ isFunction: false }));
    assert.match(msg, /^Explain this error reported by ts \(2304\) at line 12, columns 10-13 of `src\/sum\.ts`: what it means, why it happens in this code, and how to fix it\./);
    assert.match(msg, /^> Cannot find name 'totl'\.$/m);
    assert.match(msg, /The code around it, lines 9-13/);
    assert.equal(extractCodeBlocks(msg).length, 1);
    assert.doesNotMatch(msg, /result/, 'a chat question asks for no result block');
  });

  it('shortMessage keeps titles on one short line', () => {
    assert.equal(shortMessage('Missing semicolon.'), 'Missing semicolon.');
    assert.equal(shortMessage('a\n  b\tc'), 'a b c');
    const long = shortMessage('x'.repeat(100));
    assert.equal(long.length, 60);
    assert.ok(long.endsWith('…'));
  });
});
