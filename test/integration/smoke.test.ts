import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('smoke', () => {
  it('runs inside a VS Code extension host', () => {
    assert.match(vscode.version, /^1\.100\./);
  });
});
