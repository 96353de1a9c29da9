#!/usr/bin/env node
// Installs code-server 4.100.3 (= VS Code 1.100.3, runs on Node 20) into a git-ignored cache,
// following docs in ../shared/testing-in-vscode.md: npm scripts off (its post-install refuses root
// and downloads ripgrep), then the native modules rebuilt by hand against the Debian packages.
// Reused while `entry.js --version` works and the success marker is present.
//
// Usage: node scripts/setup-code-server.mjs      (prints the entry.js path on the last line)
// As a module: `await ensureCodeServer()` → absolute path of entry.js.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, symlinkSync, lstatSync, rmSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const entryJs = join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const marker = join(cacheDir, '.installed');

// Debian package → a file it provides that the install needs.
const DEBIAN_NEEDS = [
  ['chromium', '/usr/bin/chromium'],
  ['ripgrep', '/usr/bin/rg'],
  ['pkg-config', '/usr/bin/pkg-config'],
  ['libkrb5-dev', '/usr/include/krb5.h'],
  ['libx11-dev', '/usr/include/X11/Xlib.h'],
  ['libxkbfile-dev', '/usr/include/X11/extensions/XKBfile.h'],
  ['libsecret-1-dev', '/usr/include/libsecret-1/libsecret/secret.h'],
];

function log(msg) {
  process.stderr.write(`[setup-code-server] ${msg}\n`);
}

function checkDebianPackages() {
  const missing = DEBIAN_NEEDS.filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
  if (missing.length) {
    throw new Error(
      `missing Debian package(s): ${missing.join(', ')}\n` +
        `  install them with: sudo bash scripts/install-system-deps.sh   (or: apt-get install ${missing.join(' ')})`,
    );
  }
}

function installedVersion() {
  if (!existsSync(entryJs)) return undefined;
  const r = spawnSync(process.execPath, [entryJs, '--version'], { encoding: 'utf8', timeout: 60_000, env: codeServerEnv() });
  // code-server may log a line first ("Wrote default config file…"): keep the version line.
  return r.status === 0 ? r.stdout.split('\n').find((l) => /^\d+\.\d+\.\d+ /.test(l))?.trim() : undefined;
}

/** Environment for code-server: its config/data dirs inside the cache, not in the user's home. */
export function codeServerEnv(extra = {}) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(cacheDir, 'xdg', 'config'),
    XDG_DATA_HOME: join(cacheDir, 'xdg', 'data'),
    // No extension gallery (code-server defaults to open-vsx.org): tests never reach the internet.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

function run(cmd, args, cwd, extraEnv = {}) {
  log(`${cwd.replace(root + '/', '')}$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...extraEnv } });
}

function npmEnv() {
  const env = { npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  // node-gyp would download Node's headers; use the ones installed with Node when present.
  if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  return env;
}

function install() {
  const env = npmEnv();
  mkdirSync(cacheDir, { recursive: true });
  rmSync(marker, { force: true });
  writeFileSync(join(cacheDir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }, null, 2));
  run('npm', ['install', '--ignore-scripts', '--no-save', `code-server@${CODE_SERVER_VERSION}`], cacheDir, env);

  const vscodeDir = join(cacheDir, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir, env);
  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync('/usr/bin/rg', join(rgDir, 'rg'));
  chmodSync(join(rgDir, 'rg'), 0o755);
  run('npm', ['rebuild', '@parcel/watcher', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty', '@vscode/deviceid'], vscodeDir, env);
  const asar = join(vscodeDir, 'node_modules.asar');
  if (!isLink(asar)) symlinkSync('node_modules', asar);

  run('npm', ['install', '--omit=dev', '--ignore-scripts'], join(vscodeDir, 'extensions'), env);
  run('npm', ['rebuild', 'argon2'], cacheDir, { ...env, npm_config_build_from_source: 'true' });
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Installs code-server into the cache unless it is already there; returns entry.js. */
export async function ensureCodeServer() {
  checkDebianPackages();
  const have = existsSync(marker) ? installedVersion() : undefined;
  if (have?.startsWith(CODE_SERVER_VERSION)) return entryJs;
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${cacheDir} (first run: a few minutes)`);
  install();
  const version = installedVersion();
  if (!version?.startsWith(CODE_SERVER_VERSION) || !version.includes(VSCODE_VERSION)) {
    throw new Error(`code-server install did not work: entry.js --version printed ${JSON.stringify(version)}`);
  }
  writeFileSync(marker, `${version}\n`);
  log(`ready in ${Math.round((Date.now() - started) / 1000)} s: ${version}`);
  return entryJs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(await ensureCodeServer());
  } catch (err) {
    log(`ERROR: ${err.message}`);
    process.exit(1);
  }
}
