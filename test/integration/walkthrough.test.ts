import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { selectLines, useLoopbackGmi, waitFor } from './helpers';

describe('Walkthrough: Get started with GMI', () => {
  const t = useLoopbackGmi();
  afterEach(async () => {
    await vscode.commands.executeCommand('gmi.discardRefactor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const done = () => (t.api.storedState().global['gmi.walkthrough.done'] as string[] | undefined) ?? [];

  it('a question asked and a refactor applied are remembered (the steps check themselves in a later window too)', async () => {
    t.fake.enqueue({ text: 'Sure.' });
    t.stubs.inputBox('A first question');
    await vscode.commands.executeCommand('gmi.ask');
    await t.api.chatIdle();
    await waitFor('the question step remembered', () => done().includes('questionAsked'));

    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'walkthrough-sample.ts');
    fs.writeFileSync(file, 'let a = 1;\nlet b = 2;\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preview: false });
    selectLines(editor, 1, 1);
    t.fake.enqueue({ text: '```ts result\nconst a = 1;\n```\n' });
    t.stubs.inputBox('Use const');
    t.stubs.stub('showInformationMessage', async (message: string) => (/Apply the proposed change/.test(message) ? 'Apply' : undefined));
    await vscode.commands.executeCommand('gmi.refactorSelection');
    assert.equal(editor.document.getText(), 'const a = 1;\nlet b = 2;\n');
    await waitFor('the refactor step remembered', () => done().includes('refactorApplied'));
  });

  it('GMI: Get Started opens the walkthrough', async () => {
    const walkthroughTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tab) => tab.input === undefined && /Walkthrough|Welcome/.test(tab.label));
    assert.equal(walkthroughTabs().length, 0);
    let returned = false;
    const run = Promise.resolve(vscode.commands.executeCommand('gmi.openWalkthrough')).then(() => (returned = true));
    await waitFor('the walkthrough tab', () => walkthroughTabs()[0], 20_000);
    await waitFor('the command to return', () => returned, 20_000);
    await run;
  });
});
