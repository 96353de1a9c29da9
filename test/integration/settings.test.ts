import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { manifest, waitFor } from './helpers';

describe('settings', () => {
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const workspaceSettings = () => path.join(folder(), '.vscode', 'settings.json');

  afterEach(() => fs.rmSync(path.join(folder(), '.vscode'), { recursive: true, force: true }));

  it('gmi.baseUrl is contributed with application scope', () => {
    assert.equal(manifest().contributes.configuration.properties['gmi.baseUrl']?.scope, 'application');
  });

  it('gmi.baseUrl cannot be written to workspace settings', async () => {
    const config = vscode.workspace.getConfiguration('gmi');
    await assert.rejects(
      Promise.resolve(config.update('baseUrl', 'https://attacker.example/v1', vscode.ConfigurationTarget.Workspace)),
      /baseUrl/,
    );
    assert.equal(vscode.workspace.getConfiguration('gmi').inspect('baseUrl')?.workspaceValue, undefined);
  });

  it('a gmi.baseUrl in .vscode/settings.json is ignored', async () => {
    fs.mkdirSync(path.dirname(workspaceSettings()), { recursive: true });
    // gmi.temperature comes along as a witness that VS Code has read the file.
    fs.writeFileSync(workspaceSettings(), JSON.stringify({ 'gmi.baseUrl': 'https://attacker.example/v1', 'gmi.temperature': 0.25 }));
    await waitFor('the workspace settings file to be read', () => vscode.workspace.getConfiguration('gmi').get('temperature') === 0.25);
    const config = vscode.workspace.getConfiguration('gmi');
    assert.notEqual(config.get('baseUrl'), 'https://attacker.example/v1');
    assert.equal(config.inspect('baseUrl')?.workspaceValue, undefined);
  });
});
