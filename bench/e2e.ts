// Part 3, end to end in the workbench (run by bench/e2e.mjs with tsx). code-server with the built
// extension (extensionDevelopmentPath, as `npm run try` does), the fake GMI server in this process,
// headless Chromium on the workbench. The reply has 2,000 deltas, each carrying a unique marker
// ⟦i⟧; this process records when the server writes delta i, a MutationObserver in the chat
// webview's frame records when ⟦i⟧ is in the DOM and the frame after it has been painted. The two
// clocks (Node and the webview frame) are both epoch-based high-resolution clocks on one machine;
// their offset is measured by round trips and subtracted. Prints one line `RESULT {json}`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { startFakeGmi, type FakeGmi } from '../test/fake-gmi/server';
import { runCommand } from '../test/ui/harness';
import {
  activationFromLog, activationLineFromLog, ask, clockOffset, extensionHostPid, readyChat, ensureDist, ROOT, KEY, loadHarness, onServerWrite, openHostInspector, openWorkbench, pct, round3, waitDone, webviewFrame, type Harness,
} from './workbench';
/**
 * The extension with the bench-only floor view added (bench/floor; never in the .vsix): the
 * workbench loads one development extension, so this folder is ours — package.json with the
 * floor's contributions and package.nls*.json, dist/ and media/ linked — and its entry activates both.
 * The floor view lives in a panel of its own (bottom), so it and the chat in the side bar are both
 * on screen in every round: a webview off screen has its frames throttled, and one that is hidden
 * is closed (the chat keeps no context while hidden).
 */
function buildWithFloor(): string {
  const dir = path.join(ROOT, 'out', 'bench', 'with-floor');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const floor = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'floor', 'package.json'), 'utf8'));
  manifest.main = './bench-main.js';
  manifest.contributes.commands = [...(manifest.contributes.commands ?? []), ...floor.contributes.commands];
  manifest.contributes.viewsContainers = { ...manifest.contributes.viewsContainers, panel: floor.contributes.viewsContainers.panel };
  manifest.contributes.views = { ...manifest.contributes.views, ...floor.contributes.views };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const d of ['dist', 'media']) fs.symlinkSync(path.join(ROOT, d), path.join(dir, d));
  // the manifest's words (%key%) and their translations
  for (const f of fs.readdirSync(ROOT).filter((n) => /^package\.nls(\..+)?\.json$/.test(n))) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  fs.copyFileSync(path.join(ROOT, 'bench', 'floor', 'extension.js'), path.join(dir, 'floor.js'));
  fs.writeFileSync(
    path.join(dir, 'bench-main.js'),
    `const gmi = require('./dist/extension.js');\nconst floor = require('./floor.js');\n` +
      `exports.activate = (context) => { floor.activate(context); return gmi.activate(context); };\nexports.deactivate = () => gmi.deactivate && gmi.deactivate();\n`,
  );
  return dir;
}
const DELTAS = Number(process.env.BENCH_E2E_CHUNKS ?? 2000);
const PIECE = Number(process.env.BENCH_E2E_PIECE ?? 32); // characters per delta
const DELAY_MS = Number(process.env.BENCH_E2E_DELAY_MS ?? 8); // between deltas: ~125 deltas/s, a fast model
/**
 * Chat and floor streams in alternating rounds (chat, floor, chat, floor, …): the machine's and the
 * workbench's stalls then fall on both views' rounds alike, a stall of our own only on the chat's.
 * One round of 2,000 deltas has 20 above its p99, so one stall decides a single round's p99; the
 * numbers and ratios reported are of all rounds' deltas pooled.
 */
const ROUNDS = Number(process.env.BENCH_E2E_ROUNDS ?? 4);
/** Unmeasured rounds of each view first (BENCH_E2E_WARMUP): see main(). */
const WARMUP_ROUNDS = Number(process.env.BENCH_E2E_WARMUP ?? 1);
/** Quiet time before each round, the same for both views: the previous round's end work settles. */
const SETTLE_MS = 1500;

/**
 * 2,000 pieces of exactly PIECE characters, each with its marker ⟦first + i⟧; a paragraph every 20.
 * Each stream has markers of its own: the chat's earlier replies hold earlier rounds' markers.
 */
