// Part 3, end to end in the workbench (run by bench/e2e.mjs with tsx). code-server with the built
// extension (extensionDevelopmentPath, as `npm run try` does), the fake GMI server in this process,
// headless Chromium on the workbench. The reply has 2,000 deltas, each carrying a unique marker
// ⟦i⟧; this process records when the server writes delta i, a MutationObserver in the chat
// webview's frame records when ⟦i⟧ is in the DOM and the frame after it has been painted. The two
// clocks (Node and the webview frame) are both epoch-based high-resolution clocks on one machine;
// their offset is measured by round trips and subtracted. Prints one line `RESULT {json}`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { startFakeGmi, type FakeGmi } from '../test/fake-gmi/server';
import { answerInputBox, chatFrame, notification, openChat, runCommand, waitForWorkbench, WAIT } from '../test/ui/harness';

const ROOT = path.resolve(__dirname, '..');
const KEY = 'gmi-bench-key-3f9c2a7d51';
const DELTAS = Number(process.env.BENCH_E2E_CHUNKS ?? 2000);
const PIECE = 32; // characters per delta
const DELAY_MS = Number(process.env.BENCH_E2E_DELAY_MS ?? 8); // between deltas: ~125 deltas/s, a fast model

interface Harness {
  QUIET_SETTINGS: Record<string, unknown>;
  startCodeServer(o: Record<string, unknown>): Promise<{ port: number; origin: string; output(): string; stop(): Promise<void> }>;
  launchChromium(): Promise<Browser>;
  writeUserSettings(dir: string, settings: Record<string, unknown>): void;
  tempDir(prefix: string): string;
  findFiles(dir: string, re: RegExp): string[];
  workbenchUrl(origin: string, o: { folder?: string; payload?: string[][] }): string;
}

const now = (): number => performance.timeOrigin + performance.now();

/** 2,000 pieces of exactly PIECE characters, each with its marker; a paragraph every 20. */
function markedReply(): string {
  const filler = 'tokens stream in and the view shows each one as it arrives ';
  let text = '';
  for (let i = 0; i < DELTAS; i++) {
    const end = i % 20 === 19 ? '\n\n' : ' ';
    const head = `⟦${i}⟧ `;
    text += head + filler.slice(0, PIECE - head.length - end.length) + end;
  }
  return text;
}

/** Records when the server writes each marker (the fake server writes one delta per res.write). */
function recordWrites(): Map<number, number> {
  const writes = new Map<number, number>();
  const original = http.ServerResponse.prototype.write;
  http.ServerResponse.prototype.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.includes('⟦')) {
      const t = now();
      for (const m of chunk.matchAll(/⟦(\d+)⟧/g)) if (!writes.has(Number(m[1]))) writes.set(Number(m[1]), t);
    }
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof original;
  return writes;
}

/**
 * In the webview frame: the first time each marker is in the DOM and the frame showing it is done
 * (rAF, then a task after the frame). A string, so tsx's helpers are not compiled into it.
 */
const INSTALL_OBSERVER = `(() => {
  window.__seen = {};
  window.__seenCount = 0;
  window.__received = {};
  // when the host's 'append' message carrying a marker reaches the view (before it renders)
  window.addEventListener('message', (e) => {
    const text = e.data && e.data.type === 'append' && typeof e.data.text === 'string' ? e.data.text : '';
    if (!text.includes('\u27e6')) return;
    const t = performance.timeOrigin + performance.now();
    for (const m of text.matchAll(/\u27e6(\\d+)\u27e7/g)) if (window.__received[m[1]] === undefined) window.__received[m[1]] = t;
  });
  let pending = [];
  const stamp = () => {
    const t = performance.timeOrigin + performance.now();
    for (const i of pending) if (window.__seen[i] === undefined) { window.__seen[i] = t; window.__seenCount++; }
    pending = [];
  };
  const afterFrame = () => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = stamp;
    ch.port2.postMessage(0);
  });
  const scan = (text) => {
    if (!text || !text.includes('\u27e6')) return;
    for (const m of text.matchAll(/\u27e6(\\d+)\u27e7/g)) {
      const i = Number(m[1]);
      if (window.__seen[i] === undefined) pending.push(i);
    }
  };
  new MutationObserver((records) => {
    const before = pending.length;
    for (const r of records) {
      if (r.type === 'characterData') scan(r.target.textContent);
      r.addedNodes.forEach((n) => scan(n.textContent));
    }
    if (before === 0 && pending.length > 0) afterFrame();
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  return true;
})()`;

