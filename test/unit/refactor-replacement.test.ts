import assert from 'node:assert/strict';
import { fitReplacement, indentsWithTabs, type ReplacedText } from '../../src/refactor/replacement';

const lf = (text: string, linePrefix = ''): ReplacedText => ({ text, linePrefix, eol: '\n' });

describe('refactor replacement: fitReplacement', () => {
  describe('the line break a selection ends with', () => {
    it('adds the line break a whole-line selection ended with', () => {
      assert.equal(fitReplacement('x\ny', lf('a\nb\n')), 'x\ny\n');
    });
    it('drops a trailing line break the selection did not have', () => {
      assert.equal(fitReplacement('a + b;\n', lf('a + b')), 'a + b;');
    });
    it('leaves a replacement that already matches alone', () => {
      assert.equal(fitReplacement('x\n', lf('a\n')), 'x\n');
      assert.equal(fitReplacement('x', lf('a')), 'x');
      assert.equal(fitReplacement('    deeper()', lf('  indented()\n')), '    deeper()\n');
    });
  });

  describe('CRLF documents', () => {
    it('keep CRLF: every line break of the replacement becomes the document’s', () => {
      const replaced: ReplacedText = { text: 'a\r\nb\r\n', linePrefix: '', eol: '\r\n' };
      assert.equal(fitReplacement('x\ny\nz', replaced), 'x\r\ny\r\nz\r\n');
    });
    it('a replacement with mixed line breaks comes out CRLF only', () => {
      const replaced: ReplacedText = { text: 'a\r\nb', linePrefix: '', eol: '\r\n' };
      const out = fitReplacement('x\r\ny\nz', replaced);
      assert.equal(out, 'x\r\ny\r\nz');
      assert.equal(out.replace(/\r\n/g, '').includes('\n'), false, 'no bare \\n left');
    });
    it('an LF document gets LF even when the model wrote CRLF', () => {
      assert.equal(fitReplacement('x\r\ny\r\n', lf('a\nb\n')), 'x\ny\n');
    });
  });

  describe('tab indentation', () => {
    const makefile = 'build: deps\n\t$(CC) -o app main.c\n\t@echo built\n';

    it('a Makefile recipe keeps its tabs when the model indents with spaces', () => {
      const reply = 'build: deps\n    $(CC) -O2 -o app main.c\n    @echo built\n';
      assert.equal(fitReplacement(reply, lf(makefile)), 'build: deps\n\t$(CC) -O2 -o app main.c\n\t@echo built\n');
    });
    it('eight spaces are one level when they are the smallest indentation the model used', () => {
      const reply = 'build: deps\n        $(CC) -O2 -o app main.c\n        @echo built';
      assert.equal(fitReplacement(reply, lf(makefile)), 'build: deps\n\t$(CC) -O2 -o app main.c\n\t@echo built\n');
    });
    it('nested levels map to as many tabs; left-over spaces (alignment) stay', () => {
      const original = 'func f() {\n\tif x {\n\t\treturn\n\t}\n}';
      const reply = 'func f() {\n    if x {\n        return\n    }\n    call(a,\n          b)\n}';
      assert.equal(fitReplacement(reply, lf(original)), 'func f() {\n\tif x {\n\t\treturn\n\t}\n\tcall(a,\n\t\t  b)\n}');
    });
    it('space-indented code is left alone', () => {
      assert.equal(fitReplacement('if x:\n    y()', lf('if x:\n  y()')), 'if x:\n    y()');
    });
    it('indentsWithTabs reads the first line with the text before it', () => {
      assert.equal(indentsWithTabs('foo()\nbar()', '\t'), true);
      assert.equal(indentsWithTabs('\tfoo()\n    bar()', ''), false);
      assert.equal(indentsWithTabs('foo()\nbar()', ''), false);
      assert.equal(indentsWithTabs(makefile, ''), true);
    });
  });

  describe('a selection starting mid-line', () => {
    it('a first line that repeats the text before the selection loses it', () => {
      // `    total = ` stays in the file; the model wrote the whole line.
      const replaced = lf('a + b + c', '    total = ');
      assert.equal(fitReplacement('    total = sum([a, b, c])', replaced), 'sum([a, b, c])');
      assert.equal(fitReplacement('total = sum([a, b, c])', replaced), 'sum([a, b, c])');
      assert.equal(fitReplacement('sum([a, b, c])', replaced), 'sum([a, b, c])');
    });
    it('after the indentation: the first line gets none, the next lines keep theirs', () => {
      const original = 'if (x) {\n        y();\n    }';
      const replaced = lf(original, '    ');
      // The model repeated the indentation on the first line.
      assert.equal(fitReplacement('    if (x) {\n        z();\n    }', replaced), 'if (x) {\n        z();\n    }');
      // The model dropped all indentation: the lines after the first get the selection's back.
      assert.equal(fitReplacement('if (x) {\n    z();\n}', replaced), 'if (x) {\n        z();\n    }');
    });
    it('one selected statement that grows into several lines: new lines start at its indentation', () => {
      assert.equal(fitReplacement('if (a) {\n  b();\n}', lf('b();', '    ')), 'if (a) {\n      b();\n    }');
    });
    it('a Makefile recipe selected after its tab: no second tab on the first line', () => {
      const original = '$(CC) -o app main.c\n\t@echo built';
      assert.equal(fitReplacement('    $(CC) -O2 -o app main.c\n    @echo built', lf(original, '\t')), '$(CC) -O2 -o app main.c\n\t@echo built');
    });
  });

  describe('indentation a model dropped', () => {
    it('whole lines that lost their indentation get the selection’s back', () => {
      const original = '    for (let i = 0; i < n; i++) {\n      sum += a[i];\n    }\n';
      assert.equal(fitReplacement('for (const x of a) {\n  sum += x;\n}', lf(original)), '    for (const x of a) {\n      sum += x;\n    }\n');
    });
    it('a replacement that kept its indentation is not shifted again', () => {
      const original = '    a();\n    b();';
      assert.equal(fitReplacement('    c();\n    d();', lf(original)), '    c();\n    d();');
    });
  });
});
