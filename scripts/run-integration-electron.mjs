#!/usr/bin/env node
// The same integration suite in desktop VS Code through @vscode/test-electron, for machines that can
// download VS Code (it fetches a build into .vscode-test/). Not used in CI here: no internet.
//   node scripts/run-integration-electron.mjs [--version 1.100.3] [--no-build]
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { root } from './code-server-harness.mjs';
import { buildIntegrationTests, makeWorkspace } from './run-integration.mjs';

const argv = process.argv.slice(2);
const version = argv.includes('--version') ? argv[argv.indexOf('--version') + 1] : '1.100.3';
if (!argv.includes('--no-build')) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const extensionTestsPath = await buildIntegrationTests();
const folder = makeWorkspace();
try {
  await runTests({
    version,
    extensionDevelopmentPath: root,
    extensionTestsPath,
    launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { GMI_API_KEY: '' },
  });
} catch (err) {
  console.error(`[run-integration-electron] ${err}`);
  process.exit(1);
}
