#!/usr/bin/env node
// Integration suite: mocha inside the real extension host of code-server (one supported VS Code
// version per run; default the oldest, 1.100.3), started through the workbench's `payload` URL in
// headless Chromium. The extension under development is the repository itself; tests are bundled to
// out/test/integration/ and talk to a loopback fake GMI server that they start themselves inside the
// extension host. Tests see the running version as `vscode.version`.
//
//   node scripts/run-integration.mjs [--vscode 1.100.3|1.139.1|latest] [--no-build] [--grep <pattern>] [--keep]
//
// Exit code: mocha's (0 when all pass). Everything started here is stopped at the end; a hard
// timeout ends a hung run. On failure the logs go to .test-artifacts/integration/<VS Code version>/.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import {
  artifactsDir,
  collectLogs,
  dumpBrowserStorage,
  launchChromium,
  quietSettings,
  root,
  startCodeServer,
  tempDir,
  vscodeVersionsFromArgs,
  workbenchUrl,
  writeUserSettings,
} from './code-server-harness.mjs';

/**
 * Workbench chatter that the smoke-test driver forwards with the extension host's console (1.139
 * adds its chat/agent-host logs, all tagged `[Name]`); mocha's output is kept.
 */
const WORKBENCH_NOISE =
  /^(Ignoring fetching additional builtin|Updating additional builtin|Creating a socket|Resolv(ing|ed) connection token|\[Service Worker\]|ChatSessionStore:|Creation of workbench contribution|\[(AgentHost(:remote)?|ChatModelSelection|AccountPolicyGate|RemoteAgentHostProtocol|reconnection-grace-time)\] )/;
/** The API key the tests store (helpers.ts reads it from the environment). */
const TEST_KEY = 'gmi-test-key-4f1c9a7e0b2d';
const TIMEOUT_MS = Number(process.env.GMI_INTEGRATION_TIMEOUT_MS ?? 600_000);
export const testsOutDir = join(root, 'out', 'test', 'integration');

/** Bundles test/integration/index.ts and every *.test.ts into out/test/integration (CJS, vscode external). */
export async function buildIntegrationTests() {
  const srcDir = join(root, 'test', 'integration');
  const entries = readdirSync(srcDir)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => join(srcDir, f));
  rmSync(testsOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: entries,
    outdir: testsOutDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // mocha is loaded from node_modules (the extension host runs inside the repository).
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return join(testsOutDir, 'index.js');
}

/** A scratch copy of the fixture workspace, so tests may edit files freely. */
export function makeWorkspace() {
  const dir = tempDir('ws');
  const fixtures = join(root, 'test', 'integration', 'fixtures');
  if (existsSync(fixtures)) cpSync(fixtures, dir, { recursive: true });
  return dir;
}

