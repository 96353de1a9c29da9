// Shared pieces of the real-VS-Code harness: start code-server (one of the supported VS Code versions,
// see setup-code-server.mjs) on 127.0.0.1 with fresh user-data, extension and XDG folders, launch
// Debian's Chromium through playwright-core, and stop both for sure.
// Used by run-integration.mjs, run-ui.mjs (through test/ui/harness.ts), try.mjs and bench/e2e.ts.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_VSCODE_VERSION, VSCODE_VERSIONS, ensureCodeServer, freshXdgDir, resolveVSCodeVersion, vscodeVersionsFromArgs } from './setup-code-server.mjs';

export { DEFAULT_VSCODE_VERSION, VSCODE_VERSIONS, resolveVSCodeVersion, vscodeVersionsFromArgs };

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const artifactsDir = join(root, '.test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** A fresh temporary folder (removed by the caller or left in /tmp). */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `gmi-${prefix}-`));
}

/** Writes `<userDataDir>/User/settings.json`. */
export function writeUserSettings(userDataDir, settings) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** Settings that keep the workbench quiet and deterministic for tests. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'editor.accessibilitySupport': 'off',
  // The tests open .ts files: the syntax-only TypeScript server spares the 2-core machines a full
  // project load per file (no type checking is needed to test the extension).
  'typescript.tsserver.useSyntaxServer': 'always',
  'typescript.disableAutomaticTypeAcquisition': true,
};

/**
 * QUIET_SETTINGS for one VS Code version. From 1.104 on, VS Code's own Chat view is where the
 * extension's language model provider is used, so AI features stay on there
 * (`chat.disableAIFeatures` would hide the Chat view and the model picker).
 */
export function quietSettings(vscodeVersion = DEFAULT_VSCODE_VERSION) {
  const settings = { ...QUIET_SETTINGS };
  if (compareVersions(resolveVSCodeVersion(vscodeVersion), '1.104.0') >= 0) delete settings['chat.disableAIFeatures'];
  return settings;
}

/** Compares dotted versions numerically: <0, 0, >0. */
export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** Installs a .vsix into an extensions folder with code-server's own CLI (of the given VS Code version). */
export async function installVsix(vsix, extensionsDir, vscodeVersion = DEFAULT_VSCODE_VERSION) {
  const cs = await ensureCodeServer(vscodeVersion);
  const xdg = freshXdgDir();
  try {
    const r = spawnSync(cs.node, [cs.entryJs, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
      encoding: 'utf8',
      env: cs.env(xdg),
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`installing ${vsix} failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(xdg, { recursive: true, force: true });
  }
}

/**
 * Starts code-server for `vscode` (a supported VS Code version; default the oldest) and resolves once
 * it answers /healthz. `extensionTests: true` lets the workbench's `payload` URL parameter run
 * extension tests, which release builds from 1.139 allow only with the smoke-test driver on (that
 * also hides notification toasts, so UI tests must not ask for it).
 * @returns {{ port, origin, proc, vscodeVersion, userDataDir, extensionsDir, output: () => string, stop: () => Promise<void> }}
 */
export async function startCodeServer({ userDataDir, extensionsDir, folder, port, env = {}, quiet = true, extraArgs = [], vscode, extensionTests = false }) {
  const cs = await ensureCodeServer(vscode);
  port ??= await freePort();
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const args = [
    cs.entryJs,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(extensionTests && cs.payloadNeedsSmokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...extraArgs,
  ];
  if (folder) args.push(folder);
  // code-server's own config and data go to a fresh folder, never the machine's ~/.config/code-server.
  const xdg = freshXdgDir();
  // Own process group, so stop() ends code-server and every process it started (extension host, …).
  const proc = spawn(cs.node, args, {
    cwd: root,
    env: cs.env(xdg, { GMI_VSCODE_VERSION: cs.vscodeVersion, ...env }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 1_000_000) output = output.slice(-500_000);
    if (!quiet) process.stderr.write(chunk);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let exited = false;
  proc.once('exit', () => {
    exited = true;
    rmSync(xdg, { recursive: true, force: true });
  });

  const stop = async () => {
    if (exited) return;
    const gone = new Promise((r) => proc.once('exit', r));
    killGroup(proc.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(proc.pid, 'SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
    killGroup(proc.pid, 'SIGKILL'); // stragglers left in the group
  };
  onProcessExit(() => killGroup(proc.pid, 'SIGKILL'));

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited during start:\n${output}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${origin} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, origin, proc, vscodeVersion: cs.vscodeVersion, userDataDir, extensionsDir, output: () => output, stop };
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

const exitHooks = new Set();
let exitHooked = false;
/** Runs `fn` synchronously when this process exits or is interrupted. */
export function onProcessExit(fn) {
  exitHooks.add(fn);
  if (exitHooked) return;
  exitHooked = true;
  const runAll = () => {
    for (const f of exitHooks) {
      try {
        f();
      } catch {
        /* best effort */
      }
    }
    exitHooks.clear();
  };
  process.once('exit', runAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      runAll();
      process.exit(130);
    });
  }
}

/** Headless Debian Chromium through playwright-core (nothing downloaded). */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package "chromium" (scripts/install-system-deps.sh)`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const pid = browser.process?.()?.pid;
  onProcessExit(() => {
    if (pid) killGroup(pid, 'SIGKILL');
  });
  return browser;
}

/** Copies code-server's logs (extension host, GMI output channel) into `dest`. */
export function collectLogs(userDataDir, dest) {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return;
  mkdirSync(dest, { recursive: true });
  cpSync(logs, join(dest, 'logs'), { recursive: true });
}

/** Files under `dir` whose path matches `re` (for finding the GMI output-channel log). */
export function findFiles(dir, re, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findFiles(p, re, out);
    else if (re.test(p)) out.push(p);
  }
  return out;
}

/** The workbench URL that opens `folder`, optionally with an extension-development/test payload. */
export function workbenchUrl(origin, { folder, payload } = {}) {
  const params = new URLSearchParams();
  if (folder) params.set('folder', folder);
  if (payload) params.set('payload', JSON.stringify(payload));
  const q = params.toString();
  return `${origin}/${q ? `?${q}` : ''}`;
}

/**
 * Everything the workbench keeps in the browser (localStorage and every IndexedDB database: global
 * and workspace state, user data), as [location, text] pairs, for tests that look for a secret.
 */
export async function dumpBrowserStorage(page) {
  return page.evaluate(async () => {
    const text = (v) => {
      if (v instanceof Uint8Array) return new TextDecoder().decode(v);
      if (v instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(v));
      return typeof v === 'string' ? v : JSON.stringify(v);
    };
    const req = (r) => new Promise((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));
    const out = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      out.push([`localStorage/${k}`, localStorage.getItem(k) ?? '']);
    }
    for (const { name } of await indexedDB.databases()) {
      const db = await req(indexedDB.open(name));
      for (const store of Array.from(db.objectStoreNames)) {
        const os = db.transaction(store, 'readonly').objectStore(store);
        const [keys, values] = await Promise.all([req(os.getAllKeys()), req(os.getAll())]);
        keys.forEach((k, j) => out.push([`indexedDB/${name}/${store}/${text(k)}`, text(values[j])]));
      }
      db.close();
    }
    return out;
  });
}
