import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chatRequests, lastUserText, selectLines, useLoopbackGmi, waitFor } from './helpers';

const AREA = 'export function area(w: number, h: number): number {\n  return w * h;\n}\n';
const AREA_DOCUMENTED =
  '/**\n * The area of a rectangle.\n * @param w - Its width.\n * @param h - Its height.\n * @returns w times h.\n */\nexport function area(w: number, h: number): number {\n  return w * h;\n}';

describe('Document Code / Write Tests', () => {
  const t = useLoopbackGmi();
  let n = 0;
  beforeEach(() => t.stubs.stub('showErrorMessage', async () => undefined));
  afterEach(async () => {
    await vscode.commands.executeCommand('gmi.discardRefactor');
    // Untitled test files are closed without saving (closing them would ask).
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isUntitled && d.isDirty)) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

  /** Writes files (workspace-relative path → content) under a fresh folder; returns the folder's relative path. */
  function project(files: Record<string, string>): string {
    const rel = `gen-${++n}`;
    for (const [p, content] of Object.entries(files)) {
      const file = path.join(root(), rel, p);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return rel;
  }

  async function open(rel: string): Promise<vscode.TextEditor> {
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(root(), rel)), { preview: false });
  }

  function answerApply(): void {
    t.stubs.stub('showInformationMessage', async (message: string) => (/Apply the proposed change/.test(message) ? 'Apply' : undefined));
  }

  describe('Document Code', () => {
    it('documents the selected lines in the language’s convention, through the diff, as one edit', async () => {
      const dir = project({ 'area.ts': `// shapes\n${AREA}` });
      const editor = await open(`${dir}/area.ts`);
      selectLines(editor, 2, 4);
      t.fake.enqueue({ text: `\`\`\`ts result\n${AREA_DOCUMENTED}\n\`\`\`\n` });
      answerApply();
      await vscode.commands.executeCommand('gmi.documentSelection');
      assert.equal(editor.document.getText(), `// shapes\n${AREA_DOCUMENTED}\n`);
      const sent = lastUserText(chatRequests(t.fake)[0].body);
      assert.match(sent, /^Document lines 2-4 of `gen-\d+\/area\.ts` \(typescript\)/);
      assert.match(sent, /Convention: TSDoc comments/);
      assert.match(JSON.stringify(chatRequests(t.fake)[0].body), /Do not change any code/);
    });

    it('with nothing selected: the function at the cursor', async () => {
      const dir = project({ 'area.ts': `const unit = 1;\n\n${AREA}\nconst after = 2;\n` });
      const editor = await open(`${dir}/area.ts`);
      // The TypeScript server may still be starting: wait until it lists area() (the command waits 3 s at most).
      for (const deadline = Date.now() + 30_000; ; ) {
        const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', editor.document.uri);
        if ((symbols ?? []).some((s) => s.name === 'area')) break;
        assert.ok(Date.now() < deadline, 'TypeScript listed no symbols');
        await new Promise((r) => setTimeout(r, 50));
      }
      editor.selection = new vscode.Selection(3, 5, 3, 5); // inside area()
      t.fake.enqueue({ text: `\`\`\`ts result\n${AREA_DOCUMENTED}\n\`\`\`\n` });
      answerApply();
      await vscode.commands.executeCommand('gmi.documentSelection');
      assert.match(lastUserText(chatRequests(t.fake)[0].body), /^Document lines 3-5 of/);
      assert.equal(editor.document.getText(), `const unit = 1;\n\n${AREA_DOCUMENTED}\n\nconst after = 2;\n`);
    });
  });

  describe('Write Tests', () => {
    /** Runs Write Tests; returns the editor it opened. */
    async function writeTests(reply: string): Promise<vscode.TextEditor> {
      t.fake.enqueue({ text: reply });
      const before = vscode.window.activeTextEditor;
      await vscode.commands.executeCommand('gmi.writeTests');
      return waitFor('the new test editor', () => vscode.window.activeTextEditor !== before && vscode.window.activeTextEditor);
    }

    it('pytest layout: tests/test_<name>.py, an untitled editor beside the code, never written to disk', async () => {
      const dir = project({
        'pkg/calc.py': 'def add(a, b):\n    return a + b\n',
        'tests/test_util.py': 'import pytest\nfrom pkg.util import clamp\n\n\ndef test_clamp():\n    assert clamp(5, 0, 3) == 3\n',
      });
      const code = await open(`${dir}/pkg/calc.py`);
      const tests = 'from pkg.calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n';
      const editor = await writeTests(`Tests for add():\n\n\`\`\`python result\n${tests}\`\`\`\n`);
      const doc = editor.document;
      assert.equal(doc.uri.scheme, 'untitled');
      assert.ok(doc.uri.path.endsWith(`/${dir}/tests/test_calc.py`), doc.uri.toString());
      assert.equal(doc.getText(), tests);
      assert.equal(doc.languageId, 'python');
      assert.equal(doc.isDirty, true, 'unsaved');
      assert.equal(fs.existsSync(path.join(root(), dir, 'tests', 'test_calc.py')), false, 'nothing written to disk');
      assert.notEqual(editor.viewColumn, code.viewColumn, 'beside the code');

      const sent = lastUserText(chatRequests(t.fake)[0].body);
      assert.match(sent, /^Write unit tests for the file `gen-\d+\/pkg\/calc\.py` \(python\)\./);
      assert.match(sent, /will be saved as `gen-\d+\/tests\/test_calc\.py`/);
      assert.match(sent, /An existing test file of this project, `gen-\d+\/tests\/test_util\.py`/);
      assert.ok(sent.includes('def test_clamp():'), 'the example test file is sent');
    });

    it('tests beside the code (foo.test.ts next to foo.ts); a taken name gets a number; a selection is tested alone', async () => {
      const dir = project({
        'src/a.ts': 'export const a = 1;\n',
        'src/a.test.ts': "import { a } from './a';\n",
        'src/shapes.ts': `${AREA}\nexport function double(x: number): number {\n  return x * 2;\n}\n`,
        'src/shapes.test.ts': '// already there\n',
      });
      const code = await open(`${dir}/src/shapes.ts`);
      selectLines(code, 1, 3);
      const editor = await writeTests("```ts result\nimport { area } from './shapes';\n```\n");
      assert.ok(editor.document.uri.path.endsWith(`/${dir}/src/shapes2.test.ts`), editor.document.uri.toString());
      const sent = lastUserText(chatRequests(t.fake)[0].body);
      assert.match(sent, /^Write unit tests for lines 1-3 of `gen-\d+\/src\/shapes\.ts`/);
      assert.match(sent, /from there the code is imported as `\.\/shapes`/);
      assert.ok(!sent.includes('double'), 'only the selection is sent');
    });

    it('a reply without a code block: the whole reply is in the new editor, and a warning says so', async () => {
      const dir = project({ 'lib/util.go': 'package lib\n\nfunc Two() int { return 2 }\n' });
      await open(`${dir}/lib/util.go`);
      t.stubs.stub('showWarningMessage', async (m: string) => (/^Send your GMI API key to /.test(m) ? 'Allow' : undefined));
      const editor = await writeTests('I would need to know more about the package.');
      assert.ok(editor.document.uri.path.endsWith(`/${dir}/lib/util_test.go`), editor.document.uri.toString());
      assert.equal(editor.document.getText(), 'I would need to know more about the package.\n');
      assert.ok(t.stubs.messages('showWarningMessage').some((m) => /without a code block/.test(m)));
    });
  });
});
