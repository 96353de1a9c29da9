// What the workbench benchmarks share (bench/e2e.ts, bench/pace.ts; run through tsx): a fresh
// code-server session of one VS Code version with the built extension loaded from this checkout,
// headless Chromium on it, and helpers to drive the chat view and read clocks and logs.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import type { FakeGmi } from '../test/fake-gmi/server';
import { answerInputBox, chatFrame, openChat, runCommand, waitForWorkbench, WAIT } from '../test/ui/harness';

export const ROOT = path.resolve(__dirname, '..');
export const KEY = 'gmi-bench-key-3f9c2a7d51';

export interface Harness {
  quietSettings(vscodeVersion: string): Record<string, unknown>;
  resolveVSCodeVersion(wanted?: string): string;
  VSCODE_VERSIONS: string[];
  startCodeServer(o: Record<string, unknown>): Promise<{ port: number; origin: string; proc: { pid?: number }; output(): string; stop(): Promise<void> }>;
  launchChromium(): Promise<Browser>;
  writeUserSettings(dir: string, settings: Record<string, unknown>): void;
  tempDir(prefix: string): string;
  findFiles(dir: string, re: RegExp): string[];
  workbenchUrl(origin: string, o: { folder?: string; payload?: string[][] }): string;
}

export async function loadHarness(): Promise<Harness> {
  return (await import(path.join(ROOT, 'scripts', 'code-server-harness.mjs'))) as Harness;
}

/** dist/ is shared with the test suites: never rebuilt here, only built when missing. Returns its kind. */
export function ensureDist(): 'development' | 'production' {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT, stdio: 'ignore' });
  }
  return fs.existsSync(path.join(ROOT, 'dist', 'extension.js.map')) ? 'development' : 'production';
}

export const now = (): number => performance.timeOrigin + performance.now();

/** Calls `onWrite(chunk, t)` for every string the fake server (in this process) writes to a response. */
export function onServerWrite(onWrite: (chunk: string, t: number) => void): void {
  const original = http.ServerResponse.prototype.write;
  http.ServerResponse.prototype.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string') onWrite(chunk, now());
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof original;
}

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Offset of the frame's clock from ours, from the round trip with the smallest delay. */
export async function clockOffset(frame: Frame): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { offsetMs: 0, errorMs: Infinity };
  for (let i = 0; i < 30; i++) {
    const t0 = now();
    const tb = await frame.evaluate(() => performance.timeOrigin + performance.now());
    const t1 = now();
    if ((t1 - t0) / 2 < best.errorMs) best = { offsetMs: tb - (t0 + t1) / 2, errorMs: (t1 - t0) / 2 };
  }
  return best;
}

/**
 * The content frame of a webview view of extension `extensionId` (publisher.name); with `has`, the
 * one whose document has an element matching it (an extension may show several views).
 */