function parseArgs(argv) {
  const [vscode, ...more] = vscodeVersionsFromArgs(argv);
  if (more.length) throw new Error('--vscode: one version per run');
  const opts = { build: true, grep: undefined, keep: false, vscode };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-build') opts.build = false;
    else if (argv[i] === '--grep') opts.grep = argv[++i];
    else if (argv[i] === '--keep') opts.keep = true;
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  if (opts.build) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (!existsSync(join(root, 'dist', 'extension.js'))) console.warn('[run-integration] dist/extension.js is missing: the extension cannot activate');
  const indexJs = await buildIntegrationTests();

  const work = tempDir('integration');
  const userDataDir = join(work, 'user-data');
  const extensionsDir = join(work, 'extensions');
  const folder = makeWorkspace();
  writeUserSettings(userDataDir, quietSettings(opts.vscode));

  const env = { GMI_TEST_GREP: opts.grep ?? '', GMI_TEST_USER_DATA_DIR: userDataDir, GMI_TEST_KEY: TEST_KEY };
  console.log(`[run-integration] VS Code ${opts.vscode} (code-server), workspace ${folder}`);
  const server = await startCodeServer({ userDataDir, extensionsDir, folder, vscode: opts.vscode, extensionTests: true, env: { ...env, GMI_API_KEY: '' } });
  let browser;
  let exitCode = 1;
  const consoleErrors = [];
  const hardTimeout = setTimeout(async () => {
    console.error(`[run-integration] VS Code ${opts.vscode}: hard timeout after ${TIMEOUT_MS / 1000} s`);
    saveArtifacts(opts.vscode, userDataDir, server, consoleErrors);
    await browser?.close().catch(() => {});
    await server.stop();
    process.exit(124);
  }, TIMEOUT_MS);
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    let settled = false;
    const exited = new Promise((resolve) => {
      const resolveExit = (code) => {
        if (!settled) resolve(code);
        settled = true;
      };
      void page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
      // A crashed page or a dead code-server would otherwise wait for the hard timeout.
      page.on('crash', () => {
        if (!settled) console.error('[run-integration] the workbench page crashed');
        resolveExit(1);
      });
      server.proc.once('exit', (code) => {
        if (!settled) console.error(`[run-integration] code-server exited (${code}) before the tests finished`);
        resolveExit(1);
      });
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const list = Array.isArray(args) ? args : [args];
      if (WORKBENCH_NOISE.test(String(list[0] ?? ''))) return;
      (console[type] ?? console.log)(...list);
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const url = workbenchUrl(server.origin, {
      folder,
      payload: [
        ['extensionDevelopmentPath', remote(root)],
        ['extensionTestsPath', remote(indexJs)],
      ],
    });
    await page.goto(url);
    exitCode = await exited;
    if (!opts.grep && !(await checkKeyNotInBrowserStorage(page))) exitCode = exitCode || 1;
  } catch (err) {
    console.error(`[run-integration] ${err.stack ?? err}`);
    exitCode = 1;
  } finally {
    clearTimeout(hardTimeout);
    if (exitCode !== 0) saveArtifacts(opts.vscode, userDataDir, server, consoleErrors);
    await browser?.close().catch(() => {});
    await server.stop();
    if (!opts.keep) {
      rmSync(work, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  }
  console.log(`[run-integration] VS Code ${opts.vscode}: ${exitCode === 0 ? 'passed' : `FAILED (exit ${exitCode})`} in ${Math.round((Date.now() - started) / 1000)} s`);
  process.exit(exitCode);
}

/**
 * Under code-server the extension's global and workspace state (Memento) live in the browser's
 * IndexedDB. After the suite, the key the tests stored must appear nowhere there, nor in
 * localStorage; the extension's own state entries must exist, so the search is not vacuous.
 */
async function checkKeyNotInBrowserStorage(page) {
  const storage = await dumpBrowserStorage(page);
  const ownState = storage.filter(([where]) => /^indexedDB\/vscode-web-state-db-[^/]+\/ItemTable\/gmi-cloud\.gmi-vscode$/.test(where));
  const leaks = storage.filter(([, text]) => text.includes(TEST_KEY)).map(([where]) => where);
  const problems = [];
  if (ownState.length < 2) problems.push(`expected the extension's global and workspace state in IndexedDB, found ${ownState.length} entries`);
  if (leaks.length) problems.push(`the API key is stored in: ${leaks.join(', ')}`);
  console.log('');
  console.log('  browser storage (global/workspace state, localStorage)');
  if (problems.length === 0) {
    console.log(`    ✔ the key is in none of ${storage.length} entries (${ownState.length} are the extension's state)`);
    return true;
  }
  for (const p of problems) console.log(`    ✘ ${p}`);
  return false;
}

function saveArtifacts(vscodeVersion, userDataDir, server, consoleErrors) {
  try {
    const dest = join(artifactsDir, 'integration', vscodeVersion);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    collectLogs(userDataDir, dest);
    writeFileSync(join(dest, 'code-server.log'), server.output());
    writeFileSync(join(dest, 'workbench-console-errors.log'), consoleErrors.join('\n'));
    console.error(`[run-integration] logs saved in ${dest}`);
  } catch (err) {
    console.error(`[run-integration] could not save logs: ${err}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`[run-integration] ${err.stack ?? err}`);
    process.exit(1);
  });
}
