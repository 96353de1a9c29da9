// File references in replies, resolved and opened by the host as the chat view asks: only files
// inside the workspace folders, at the line the reference names.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openFileRef, resolveFileRef, resolveFileRefs } from '../../src/commands/openLink';
import { WindowStubs } from './helpers';
import { Log } from '../../src/log';

describe('file references from replies', () => {
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const relative = (uri: vscode.Uri | undefined) => uri && path.relative(folder(), uri.fsPath).split(path.sep).join('/');
  let stubs: WindowStubs;
  const log = new Log('GMI links test');
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gmi-outside-'));

  before(() => {
    fs.mkdirSync(path.join(folder(), 'links', 'a'), { recursive: true });
    fs.mkdirSync(path.join(folder(), 'links', 'b'), { recursive: true });
    fs.writeFileSync(path.join(folder(), 'links', 'a', 'dup.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(folder(), 'links', 'b', 'dup.ts'), 'export const b = 2;\n');
    fs.writeFileSync(path.join(outside, 'secret.ts'), 'export const secret = "outside";\n');
    fs.symlinkSync(outside, path.join(folder(), 'links', 'escape'));
  });
  after(() => {
    log.dispose();
    fs.rmSync(path.join(folder(), 'links'), { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  beforeEach(() => {
    stubs = new WindowStubs();
    stubs.stub('showInformationMessage', async () => undefined);
  });
  afterEach(async () => {
    stubs.restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a path under the workspace folder resolves; with or without a line', async () => {
    assert.equal(relative(await resolveFileRef('src/sample.ts')), 'src/sample.ts');
    assert.equal(relative(await resolveFileRef('src/sample.ts:3')), 'src/sample.ts');
    assert.equal(relative(await resolveFileRef('./src/sample.ts#L3')), 'src/sample.ts');
  });

  it('a name that is not at the root resolves when exactly one workspace file ends with it', async () => {
    assert.equal(relative(await resolveFileRef('sample.ts:3')), 'src/sample.ts');
    assert.equal(await resolveFileRef('dup.ts:1'), undefined, 'two files named dup.ts: ambiguous, stays text');
    assert.equal(relative(await resolveFileRef('a/dup.ts')), 'links/a/dup.ts');
  });

  it('nothing outside the workspace: no parent folders, no absolute paths, no symbolic link out', async () => {
    assert.equal(await resolveFileRef('../sample.ts'), undefined);
    assert.equal(await resolveFileRef(path.join(outside, 'secret.ts')), undefined);
    assert.equal(await resolveFileRef('links/escape/secret.ts'), undefined, 'a link inside the workspace to a file outside it');
    assert.equal(await resolveFileRef('src'), undefined, 'a folder is not a file');
    assert.equal(await resolveFileRef('missing/file.ts'), undefined);
    assert.deepEqual(await resolveFileRefs(['src/sample.ts:3', 'missing/file.ts', '../x.ts', 'src/sample.ts:3']), ['src/sample.ts:3']);
  });

  it('opening one shows the file with the cursor at the line and column it names', async () => {
    assert.equal(await openFileRef('src/sample.ts:10:8', log), true);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(relative(editor.document.uri), 'src/sample.ts');
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [9, 7]);
    assert.ok(editor.selection.isEmpty);
  });

  it('a line past the end goes to the last line; a missing file says so and opens nothing', async () => {
    assert.equal(await openFileRef('src/sample.ts:9999', log), true);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.selection.active.line, editor.document.lineCount - 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(await openFileRef('missing/file.ts:3', log), false);
    assert.equal(vscode.window.activeTextEditor, undefined);
    assert.ok(stubs.messages('showInformationMessage').some((m) => /missing\/file\.ts is not in this workspace/.test(m)));
  });
});