export async function webviewFrame(page: Page, extensionId = 'gmi-cloud.gmi-vscode', has?: string): Promise<Frame> {
  const deadline = Date.now() + WAIT;
  for (;;) {
    for (const outer of await page.locator(`iframe.webview.ready[src*="${extensionId}"]`).elementHandles()) {
      const outerFrame = await outer.contentFrame();
      const inner = await outerFrame?.locator('#active-frame').elementHandle().catch(() => null);
      const frame = await inner?.contentFrame();
      if (frame && (!has || (await frame.locator(has).count()) > 0)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview of ${extensionId}${has ? ` with ${has}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Types a question into the chat and sends it; approves the GMI host on the first request. */
export async function ask(page: Page, text: string, approve: boolean): Promise<void> {
  const frame = chatFrame(page);
  const prompt = frame.locator('[data-testid="prompt"]');
  await prompt.waitFor({ state: 'visible', timeout: WAIT });
  await prompt.fill(text);
  await prompt.press('Enter');
  if (approve) {
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.filter({ hasText: 'Send your GMI API key to' }).waitFor({ state: 'visible', timeout: WAIT });
    await dialog.getByRole('button', { name: 'Allow' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT });
  }
}

/**
 * Waits until assistant message `index` of the chat is done, checked in the page every 250 ms (a
 * coarse clock). A function, not a locator polled from here: Playwright's selector engine kept what
 * each query found, which the session part then counted as the view's heap.
 */
export async function waitDone(page: Page, index: number, timeoutMs = 180_000): Promise<void> {
  const frame = await webviewFrame(page, 'gmi-cloud.gmi-vscode', '[data-testid="prompt"]');
  await frame.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="message"][data-role="assistant"]')[n]?.getAttribute('data-state') === 'done',
    index,
    { polling: 250, timeout: timeoutMs },
  ).catch((err: Error) => {
    throw new Error(`reply ${index} not done after ${Math.round(timeoutMs / 1000)} s (${err.message.split('\n')[0]})`);
  });
}

/** The "Activated in N ms." line of the GMI output channel's log file, once it is written. */
export async function activationFromLog(h: Harness, userDataDir: string, timeoutMs = 30_000): Promise<number | undefined> {
  return (await activationLineFromLog(h, userDataDir, timeoutMs))?.ms;
}

/** The same with the parts the line names ("(log, key, models 1.2, … ms)"). */
export async function activationLineFromLog(h: Harness, userDataDir: string, timeoutMs = 30_000): Promise<{ ms: number; parts: string } | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of h.findFiles(path.join(userDataDir, 'logs'), /GMI\.log$/)) {
      const m = /Activated in ([\d.]+) ms(?: \((.*) ms\))?/.exec(fs.readFileSync(f, 'utf8'));
      if (m) return { ms: Number(m[1]), parts: m[2] ?? '' };
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** CPU time (user + system, ms) of a process, from /proc (Linux); undefined when it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in 100 Hz ticks
  } catch {
    return undefined;
  }
}

/** The extension host process under code-server process `root` (the one whose command line names it). */
export function extensionHostPid(root: number): number | undefined {
  const parent = new Map<number, number>();
  const hosts: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.replace(/^.*\) /, '').split(' ')[1]));
      if (/extensionHost/.test(fs.readFileSync(`/proc/${name}/cmdline`, 'utf8'))) hosts.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return hosts.find((pid) => {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  });
}

export interface HostInspector {
  call(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

/**
 * Node's inspector in the extension host (SIGUSR1 opens it on 9229), or undefined when it does not
 * open. Needs WebSocket: Node 22, or Node 20 with --experimental-websocket (bench/lib.mjs runTsx).
 */
export async function openHostInspector(pid: number): Promise<HostInspector | undefined> {
  process.kill(pid, 'SIGUSR1');
  let url: string | undefined;
  for (let i = 0; i < 50 && !url; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      const list = (await (await fetch('http://127.0.0.1:9229/json/list')).json()) as Array<{ webSocketDebuggerUrl: string }>;
      url = list[0]?.webSocketDebuggerUrl;
    } catch {
      // not listening yet
    }
  }
  const WS = (globalThis as unknown as { WebSocket?: new (u: string) => WebSocket }).WebSocket;
  if (!url || !WS) return undefined;
  const ws = new WS(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const waiting = new Map<number, (result: Record<string, unknown>) => void>();
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data)) as { id?: number; result?: Record<string, unknown> };
    if (m.id !== undefined) waiting.get(m.id)?.(m.result ?? {});
    if (m.id !== undefined) waiting.delete(m.id);
  };
  return {
    call: (method, params) =>
      new Promise((resolve) => {
        const my = ++id;
        waiting.set(my, resolve);
        ws.send(JSON.stringify({ id: my, method, params }));
      }),
    close: () => ws.close(),
  };
}

export interface Workbench {
  page: Page;
  browser: Browser;
  userDataDir: string;
  vscodeVersion: string;
  serverPid?: number;
  close(keep?: boolean): Promise<void>;
}

/**
 * A fresh code-server session of `vscodeVersion` (own user data, workspace with a README, the built
 * extension — or another folder, `extensionPath` — loaded as the development extension; the
 * workbench takes only one) and a headless Chromium page on its workbench, ready for commands.
 */
export async function openWorkbench(
  h: Harness,
  prefix: string,
  settings: Record<string, unknown>,
  vscodeVersion?: string,
  extensionPath = ROOT,
): Promise<Workbench> {
  const version = h.resolveVSCodeVersion(vscodeVersion);
  const work = h.tempDir(prefix);
  const userDataDir = path.join(work, 'user-data');
  const folder = path.join(work, 'workspace');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'README.md'), '# bench\n');
  h.writeUserSettings(userDataDir, { ...h.quietSettings(version), ...settings });
  // From 1.139 release builds take `extensionDevelopmentPath` from the URL only with the smoke-test
  // driver on (scripts/code-server-harness.mjs); it also hides notification toasts.
  const server = await h.startCodeServer({ userDataDir, extensionsDir: path.join(work, 'extensions'), folder, vscode: version, env: { GMI_API_KEY: '' }, extensionTests: true });
  let browser: Browser | undefined;
  const close = async (keep = false): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
  };
  try {
    browser = await h.launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    await page.goto(h.workbenchUrl(server.origin, { folder, payload: [['extensionDevelopmentPath', remote(extensionPath)]] }));
    await waitForWorkbench(page);
    return { page, browser, userDataDir, vscodeVersion: version, serverPid: server.proc.pid, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The benchmarks' VS Code versions: BENCH_VSCODE (comma-separated, or `all`), default all supported. */
export function benchVersions(h: Harness): string[] {
  const wanted = process.env.BENCH_VSCODE ?? 'all';
  return wanted === 'all' ? [...h.VSCODE_VERSIONS] : wanted.split(',').map((v) => h.resolveVSCodeVersion(v.trim()));
}

/** Stores the key, opens the chat and streams one short warm-up reply (host approval, lazy chunks). */
export async function readyChat(page: Page, fake: FakeGmi): Promise<void> {
  try {
    await readyChatSteps(page, fake);
  } catch (err) {
    // What the workbench showed, for the report (out/ is git-ignored).
    fs.mkdirSync(path.join(ROOT, 'out', 'bench'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'out', 'bench', `ready-chat-failed-${Date.now()}.png`) }).catch(() => undefined);
    throw err;
  }
}

async function readyChatSteps(page: Page, fake: FakeGmi): Promise<void> {
  await runCommand(page, 'GMI: Set API Key');
  await answerInputBox(page, KEY);
  // (no toast to wait for: the smoke-test driver hides them) the view shows the prompt, not the welcome
  const frame = await openChat(page);
  await frame.locator('[data-testid="welcome"]').waitFor({ state: 'hidden', timeout: WAIT });
  fake.enqueue({ text: 'Warm-up reply with `code`.\n\n```ts\nconst a = 1;\n```\n', chunkSize: 5, delayMs: 5 });
  await ask(page, 'warm up', true);
  await waitDone(page, 0);
}
