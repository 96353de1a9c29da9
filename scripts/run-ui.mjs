#!/usr/bin/env node
// UI suite: mocha in Node (tsx) driving the code-server workbench in headless Chromium through
// playwright-core, with the extension installed from the packaged .vsix (test/ui/harness.ts).
//
//   node scripts/run-ui.mjs [--no-package] [--grep <pattern>] [--file <name>]... [--screenshots] [--keep]
//
// --file runs only the test files whose name contains <name> (repeatable; default: every file), so a
// single file can run without starting the whole suite on a small machine.
// --screenshots rewrites docs/screenshots/*.png from the passing run. Failures leave a screenshot
// and the logs in .test-artifacts/ui/. A hard timeout ends a hung run.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './code-server-harness.mjs';
import { ensureCodeServer } from './setup-code-server.mjs';

const TIMEOUT_MS = Number(process.env.GMI_UI_TIMEOUT_MS ?? 900_000);
const argv = process.argv.slice(2);
const started = Date.now();

if (!argv.includes('--no-package')) execFileSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: 'inherit' });
const vsix = process.env.GMI_UI_VSIX || join(root, 'gmi-vscode.vsix');
if (!existsSync(vsix)) {
  console.error('[run-ui] gmi-vscode.vsix is missing: run `npm run package`');
  process.exit(1);
}
await ensureCodeServer();
rmSync(join(root, '.test-artifacts', 'ui'), { recursive: true, force: true });

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
  console.error(`[run-ui] hard timeout after ${TIMEOUT_MS / 1000} s`);
  killAll();
}, TIMEOUT_MS);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(130); });
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  signalGroup('SIGKILL'); // anything left in mocha's group
  const exitCode = code ?? (signal ? 1 : 0);
  console.log(`[run-ui] ${exitCode === 0 ? 'passed' : `FAILED (exit ${exitCode})`} in ${Math.round((Date.now() - started) / 1000)} s`);
  process.exit(exitCode);
});
