import assert from 'node:assert/strict';
import { extractCodeBlocks, growingCodeBlock, pickRefactorCode } from '../../src/code/codeBlocks';
import { createMarkdown, newRenderEnv } from '../../src/webview/markdown';

describe('code/codeBlocks', () => {
  describe('extractCodeBlocks', () => {
    it('finds nothing in plain text', () => {
      assert.deepEqual(extractCodeBlocks(''), []);
      assert.deepEqual(extractCodeBlocks('Just `inline` code and *text*.'), []);
    });

    it('takes fenced and indented blocks in document order, nested ones included', () => {
      const md = [
        'Intro',
        '',
        '```ts title="x"',
        'const a = 1;',
        '```',
        '',
        '- item one',
        '',
        '  ```python',
        '  def f():',
        '      return 1',
        '  ```',
        '',
        '> quoted:',
        '>',
        '> ~~~sh',
        '> echo hi',
        '> ~~~',
        '',
        'Indented:',
        '',
        '        deeper',
        '    back',
        '',
        '1. numbered',
        '',
        '   ```',
        '   bare',
        '   ```',
      ].join('\n');
      assert.deepEqual(extractCodeBlocks(md), [
        { lang: 'ts', code: 'const a = 1;', fenced: true },
        { lang: 'python', code: 'def f():\n    return 1', fenced: true },
        { lang: 'sh', code: 'echo hi', fenced: true },
        { lang: '', code: '    deeper\nback', fenced: false },
        { lang: '', code: 'bare', fenced: true },
      ]);
    });

    it('keeps indentation and inner blank lines, drops exactly one trailing newline', () => {
      const md = '```js\n  if (x) {\n\n    y();\n  }\n\n```\n';
      assert.deepEqual(extractCodeBlocks(md), [{ lang: 'js', code: '  if (x) {\n\n    y();\n  }\n', fenced: true }]);
    });

    it('a longer fence keeps ``` inside the code', () => {
      const md = '````md\nBefore\n```js\nx\n```\nAfter\n````';
      assert.deepEqual(extractCodeBlocks(md), [{ lang: 'md', code: 'Before\n```js\nx\n```\nAfter', fenced: true }]);
    });

    it('an unclosed fence (reply cut off) runs to the end', () => {
      assert.deepEqual(extractCodeBlocks('Here:\n```py\nprint(1)\nprint(2'), [
        { lang: 'py', code: 'print(1)\nprint(2', fenced: true },
      ]);
    });

    it('raw HTML is not parsed into blocks (html: false)', () => {
      assert.deepEqual(extractCodeBlocks('<pre><code>x</code></pre>'), []);
    });

    it('numbers blocks exactly as the webview renders them (the Copy/Insert/Apply contract)', () => {
      const md = [
        '```ts\na\n```',
        '- list\n\n      indented in list\n',
        '> ```\n> quoted\n> ```',
        '    top indented',
        '1. x\n   ```py\n   nested\n   ```',
        '~~~\ntilde\n~~~',
        'text with ``` inline ``` backticks',
      ].join('\n\n');
      const html = createMarkdown().render(md, newRenderEnv());
      const rendered = [...html.matchAll(/<div class="code-block" data-block="(\d+)">[\s\S]*?<code[^>]*>([\s\S]*?)<\/code>/g)].map(
        (m) => [Number(m[1]), m[2].replace(/<[^>]+>/g, '').replace(/\n$/, '')],
      );
      const extracted = extractCodeBlocks(md).map((b, i) => [i, b.code]);
      assert.equal(extracted.length, 6);
      assert.deepEqual(rendered, extracted);
    });

    it('empty fence gives empty code', () => {
      assert.deepEqual(extractCodeBlocks('```\n```'), [{ lang: '', code: '', fenced: true }]);
    });
  });

  describe('growingCodeBlock (the block a streaming reply is still writing)', () => {
    it('an open fence at the end is growing; closed with a complete closing line it is not', () => {
      assert.equal(growingCodeBlock('Intro\n\n```ts\nconst a = 1;\n'), 0);
      assert.equal(growingCodeBlock('Intro\n\n```ts\nconst a = 1;\n```'), 0, 'the closing line may still become an opening one');
      assert.equal(growingCodeBlock('Intro\n\n```ts\nconst a = 1;\n```\n'), -1);
      assert.equal(growingCodeBlock('Intro\n\n```ts\nconst a = 1;\r\n```\r\n'), -1);
      assert.equal(growingCodeBlock('````md\n```\ninner\n```\n'), 0, 'a shorter fence does not close a longer one');
    });
    it('only the last block can be growing, and only when nothing follows it', () => {
      assert.equal(growingCodeBlock('```a\nx\n```\n\n```b\ny'), 1);
      assert.equal(growingCodeBlock('```a\nx\n```\n\ntext after'), -1);
      assert.equal(growingCodeBlock('    indented\n'), 0);
      assert.equal(growingCodeBlock('    indented\n\nafter'), -1);
      assert.equal(growingCodeBlock('- item\n\n  ```\n  code\n- next'), -1, 'the list item that held it ended');
      assert.equal(growingCodeBlock('No code at all.'), -1);
    });
  });

  describe('pickRefactorCode', () => {
    it('takes the single fenced block, indentation kept', () => {
      const reply = 'Here is the refactor:\n\n```ts\n    const total = sum(items);\n    return total;\n```\n';
      assert.equal(pickRefactorCode(reply), '    const total = sum(items);\n    return total;');
    });

    it('takes the last fenced block, never an earlier "before" block', () => {
      const reply = 'Before:\n\n```ts\nfunction longer() {\n  return 1;\n}\n```\n\nAfter:\n\n```ts\nconst one = () => 1;\n```\n';
      assert.equal(pickRefactorCode(reply), 'const one = () => 1;');
    });

    it('takes the block labelled `result` over any later block', () => {
      const reply = '```ts result\nconst one = () => 1;\n```\n\nUsage:\n\n```ts\nconsole.log(one());\n```\n';
      assert.equal(pickRefactorCode(reply), 'const one = () => 1;');
      assert.equal(pickRefactorCode('```result\nx()\n```\n\n```\ny()\n```'), 'x()', 'a label without a language');
      assert.equal(pickRefactorCode('```ts RESULT\na\n```\n\n```ts result\nb\n```\n\n```ts\nc\n```'), 'b', 'the last labelled one');
    });

    it('never takes a block labelled before, original or old', () => {
      assert.equal(pickRefactorCode('```ts\nnew()\n```\n\n```ts before\nold()\n```'), 'new()');
      assert.equal(pickRefactorCode('```ts\nnew()\n```\n\n```ts original\nold()\n```'), 'new()');
      assert.equal(pickRefactorCode('```ts old\nold()\n```'), undefined);
    });

    it('skips an empty last block', () => {
      assert.equal(pickRefactorCode('```ts\nreal()\n```\n\n```\n\n```'), 'real()');
    });

    it('undefined when there is no fenced code', () => {
      assert.equal(pickRefactorCode('I cannot refactor this, it is already fine.'), undefined);
      assert.equal(pickRefactorCode('Indented prose:\n\n    not code to apply\n'), undefined);
      assert.equal(pickRefactorCode('```\n   \n```'), undefined);
      assert.equal(pickRefactorCode(''), undefined);
    });
  });
});
