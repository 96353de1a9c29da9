import assert from 'node:assert/strict';
import { chooseTestFile, importSpecifier, isTestFile, testFileGlobs } from '../../src/generate/testFileName';

describe('Write Tests: where the test file goes', () => {
  it('no tests in the project: the language’s usual name, beside the code', () => {
    assert.deepEqual(chooseTestFile('src/foo.ts', 'typescript', []), { path: 'src/foo.test.ts', fromProject: false });
    assert.equal(chooseTestFile('app/util.py', 'python', []).path, 'app/test_util.py');
    assert.equal(chooseTestFile('pkg/server.go', 'go', []).path, 'pkg/server_test.go');
    assert.equal(chooseTestFile('lib/parser.rb', 'ruby', []).path, 'lib/parser_spec.rb');
    assert.equal(chooseTestFile('Models/Order.cs', 'csharp', []).path, 'Models/OrderTests.cs');
    assert.equal(chooseTestFile('main.c', 'c', []).path, 'test_main.c');
    assert.equal(chooseTestFile('notes/x.zig', 'zig', []).path, 'notes/x.test.zig', 'an unknown language gets name.test.ext');
  });

  it('Maven/Gradle sources map to src/test; Rust to tests/', () => {
    assert.equal(chooseTestFile('src/main/java/com/acme/Order.java', 'java', []).path, 'src/test/java/com/acme/OrderTest.java');
    assert.equal(chooseTestFile('app/src/main/kotlin/a/Repo.kt', 'kotlin', []).path, 'app/src/test/kotlin/a/RepoTest.kt');
    assert.equal(chooseTestFile('src/lexer.rs', 'rust', []).path, 'tests/lexer.rs');
  });

  it('follows the convention most of the project’s tests use', () => {
    const specs = ['src/a.spec.ts', 'src/b.spec.ts', 'src/c.test.ts'];
    assert.deepEqual(chooseTestFile('src/foo.ts', 'typescript', specs), { path: 'src/foo.spec.ts', fromProject: true });
    assert.equal(chooseTestFile('pkg/calc.py', 'python', ['pkg/calc_helpers_test.py', 'pkg/io_test.py']).path, 'pkg/calc_test.py');
    assert.equal(chooseTestFile('lib/x.rb', 'ruby', ['test/test_y.rb', 'test/test_z.rb']).path, 'test/test_x.rb');
  });

  it('tests beside the code stay beside it, even in a folder that has none yet', () => {
    const colocated = ['src/a/a.test.ts', 'src/b/b.test.ts', 'src/c/c.test.ts'];
    assert.equal(chooseTestFile('src/d/d.ts', 'typescript', colocated).path, 'src/d/d.test.ts');
    assert.equal(chooseTestFile('src/ui/view.tsx', 'typescriptreact', ['src/ui/button.test.tsx']).path, 'src/ui/view.test.tsx');
  });

  it('tests in a test folder: the folder holding most of them', () => {
    const separate = ['test/unit/a.test.ts', 'test/unit/b.test.ts', 'test/integration/c.test.ts'];
    assert.equal(chooseTestFile('src/refactor/replacement.ts', 'typescript', separate).path, 'test/unit/replacement.test.ts');
    assert.equal(chooseTestFile('mypkg/core/calc.py', 'python', ['tests/test_a.py', 'tests/test_b.py']).path, 'tests/test_calc.py');
    assert.equal(
      chooseTestFile('src/main/java/com/acme/Order.java', 'java', ['src/test/java/com/acme/UserTest.java', 'src/test/java/com/other/XTest.java']).path,
      'src/test/java/com/acme/OrderTest.java',
      'Maven: the mirror of the package, not just the busiest test folder',
    );
  });

  it('Go tests always sit beside the code', () => {
    assert.equal(chooseTestFile('internal/db/db.go', 'go', ['tests/a_test.go', 'tests/b_test.go']).path, 'internal/db/db_test.go');
  });

  it('a taken name gets 2, 3, …; the code file itself is never the answer', () => {
    const taken = new Set(['src/foo.test.ts', 'src/foo2.test.ts']);
    assert.equal(chooseTestFile('src/foo.ts', 'typescript', [], (p) => taken.has(p)).path, 'src/foo3.test.ts');
    assert.equal(chooseTestFile('tests/lexer.rs', 'rust', []).path, 'tests/lexer2.rs');
  });

  it('files at the workspace root and without an extension', () => {
    assert.equal(chooseTestFile('index.js', 'javascript', []).path, 'index.test.js');
    assert.equal(chooseTestFile('Untitled-1', 'typescript', []).path, 'Untitled-1.test.ts', 'an untitled editor: the language’s extension');
  });

  it('recognises test files by name and language', () => {
    assert.ok(isTestFile('typescript', 'src/a.test.ts'));
    assert.ok(isTestFile('typescript', 'src/a.spec.mts'));
    assert.ok(!isTestFile('typescript', 'src/attest.ts'));
    assert.ok(isTestFile('python', 'tests/test_io.py'));
    assert.ok(isTestFile('python', 'pkg/io_test.py'));
    assert.ok(!isTestFile('python', 'pkg/contest.py'));
    assert.ok(isTestFile('java', 'src/test/java/FooTest.java'));
    assert.ok(isTestFile('rust', 'tests/parse.rs'));
    assert.ok(!isTestFile('rust', 'src/parse.rs'));
    assert.ok(!isTestFile('python', 'tests/test_io.ts'), 'another language’s file');
  });

  it('globs cover each convention of the language; none for an unknown one', () => {
    assert.deepEqual(testFileGlobs('python'), ['**/test_*.py', '**/*_test.py']);
    assert.deepEqual(testFileGlobs('typescript'), ['**/*.test.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', '**/*.spec.{ts,tsx,mts,cts,js,jsx,mjs,cjs}']);
    assert.deepEqual(testFileGlobs('zig'), []);
  });

  it('the import specifier from the test file to the code (JavaScript/TypeScript)', () => {
    assert.equal(importSpecifier('src/foo.test.ts', 'src/foo.ts', 'typescript'), './foo');
    assert.equal(importSpecifier('test/unit/replacement.test.ts', 'src/refactor/replacement.ts', 'typescript'), '../../src/refactor/replacement');
    assert.equal(importSpecifier('src/view.test.tsx', 'src/view.tsx', 'typescriptreact'), './view');
    assert.equal(importSpecifier('tests/test_a.py', 'a.py', 'python'), undefined);
  });
});
