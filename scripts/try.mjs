#!/usr/bin/env node
// `npm run try`: the extension in a real VS Code (code-server; VS Code 1.100.3 unless --vscode says
// otherwise) in your browser, without installing VS Code. Builds, starts code-server on 127.0.0.1
// and prints the URL.
//
//   npm run try [-- --fake] [-- --vsix] [-- --vscode 1.139.1] [-- --port 8765] [-- --folder <path>]
//
//   --fake    also start the loopback fake GMI server and point gmi.baseUrl at it (no key or
//             network needed; any key of 8+ characters is accepted)
//   --vsix    package and install the .vsix instead of loading the built folder (always so on
//             1.139: its release build loads a development folder only with the smoke-test
//             driver, which hides notifications)
//   --vscode  the VS Code version: 1.100.3 (default) or 1.139.1 (see scripts/setup-code-server.mjs)
//   --port    port to listen on (default: a free one)
//   --folder  folder to open (default: a scratch copy of test/ui/fixtures in .vscode-test/try/)
//
// Your settings and key live in .vscode-test/try/user-data and are kept between runs. Ctrl+C stops.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { installVsix, onProcessExit, quietSettings, root, startCodeServer, vscodeVersionsFromArgs, workbenchUrl, writeUserSettings } from './code-server-harness.mjs';
import { ensureCodeServer } from './setup-code-server.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined);

const [vscodeVersion] = vscodeVersionsFromArgs(argv);
const { payloadNeedsSmokeTestDriver } = await ensureCodeServer(vscodeVersion);
const useVsix = flag('vsix') || payloadNeedsSmokeTestDriver;
const tryDir = join(root, '.vscode-test', vscodeVersion === '1.100.3' ? 'try' : `try-${vscodeVersion}`);
const userDataDir = join(tryDir, 'user-data');
const extensionsDir = join(tryDir, 'extensions');
const folder = option('folder') ? resolve(option('folder')) : join(tryDir, 'workspace');
if (!option('folder') && !existsSync(folder)) cpSync(join(root, 'test', 'ui', 'fixtures'), folder, { recursive: true });

if (useVsix) {
  execFileSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: 'inherit' });
  await installVsix(join(root, 'gmi-vscode.vsix'), extensionsDir, vscodeVersion);
} else {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}

// User settings: keep the user's own, set or clear the fake server's base URL.
const settingsFile = join(userDataDir, 'User', 'settings.json');
let settings = quietSettings(vscodeVersion);
try {
  settings = { ...settings, ...JSON.parse(readFileSync(settingsFile, 'utf8')) };
} catch {
  /* first run */
}
let fakeUrl;
if (flag('fake')) {
  fakeUrl = await startFake();
  settings['gmi.baseUrl'] = fakeUrl;
} else if (/^http:\/\/127\.0\.0\.1:/.test(settings['gmi.baseUrl'] ?? '')) {
  delete settings['gmi.baseUrl']; // left over from a --fake run
}
writeUserSettings(userDataDir, settings);

const port = option('port') ? Number(option('port')) : undefined;
const server = await startCodeServer({ userDataDir, extensionsDir, folder, port, quiet: true, vscode: vscodeVersion });
const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
const url = useVsix
  ? workbenchUrl(server.origin, { folder })
  : workbenchUrl(server.origin, { folder, payload: [['extensionDevelopmentPath', remote(root)]] });

console.log('');
console.log(`GMI for VS Code is running in code-server (VS Code ${vscodeVersion}). Open:`);
console.log('');
console.log(`  ${url}`);
console.log('');
if (fakeUrl) console.log(`Fake GMI server: ${fakeUrl} (gmi.baseUrl points there; use any key of 8+ characters).`);
console.log('Press Ctrl+C to stop.');

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await new Promise(() => {}); // serve until interrupted

/** Starts test/fake-gmi/cli.ts (through tsx) and resolves with its base URL. */
function startFake() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'fake-gmi', 'cli.ts'), '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onProcessExit(() => child.kill('SIGKILL'));
  return new Promise((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`fake GMI server exited (${code})`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolveUrl(line.trim()));
  });
}
