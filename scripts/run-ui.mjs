#!/usr/bin/env node
// UI suite: mocha in Node (tsx) driving the code-server workbench (one supported VS Code version per
// run; default the oldest, 1.100.3) in headless Chromium through playwright-core, with the extension
// installed from the packaged .vsix (test/ui/harness.ts). Tests see the version as
// GMI_VSCODE_VERSION (harness: VSCODE_VERSION, vscodeAtLeast()).
//
//   node scripts/run-ui.mjs [--vscode 1.100.3|1.139.1|latest] [--no-package] [--grep <pattern>] [--file <name>]... [--screenshots] [--keep]
//
// --file runs only the test files whose name contains <name> (repeatable; default: every file), so a
// single file can run without starting the whole suite on a small machine.
// --screenshots rewrites docs/screenshots/*.png from the passing run. Failures leave a screenshot
// and the logs in .test-artifacts/ui/<VS Code version>/. A hard timeout ends a hung run.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './code-server-harness.mjs';
import { ensureCodeServer, vscodeVersionsFromArgs } from './setup-code-server.mjs';

const TIMEOUT_MS = Number(process.env.GMI_UI_TIMEOUT_MS ?? 900_000);
const argv = process.argv.slice(2);
const started = Date.now();
const [vscodeVersion, ...moreVersions] = vscodeVersionsFromArgs(argv);
if (moreVersions.length) {
  console.error('[run-ui] --vscode: one version per run');
  process.exit(1);
}

if (!argv.includes('--no-package')) execFileSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: 'inherit' });
const vsix = process.env.GMI_UI_VSIX || join(root, 'gmi-vscode.vsix');
if (!existsSync(vsix)) {
  console.error('[run-ui] gmi-vscode.vsix is missing: run `npm run package`');
  process.exit(1);
}
await ensureCodeServer(vscodeVersion);
rmSync(join(root, '.test-artifacts', 'ui', vscodeVersion), { recursive: true, force: true });
console.log(`[run-ui] VS Code ${vscodeVersion} (code-server)`);

const only = argv.flatMap((a, i) => (a === '--file' && argv[i + 1] ? [argv[i + 1]] : []));
const files = readdirSync(join(root, 'test', 'ui'))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort()
  .map((f) => join('test', 'ui', f));
if (files.length === 0) {
  console.error(`[run-ui] no test file matches --file ${only.join(', ')}`);
  process.exit(1);
}
const grep = argv.includes('--grep') ? ['--grep', argv[argv.indexOf('--grep') + 1]] : [];
const mochaArgs = [
  join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
  '--no-config',
  '--require', 'tsx/cjs',
  '--require', 'test/ui/harness.ts',
  '--timeout', '90000',
  '--reporter', 'spec',
  ...grep,
  ...files,
];
const env = {
  ...process.env,
  GMI_UI_VSIX: vsix,
  GMI_VSCODE_VERSION: vscodeVersion,
  GMI_UI_SCREENSHOTS: argv.includes('--screenshots') ? '1' : '0',
  GMI_UI_KEEP: argv.includes('--keep') ? '1' : '',
};
// Own process group, so a hard timeout can end mocha and everything it started.
const child = spawn(process.execPath, mochaArgs, { cwd: root, env, stdio: 'inherit', detached: true });
const signalGroup = (sig) => {
  try {
    process.kill(-child.pid, sig);
  } catch {
    /* gone */
  }
};
// SIGTERM first: mocha's exit hooks then stop code-server and Chromium (their own process groups).
const killAll = () => {
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), 3000).unref();
};
const timer = setTimeout(() => {
  console.error(`[run-ui] VS Code ${vscodeVersion}: hard timeout after ${TIMEOUT_MS / 1000} s`);
  killAll();
}, TIMEOUT_MS);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(130); });
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  signalGroup('SIGKILL'); // anything left in mocha's group
  const exitCode = code ?? (signal ? 1 : 0);
  console.log(`[run-ui] VS Code ${vscodeVersion}: ${exitCode === 0 ? 'passed' : `FAILED (exit ${exitCode})`} in ${Math.round((Date.now() - started) / 1000)} s`);
  process.exit(exitCode);
});
