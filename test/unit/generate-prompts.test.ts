import assert from 'node:assert/strict';
import type { SelectionContext } from '../../src/chat/prompts';
import { extractCodeBlocks, pickRefactorCode } from '../../src/code/codeBlocks';
import { buildDocumentMessage, buildTestsMessage, docConvention, DOCUMENT_SYSTEM_PROMPT, TESTS_SYSTEM_PROMPT } from '../../src/generate/generatePrompts';

const sel = (over: Partial<SelectionContext> = {}): SelectionContext => ({
  text: 'def area(w, h):\n    return w * h',
  fileName: 'geo/shapes.py',
  languageId: 'python',
  startLine: 4,
  endLine: 5,
  ...over,
});

describe('Document / Write Tests: prompts', () => {
  it('Document names the lines, the language’s convention, and sends the code as the only block', () => {
    const msg = buildDocumentMessage(sel());
    assert.match(msg, /^Document lines 4-5 of `geo\/shapes\.py` \(python\), whole lines\./);
    assert.match(msg, /Convention: docstrings \(PEP 257/);
    assert.match(msg, /```python result/);
    assert.deepEqual(extractCodeBlocks(msg), [{ lang: 'python', code: sel().text, fenced: true }]);
    assert.match(DOCUMENT_SYSTEM_PROMPT, /Do not change any code/);
    assert.match(DOCUMENT_SYSTEM_PROMPT, /labelled `result`/);
  });

  it('each language gets its own documentation convention; unknown ones a sensible default', () => {
    assert.match(docConvention('typescript'), /TSDoc/);
    assert.match(docConvention('javascript'), /JSDoc/);
    assert.match(docConvention('go'), /starting with the declared name/);
    assert.match(docConvention('rust'), /`\/\/\/`/);
    assert.match(docConvention('csharp'), /<summary>/);
    assert.match(docConvention('java'), /Javadoc/);
    assert.match(docConvention('cobol'), /usual for cobol/);
  });

  it('Document keeps tabs when the code is tab-indented', () => {
    assert.match(buildDocumentMessage(sel({ text: 'func f() {\n\treturn\n}', languageId: 'go' })), /indented with tabs \(keep tabs\)/);
    assert.doesNotMatch(buildDocumentMessage(sel()), /tabs/);
  });

  it('Write Tests: the code, where the tests go, how to import, and an example test file', () => {
    const msg = buildTestsMessage({
      code: sel({ languageId: 'typescript', fileName: 'src/geo.ts', text: 'export const area = (w: number, h: number) => w * h;', startLine: 1, endLine: 1 }),
      wholeFile: true,
      testFile: 'test/unit/geo.test.ts',
      importSpecifier: '../../src/geo',
      example: { fileName: 'test/unit/io.test.ts', text: "import assert from 'node:assert/strict';\ndescribe('io', () => {});" },
    });
    assert.match(msg, /^Write unit tests for the file `src\/geo\.ts` \(typescript\)\./);
    assert.match(msg, /will be saved as `test\/unit\/geo\.test\.ts`; from there the code is imported as `\.\.\/\.\.\/src\/geo`\./);
    assert.match(msg, /An existing test file of this project, `test\/unit\/io\.test\.ts` \(its beginning\): follow its framework, imports and style\./);
    const blocks = extractCodeBlocks(msg);
    assert.equal(blocks.length, 2);
    assert.match(blocks[1].code, /describe\('io'/);
    assert.match(TESTS_SYSTEM_PROMPT, /labelled `result`/);
  });

  it('Write Tests for a selection names its lines; without an example or import, says nothing of them', () => {
    const msg = buildTestsMessage({ code: sel(), wholeFile: false, testFile: 'tests/test_shapes.py' });
    assert.match(msg, /^Write unit tests for lines 4-5 of `geo\/shapes\.py` \(python\)\./);
    assert.match(msg, /will be saved as `tests\/test_shapes\.py`\./);
    assert.doesNotMatch(msg, /existing test file|imported as/);
    assert.equal(extractCodeBlocks(msg).length, 1);
  });

  it('the reply’s test file is the result block', () => {
    const reply = 'Here are the tests.\n\n```python result\nfrom geo.shapes import area\n\ndef test_area():\n    assert area(2, 3) == 6\n```\n';
    assert.equal(pickRefactorCode(reply), 'from geo.shapes import area\n\ndef test_area():\n    assert area(2, 3) == 6');
  });
});