function markedReply(first: number): string {
  const filler = 'tokens stream in and the view shows each one as it arrives ';
  let text = '';
  for (let i = 0; i < DELTAS; i++) {
    const end = i % 20 === 19 ? '\n\n' : ' ';
    const head = `⟦${first + i}⟧ `;
    text += head + filler.slice(0, PIECE - head.length - end.length) + end;
  }
  return text;
}

/**
 * In the webview frame: the first time each marker of [first, first + DELTAS) is in the DOM and the
 * frame showing it is done (rAF, then a task after the frame). A string, so tsx's helpers are not
 * compiled into it.
 */
const installObserver = (first: number): string => `(() => {
  window.__seen = {};
  window.__seenCount = 0;
  window.__received = {};
  window.__first = ${first};
  window.__end = ${first + DELTAS};
  // Once per frame (rounds reuse it): the listeners below read the maps reset above.
  if (window.__observing) return true;
  window.__observing = true;
  // when the host's 'append' message carrying a marker reaches the view, before the view's own
  // listener handles it (a capturing listener at the target runs before the others)
  window.addEventListener('message', (e) => {
    const text = e.data && e.data.type === 'append' && typeof e.data.text === 'string' ? e.data.text : '';
    if (!text.includes('\u27e6')) return;
    const t = performance.timeOrigin + performance.now();
    for (const m of text.matchAll(/\u27e6(\\d+)\u27e7/g)) if (window.__received[m[1]] === undefined) window.__received[m[1]] = t;
  }, { capture: true });
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
      if (i >= window.__first && i < window.__end && window.__seen[i] === undefined) pending.push(i);
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

/** Part 5: fresh code-server sessions; a GMI command activates the extension; its log says how long that took. */
async function activationRuns(h: Harness, runs: number, distBuild: string): Promise<void> {
  const times: number[] = [];
  const parts: string[] = [];
  for (let i = 0; i < runs; i++) {
    const wb = await openWorkbench(h, 'bench-activation', {}, process.env.BENCH_VSCODE);
    try {
      await runCommand(wb.page, 'GMI: Show Log');
      const line = await activationLineFromLog(h, wb.userDataDir);
      if (line === undefined) throw new Error('no "Activated in" line in the GMI log');
      times.push(line.ms);
      parts.push(line.parts);
      process.stderr.write(`[bench:activation] run ${i + 1}: activated in ${line.ms} ms (${line.parts} ms)\n`);
    } finally {
      await wb.close();
    }
  }
  process.stdout.write(`RESULT ${JSON.stringify({ runs: times, parts, distBuild })}\n`);
}

async function main(): Promise<void> {
  const h = await loadHarness();
  const distBuild = ensureDist();
  const activation = process.argv.indexOf('--activation');
  if (activation >= 0) return activationRuns(h, Number(process.argv[activation + 1] ?? 3), distBuild);
  const writes = new Map<number, number>();
  onServerWrite((chunk, t) => {
    if (!chunk.includes('⟦')) return;
    for (const m of chunk.matchAll(/⟦(\d+)⟧/g)) if (!writes.has(Number(m[1]))) writes.set(Number(m[1]), t);
  });
  const fake: FakeGmi = await startFakeGmi({ apiKey: KEY });
  const floorSettings = { 'gmiBenchFloor.baseUrl': fake.baseUrl, 'gmiBenchFloor.key': KEY };
  const wb = await openWorkbench(h, 'bench-e2e', { 'gmi.baseUrl': fake.baseUrl, ...floorSettings }, process.env.BENCH_VSCODE, buildWithFloor());
  const { page, browser, userDataDir } = wb;
  try {
    await readyChat(page, fake);
    let streams = 0; // markers already used
    let replies = 0; // the chat's replies so far (readyChat's warm-up is reply 0)
    // The floor (the same reply through a minimal view of our own, bench/floor) in the panel below,
    // opened once; the chat stays in the side bar. Both are on screen from here on.
    await runCommand(page, 'GMI Bench: Open the Floor View');
    const floorFrame = await webviewFrame(page, 'gmi-cloud.gmi-vscode', '[data-testid="floor"]');
    const chatFrame = await webviewFrame(page, 'gmi-cloud.gmi-vscode', '[data-testid="prompt"]');
    const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));
    /** One measured stream into `frame`: `startAndWait` starts the reply and waits for its end. */
    const measuredRound = async (frame: Frame, startAndWait: () => Promise<void>) => {
      await settle();
      writes.clear();
      const first = streams++ * DELTAS;
      return measureStream(frame, writes, first, async () => {
        fake.enqueue({ text: markedReply(first), chunkSize: PIECE, delayMs: DELAY_MS, usage: { input: 10, output: DELTAS } });
        await startAndWait();
      });
    };
    const chatRound = () => measuredRound(chatFrame, async () => {
      await ask(page, 'stream the benchmark reply', false);
      await waitDone(page, ++replies);
    });
    const floorRound = () => measuredRound(floorFrame, async () => {
      await runCommand(page, 'GMI Bench: Stream to the Floor View');
      await floorFrame.waitForFunction((n) => (window as unknown as { __seenCount: number }).__seenCount >= n, DELTAS, { timeout: 180_000 });
    });
    // Unmeasured warm-up rounds: the workbench's own start-up work (extensions activating, the
    // TypeScript server, delayed contributions) goes on for a minute after the window opens and
    // fell on whichever stream came first — the chat's first round was the slowest of every run.
    const warmup = [];
    for (let i = 0; i < WARMUP_ROUNDS; i++) warmup.push({ chat: await chatRound(), floor: await floorRound() });

    // BENCH_METRICS=1: main-thread time of the workbench's renderer process (the webview shares
    // it: same origin). Off by default: the DevTools Performance domain adds its own overhead.
    const cdp = process.env.BENCH_METRICS ? await page.context().newCDPSession(page) : undefined;
    await cdp?.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> =>
      cdp ? Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value])) : {};
    const before = await metrics();
    // BENCH_TRACE=file.json: a Chromium trace of the first measured chat round, to see where the
    // main thread goes. The default categories slow the renderer enough to build a backlog of
    // seconds; BENCH_TRACE_CATEGORIES (comma-separated, e.g. toplevel,devtools.timeline) traces less.
    const traceCategories = process.env.BENCH_TRACE_CATEGORIES?.split(',') ?? ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'toplevel', 'blink', 'ipc', 'renderer.scheduler'];
    if (process.env.BENCH_TRACE) await browser.startTracing(page, { categories: traceCategories });
    // BENCH_HOST_PROFILE=file.cpuprofile: a CPU profile of the extension host during that round
    // (open it in Chrome DevTools / VS Code): what in the host makes the latency's tail.
    const hostPid = process.env.BENCH_HOST_PROFILE && wb.serverPid ? extensionHostPid(wb.serverPid) : undefined;
    const inspector = hostPid ? await openHostInspector(hostPid) : undefined;
    if (process.env.BENCH_HOST_PROFILE && !inspector) process.stderr.write('[bench:e2e] no inspector in the extension host: no profile\n');
    await inspector?.call('Profiler.enable');
    await inspector?.call('Profiler.setSamplingInterval', { interval: 250 });
    await inspector?.call('Profiler.start');
    const started = Date.now();
    const first = await chatRound();
    const streamSeconds = (Date.now() - started) / 1000;
    if (inspector) {
      fs.writeFileSync(process.env.BENCH_HOST_PROFILE!, JSON.stringify((await inspector.call('Profiler.stop')).profile));
      inspector.close();
    }
    const after = await metrics();
    if (process.env.BENCH_TRACE) fs.writeFileSync(process.env.BENCH_TRACE, await browser.stopTracing());
    const mainThread = !cdp ? undefined : Object.fromEntries(
      ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'LayoutCount', 'RecalcStyleCount'].map((k) => [k, round3((after[k] ?? 0) - (before[k] ?? 0))]),
    );
    const rounds = [{ chat: first, floor: await floorRound() }];
    for (let round = 1; round < ROUNDS; round++) rounds.push({ chat: await chatRound(), floor: await floorRound() });
    const ours = pooled(rounds.map((r) => r.chat));
    const floor = pooled(rounds.map((r) => r.floor));
    const activationMs = await activationFromLog(h, userDataDir, 5000);
    const result = {
      vscode: wb.vscodeVersion,
      distBuild,
      deltas: DELTAS,
      delayMs: DELAY_MS,
      piece: PIECE,
      /** the first chat round's stream */
      streamSeconds,
      activationMs,
      /** the chat: every round's deltas pooled */
      ...ours,
      /** renderer main thread during the first chat round: durations in seconds, counts */
      mainThread,
      /** the same numbers for the floor view */
      floor,
      floorRatio: { p50: round3(ours.p50Ms / floor.p50Ms), p99: round3(ours.p99Ms / floor.p99Ms) },
      /** each measured round's chat and floor stream */
      rounds: rounds.map(roundNumbers),
      /** the warm-up rounds (not in the numbers above) */
      warmup: warmup.map(roundNumbers),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await wb.close(Boolean(process.env.BENCH_KEEP));
    await fake.close();
  }
}

type Stream = Awaited<ReturnType<typeof measureStream>>;

/** Percentiles of a set of streams' deltas pooled. */
function pooled(streams: Stream[]) {
  const all = (k: 'latencies' | 'toView' | 'inView') => streams.flatMap((x) => x[k]);
  const latencies = all('latencies');
  return {
    measured: latencies.length,
    missing: streams.reduce((n, x) => n + x.missing, 0),
    clockErrorMs: Math.max(...streams.map((x) => x.clockErrorMs)),
    p50Ms: pct(latencies, 50),
    p90Ms: pct(latencies, 90),
    p99Ms: pct(latencies, 99),
    maxMs: Math.max(...latencies),
    minMs: Math.min(...latencies),
    /** server write → the view receives the 'append' message (extension host, IPC, workbench) */
    toViewP50Ms: pct(all('toView'), 50),
    toViewP99Ms: pct(all('toView'), 99),
    /** the view receives it → painted (webview: renderer + frame) */
    inViewP50Ms: pct(all('inView'), 50),
    inViewP99Ms: pct(all('inView'), 99),
  };
}

function roundNumbers({ chat, floor }: { chat: Stream; floor: Stream }) {
  return {
    chat: brief(chat),
    floor: brief(floor),
    ratio: { p50: round3(pct(chat.latencies, 50) / pct(floor.latencies, 50)), p99: round3(pct(chat.latencies, 99) / pct(floor.latencies, 99)) },
  };
}

function brief(x: Stream) {
  return {
    p50Ms: pct(x.latencies, 50), p99Ms: pct(x.latencies, 99), maxMs: Math.max(...x.latencies),
    toViewP99Ms: pct(x.toView, 99), inViewP99Ms: pct(x.inView, 99), slowRuns: x.slowRuns, series: x.series,
  };
}

/**
 * Installs the observer in `frame`, runs `stream` (which starts the reply and waits for its end)
 * and returns the latency of each marked delta: server write → painted in that frame, and its two parts.
 */
async function measureStream(frame: Frame, writes: Map<number, number>, first: number, stream: () => Promise<void>) {
  await frame.evaluate(installObserver(first));
  const clock = await clockOffset(frame);
  await stream();
  await frame.waitForFunction((n) => (window as unknown as { __seenCount: number }).__seenCount >= n, DELTAS, { timeout: 10_000 }).catch(() => undefined);
  const seen = (await frame.evaluate(() => (window as unknown as { __seen: Record<number, number> }).__seen)) as Record<string, number>;
  const received = (await frame.evaluate(() => (window as unknown as { __received: Record<number, number> }).__received)) as Record<string, number>;
  const latencies: number[] = [];
  const byIndex: Array<[number, number]> = [];
  const toView: number[] = [];
  const inView: number[] = [];
  let missing = 0;
  for (let i = first; i < first + DELTAS; i++) {
    const w = writes.get(i);
    const s = seen[i];
    if (w === undefined || s === undefined) {
      missing++;
      continue;
    }
    latencies.push(s - clock.offsetMs - w);
    byIndex.push([i - first, s - clock.offsetMs - w]);
    const r = received[i];
    if (r !== undefined) {
      toView.push(r - clock.offsetMs - w);
      inView.push(s - r);
    }
  }
  return {
    missing,
    clockErrorMs: clock.errorMs,
    /** server write → painted in the frame, per delta */
    latencies,
    /** server write → the view receives the 'append' message (extension host, IPC, workbench) */
    toView,
    /** the view receives it → painted (webview: renderer + frame) */
    inView,
    /** runs of consecutive deltas over 50 ms: [first delta, how many, worst ms] — stalls, not spread */
    slowRuns: slowRuns(byIndex, 50),
    /** every 100th delta's latency, in stream order: a rising line means a backlog */
    series: latencies.filter((_, i) => i % 100 === 0).map((x) => Math.round(x)),
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`e2e bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