/** Offset of the frame's clock from ours, from the round trip with the smallest delay. */
async function clockOffset(frame: Frame): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { offsetMs: 0, errorMs: Infinity };
  for (let i = 0; i < 30; i++) {
    const t0 = now();
    const tb = await frame.evaluate(() => performance.timeOrigin + performance.now());
    const t1 = now();
    if ((t1 - t0) / 2 < best.errorMs) best = { offsetMs: tb - (t0 + t1) / 2, errorMs: (t1 - t0) / 2 };
  }
  return best;
}

async function innerFrame(page: Page): Promise<Frame> {
  const outer = await page.locator('iframe.webview.ready[src*="gmi-cloud.gmi-vscode"]').elementHandle();
  const outerFrame = await outer!.contentFrame();
  const inner = await outerFrame!.locator('#active-frame').elementHandle();
  return (await inner!.contentFrame())!;
}

async function ask(page: Page, text: string, approve: boolean): Promise<void> {
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

async function waitDone(page: Page, index: number): Promise<void> {
  const reply = chatFrame(page).locator('[data-testid="message"][data-role="assistant"]').nth(index);
  await reply.waitFor({ state: 'visible', timeout: WAIT });
  const deadline = Date.now() + 180_000;
  while ((await reply.getAttribute('data-state')) !== 'done') {
    if (Date.now() > deadline) throw new Error(`reply ${index} not done after 180 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Groups deltas slower than `limitMs` into runs of consecutive deltas: [first, count, worst]. */
function slowRuns(byIndex: Array<[number, number]>, limitMs: number): Array<[number, number, number]> {
  const runs: Array<[number, number, number]> = [];
  let last = -2;
  for (const [i, ms] of byIndex) {
    if (ms <= limitMs) continue;
    const run = runs[runs.length - 1];
    if (run && i === last + 1) {
      run[1]++;
      run[2] = Math.max(run[2], Math.round(ms));
    } else runs.push([i, 1, Math.round(ms)]);
    last = i;
  }
  return runs;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

/** The "Activated in N ms." line of the GMI output channel's log file, once it is written. */
async function activationFromLog(h: Harness, userDataDir: string, timeoutMs = 30_000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of h.findFiles(path.join(userDataDir, 'logs'), /GMI\.log$/)) {
      const m = /Activated in ([\d.]+) ms/.exec(fs.readFileSync(f, 'utf8'));
      if (m) return Number(m[1]);
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A fresh code-server session (own user data, workspace with a README, the built extension loaded
 * from this checkout) and a headless Chromium page on its workbench, ready for commands.
 */
async function openWorkbench(h: Harness, prefix: string, settings: Record<string, unknown>) {
  const work = h.tempDir(prefix);
  const userDataDir = path.join(work, 'user-data');
  const folder = path.join(work, 'workspace');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'README.md'), '# bench\n');
  h.writeUserSettings(userDataDir, { ...h.QUIET_SETTINGS, ...settings });
  const server = await h.startCodeServer({ userDataDir, extensionsDir: path.join(work, 'extensions'), folder, env: { GMI_API_KEY: '' } });
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
    await page.goto(h.workbenchUrl(server.origin, { folder, payload: [['extensionDevelopmentPath', remote(ROOT)]] }));
    await waitForWorkbench(page);
    return { page, browser, userDataDir, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Part 5: fresh code-server sessions; a GMI command activates the extension; its log says how long that took. */
async function activationRuns(h: Harness, runs: number, distBuild: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const wb = await openWorkbench(h, 'bench-activation', {});
    try {
      await runCommand(wb.page, 'GMI: Show Log');
      const ms = await activationFromLog(h, wb.userDataDir);
      if (ms === undefined) throw new Error('no "Activated in" line in the GMI log');
      times.push(ms);
      process.stderr.write(`[bench:activation] run ${i + 1}: activated in ${ms} ms\n`);
    } finally {
      await wb.close();
    }
  }
  process.stdout.write(`RESULT ${JSON.stringify({ runs: times, distBuild })}\n`);
}

async function main(): Promise<void> {
  const h = (await import(path.join(ROOT, 'scripts', 'code-server-harness.mjs'))) as Harness;
  // dist/ is shared with the test suites: never rebuilt here, only built when missing.
  if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT, stdio: 'ignore' });
  }
  const distBuild = fs.existsSync(path.join(ROOT, 'dist', 'extension.js.map')) ? 'development' : 'production';
  const activation = process.argv.indexOf('--activation');
  if (activation >= 0) return activationRuns(h, Number(process.argv[activation + 1] ?? 3), distBuild);
  const writes = recordWrites();
  const fake: FakeGmi = await startFakeGmi({ apiKey: KEY });
  const wb = await openWorkbench(h, 'bench-e2e', { 'gmi.baseUrl': fake.baseUrl });
  const { page, browser, userDataDir } = wb;
  try {
    await runCommand(page, 'GMI: Set API Key');
    await answerInputBox(page, KEY);
    await notification(page, 'GMI API key saved').waitFor({ state: 'visible', timeout: WAIT });
    await openChat(page);

    // warm-up: one short reply (first request: host approval, lazy chunks loaded)
    fake.enqueue({ text: 'Warm-up reply with `code`.\n\n```ts\nconst a = 1;\n```\n', chunkSize: 5, delayMs: 5 });
    await ask(page, 'warm up', true);
    await waitDone(page, 0);

    const frame = await innerFrame(page);
    await frame.evaluate(INSTALL_OBSERVER);
    const clock = await clockOffset(frame);
    const text = markedReply();
    fake.enqueue({ text, chunkSize: PIECE, delayMs: DELAY_MS, usage: { input: 10, output: DELTAS } });
    // BENCH_METRICS=1: main-thread time of the workbench's renderer process (the webview shares
    // it: same origin). Off by default: the DevTools Performance domain adds its own overhead.
    const cdp = process.env.BENCH_METRICS ? await page.context().newCDPSession(page) : undefined;
    await cdp?.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> =>
      cdp ? Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value])) : {};
    const before = await metrics();
    // BENCH_TRACE=file.json: a Chromium trace of the stream, to see where the main thread goes.
    if (process.env.BENCH_TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'toplevel', 'blink', 'ipc', 'renderer.scheduler'] });
    const started = Date.now();
    await ask(page, 'stream the benchmark reply', false);
    await waitDone(page, 1);
    const after = await metrics();
    if (process.env.BENCH_TRACE) fs.writeFileSync(process.env.BENCH_TRACE, await browser.stopTracing());
    const mainThread = !cdp ? undefined : Object.fromEntries(
      ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'LayoutCount', 'RecalcStyleCount'].map((k) => [k, round3((after[k] ?? 0) - (before[k] ?? 0))]),
    );
    await frame.waitForFunction((n) => (window as unknown as { __seenCount: number }).__seenCount >= n, DELTAS, { timeout: 10_000 }).catch(() => undefined);
    const seen = (await frame.evaluate(() => (window as unknown as { __seen: Record<number, number> }).__seen)) as Record<string, number>;
    const received = (await frame.evaluate(() => (window as unknown as { __received: Record<number, number> }).__received)) as Record<string, number>;
    const latencies: number[] = [];
    const byIndex: Array<[number, number]> = [];
    const toView: number[] = [];
    const inView: number[] = [];
    let missing = 0;
    for (let i = 0; i < DELTAS; i++) {
      const w = writes.get(i);
      const s = seen[i];
      if (w === undefined || s === undefined) {
        missing++;
        continue;
      }
      latencies.push(s - clock.offsetMs - w);
      byIndex.push([i, s - clock.offsetMs - w]);
      const r = received[i];
      if (r !== undefined) {
        toView.push(r - clock.offsetMs - w);
        inView.push(s - r);
      }
    }
    const activationMs = await activationFromLog(h, userDataDir, 5000);
    const result = {
      distBuild,
      deltas: DELTAS,
      measured: latencies.length,
      missing,
      delayMs: DELAY_MS,
      streamSeconds: (Date.now() - started) / 1000,
      clockErrorMs: clock.errorMs,
      p50Ms: pct(latencies, 50),
      p90Ms: pct(latencies, 90),
      p99Ms: pct(latencies, 99),
      maxMs: Math.max(...latencies),
      minMs: Math.min(...latencies),
      /** server write → the view receives the 'append' message (extension host, IPC, workbench) */
      toViewP50Ms: pct(toView, 50),
      toViewP99Ms: pct(toView, 99),
      /** the view receives it → painted (webview: renderer + frame) */
      inViewP50Ms: pct(inView, 50),
      inViewP99Ms: pct(inView, 99),
      activationMs,
      /** renderer main thread during the stream: durations in seconds, counts */
      mainThread,
      /** runs of consecutive deltas over 50 ms: [first delta, how many, worst ms] — stalls, not spread */
      slowRuns: slowRuns(byIndex, 50),
      /** every 100th delta's latency, in stream order: a rising line means a backlog */
      series: latencies.filter((_, i) => i % 100 === 0).map((x) => Math.round(x)),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await wb.close(Boolean(process.env.BENCH_KEEP));
    await fake.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`e2e bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
