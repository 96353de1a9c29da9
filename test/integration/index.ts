// Entry point of the integration suite: loaded by VS Code's extension host (code-server through the
// `payload` URL, or desktop VS Code through @vscode/test-electron), which calls `run()` with the
// real `vscode` API available. Each `*.test.js` bundle next to this file is one mocha file. Tests
// that depend on the VS Code version read `vscode.version` (helpers.ts: vscodeAtLeast()).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import Mocha = require('mocha');

export const EXTENSION_ID = 'gmi-cloud.gmi-vscode';

export async function run(): Promise<void> {
  // Recorded before any test runs: the activation test asserts that startup activated nothing.
  (globalThis as Record<string, unknown>).__gmiActiveAtTestStart = vscode.extensions.getExtension(EXTENSION_ID)?.isActive;

  // The runner (run-integration.mjs --vscode) says which version it started: make sure it is this one.
  const expected = process.env.GMI_VSCODE_VERSION;
  if (expected && vscode.version !== expected) throw new Error(`expected VS Code ${expected}, the extension host runs ${vscode.version}`);
  console.log(`  VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.appHost})`);

  const grep = process.env.GMI_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  await new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve()));
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
