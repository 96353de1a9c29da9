// Part 1, render: a long Markdown reply streamed in 4,000 chunks into headless Chromium, shown by
// our incremental renderer and by two whole-message re-renderers. The measure is main-thread CPU
// time (CDP Performance.getMetrics TaskDuration in thread ticks: script, DOM, style, layout, paint)
// from the first chunk until the final DOM has been laid out and painted. See docs/PERFORMANCE.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { KB, countFences, generateReply, splitChunks } from './corpus.mjs';
import { benchDir, fmtMs, launchBrowser, log, median, outDir, printTable, round } from './lib.mjs';

const CHUNKS = 4000;
const SIZES_KB = (process.env.BENCH_SIZES_KB ?? '100,400,800').split(',').map(Number);
/** Runs of our renderer per size (median reported). */
const OUR_RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Chunk positions measured for a whole-message baseline (a divisor of 4,000); BENCH_FULL=1 measures all. */
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 10);
const FULL = process.env.BENCH_FULL === '1';

const CSS = `
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; background: #1f1f1f; color: #ccc; }
#messages { padding: 8px 12px; }
.message pre { overflow-x: auto; background: #181818; padding: 6px; }
.message table { border-collapse: collapse; } .message td, .message th { border: 1px solid #444; padding: 2px 6px; }
.code-header { display: flex; justify-content: space-between; font-size: 11px; }
.hljs-keyword { color: #569cd6; } .hljs-string { color: #ce9178; } .hljs-comment { color: #6a9955; }
.hljs-number { color: #b5cea8; } .hljs-title { color: #dcdcaa; } .hljs-attr { color: #9cdcfe; }
`;

async function buildPage() {
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(benchDir, 'render-page.mjs')],
    outfile: join(outDir, 'render-page.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const html = join(outDir, 'render.html');
  writeFileSync(
    html,
    `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head>` +
      `<body><div id="messages"></div><script src="render-page.js"></script></body></html>`,
  );
  return pathToFileURL(html).href;
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(list.map((x) => [x.name, x.value]));
  return { task: m.TaskDuration * 1000, script: m.ScriptDuration * 1000, layout: (m.LayoutDuration + m.RecalcStyleDuration) * 1000 };
}
const delta = (a, b) => ({ taskMs: b.task - a.task, scriptMs: b.script - a.script, layoutMs: b.layout - a.layout });

async function gc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
}

/** One whole streamed run, every chunk delivered. */
async function fullRun(page, cdp, kind) {
  await page.evaluate((k) => window.__bench.setup(k), kind);
  await gc(cdp);
  const m0 = await metrics(cdp);
  const { wallMs, renders } = await page.evaluate(() => window.__bench.stream());
  const m1 = await metrics(cdp);
  const screen = await page.evaluate(() => window.__bench.inspect());
  return { ...delta(m0, m1), wallMs, renders, screen, sampled: false };
}

/** Main-thread time of handling chunk p (and the frame after it), from the state after chunk p-1. */
async function stepCost(page, cdp, p) {
  await page.evaluate((q) => window.__bench.prepare(q), p);
  const m0 = await metrics(cdp);
  await page.evaluate((q) => window.__bench.step(q), p);
  const m1 = await metrics(cdp);
  return delta(m0, m1);
}

/** The cost of a measured step that handles nothing (CDP round trips, two frames). */
async function stepOverhead(page, cdp) {
  const runs = [];
  for (let i = 0; i < 15; i++) {
    const m0 = await metrics(cdp);
    await page.evaluate(() => window.__bench.step(-1));
    const m1 = await metrics(cdp);
    runs.push(delta(m0, m1));
  }
  return { taskMs: median(runs.map((r) => r.taskMs)), scriptMs: median(runs.map((r) => r.scriptMs)), layoutMs: median(runs.map((r) => r.layoutMs)) };
}

/**
 * A systematic sample: chunk positions offset, offset + stride, …; each measured step stands for
 * `stride` chunks (the cost of a chunk grows smoothly with the length already shown). A second
 * run with another offset shows how much the estimate depends on the positions picked.
 */
async function sampledRun(page, cdp, kind, offsetFraction = 0.5) {
  const stride = CHUNKS / SAMPLES;
  await page.evaluate((k) => window.__bench.setup(k), kind);
  const overhead = await stepOverhead(page, cdp);
  const started = Date.now();
  const sum = { taskMs: 0, scriptMs: 0, layoutMs: 0 };
  for (let j = 0; j < SAMPLES; j++) {
    const p = Math.floor(stride * offsetFraction) + j * stride;
    const c = await stepCost(page, cdp, p);
    for (const k of Object.keys(sum)) sum[k] += Math.max(0, c[k] - overhead[k]) * stride;
  }
  await page.evaluate((n) => window.__bench.prepare(n), CHUNKS); // the final DOM, for inspect()
  const screen = await page.evaluate(() => window.__bench.inspect());
  return { ...sum, renders: CHUNKS, sampled: true, samples: SAMPLES, stride, offsetFraction, overheadMs: round(overhead.taskMs, 2), sampleWallMs: Date.now() - started, screen };
}

/** Untimed: runs each renderer once so the measured runs do not pay for JIT compilation. */
async function warmUp(page, kinds) {
  for (const kind of kinds) {
    await page.evaluate((k) => window.__bench.setup(k), kind);
    if (kind.startsWith('ours')) await page.evaluate(() => window.__bench.stream());
    else await page.evaluate((n) => window.__bench.prepare(n), CHUNKS);
  }
}

export async function runRender() {
  const url = await buildPage();
  const browser = await launchBrowser();
  const rows = [];
  try {
    const page = await browser.newPage({ viewport: { width: 480, height: 900 } });
    await page.goto(url);
    const cdp = await page.context().newCDPSession(page);
    // Thread time: CPU time of the renderer's main thread, so other processes on a shared
    // machine do not inflate it (wall-clock time would).
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });

    for (const kb of SIZES_KB) {
      const text = generateReply(kb * KB);
      const chunks = splitChunks(text, CHUNKS);
      await page.evaluate((list) => window.__bench.load(list), chunks);
      const base = { sizeKB: kb, chars: text.length, codeBlocks: countFences(text), chunks: CHUNKS };
      log('render', `${kb} KB: ${text.length} chars, ${base.codeBlocks} code blocks, ${CHUNKS} chunks`);

      await warmUp(page, ['ours']);
      const ours = [];
      for (let i = 0; i < OUR_RUNS; i++) ours.push(await fullRun(page, cdp, 'ours'));
      const best = ours.sort((a, b) => a.taskMs - b.taskMs)[Math.floor(ours.length / 2)];
      rows.push({ ...base, kind: 'ours', ...best, runs: ours.map((r) => round(r.taskMs)) });
      log('render', `  ours: ${fmtMs(best.taskMs)} main thread, ${best.renders} renders, equals one-shot: ${best.screen.equalsOneShot}`);

      const strict = await fullRun(page, cdp, 'ours-flush');
      rows.push({ ...base, kind: 'ours-flush', ...strict });
      log('render', `  ours, render per chunk: ${fmtMs(strict.taskMs)}, equals one-shot: ${strict.screen.equalsOneShot}`);

      for (const kind of ['mdit', 'react']) {
        await warmUp(page, [kind]);
        const r = FULL ? await fullRun(page, cdp, kind) : await sampledRun(page, cdp, kind);
        rows.push({ ...base, kind, ...r });
        log('render', `  ${kind}: ${fmtMs(r.taskMs)}${r.sampled ? ` (extrapolated from ${SAMPLES} of ${CHUNKS} chunks, sampled in ${fmtMs(r.sampleWallMs)})` : ''}`);
        if (r.sampled && kind === 'react' && kb === SIZES_KB[0]) {
          const again = await sampledRun(page, cdp, kind, 0.25);
          rows.push({ ...base, kind: `${kind} (other sample)`, ...again });
          log('render', `  ${kind}, other sample positions: ${fmtMs(again.taskMs)} (${round((100 * (again.taskMs - r.taskMs)) / r.taskMs)} %)`);
        }
      }
    }
  } finally {
    await browser.close();
  }
  return summarize(rows);
}

function summarize(rows) {
  const find = (kind, kb) => rows.find((r) => r.kind === kind && r.sizeKB === kb);
  const clean = rows.map((r) => ({
    ...r,
    taskMs: round(r.taskMs),
    scriptMs: round(r.scriptMs),
    layoutMs: round(r.layoutMs),
    wallMs: r.wallMs === undefined ? undefined : round(r.wallMs),
  }));
  const speedups = {};
  for (const kb of SIZES_KB) {
    const ours = find('ours', kb);
    const strict = find('ours-flush', kb);
    for (const k of ['mdit', 'react']) {
      const other = find(k, kb);
      if (ours && other) speedups[`${k}/ours@${kb}KB`] = round(other.taskMs / ours.taskMs, 1);
      if (strict && other) speedups[`${k}/ours-flush@${kb}KB`] = round(other.taskMs / strict.taskMs, 1);
    }
  }
  const growth = {};
  for (const kind of ['ours', 'ours-flush', 'mdit', 'react']) {
    const per = [];
    for (let i = 1; i < SIZES_KB.length; i++) {
      const a = find(kind, SIZES_KB[i - 1]);
      const b = find(kind, SIZES_KB[i]);
      if (!a || !b) continue;
      const doublings = Math.log2(SIZES_KB[i] / SIZES_KB[i - 1]);
      per.push({ from: SIZES_KB[i - 1], to: SIZES_KB[i], perDoubling: round((b.taskMs / a.taskMs) ** (1 / doublings), 2) });
    }
    growth[kind] = per;
  }
  // With 4,000 chunks at every size, a whole re-render per chunk grows ~2x per doubling too (each
  // render shows half the message on average). At a fixed chunk size the chunk count grows with the
  // length; the measured mean cost per chunk then gives the total (an estimate, not a measurement).
  const fixedChunkEstimates = {};
  for (const kind of ['mdit', 'react']) {
    fixedChunkEstimates[kind] = SIZES_KB.map((kb) => {
      const r = find(kind, kb);
      return r && { sizeKB: kb, chunks: Math.round(r.chars / 100), taskMs: round((r.taskMs * r.chars) / 100 / CHUNKS) };
    }).filter(Boolean);
  }
  const s400 = speedups['react/ours@400KB'];
  const strict400 = speedups['react/ours-flush@400KB'];
  const worstGrowth = Math.max(...growth.ours.map((g) => g.perDoubling), ...growth['ours-flush'].map((g) => g.perDoubling));
  const targets = {
    speedupVsReactAt400KB: { value: s400, target: '>= 20', met: s400 >= 20 },
    speedupVsReactAt400KBRenderingEveryChunk: { value: strict400, target: '>= 20', met: strict400 >= 20 },
    oursGrowthPerDoubling: { value: worstGrowth, target: '<= 2.3', met: worstGrowth <= 2.3 },
    finalDomEqualsOneShot: {
      value: rows.filter((r) => r.kind.startsWith('ours')).every((r) => r.screen?.equalsOneShot === true),
      target: 'true',
    },
  };
  targets.finalDomEqualsOneShot.met = targets.finalDomEqualsOneShot.value;
  return { chunks: CHUNKS, rows: clean, speedups, growth, fixedChunkEstimates, targets };
}

export function printRender(r) {
  console.log('\n### Render: a reply streamed in 4,000 chunks (main-thread time until the final DOM is painted)\n');
  const label = {
    ours: '(a) ours, chunks back to back, renders per frame',
    'ours-flush': '(a) ours, render after every chunk',
    mdit: '(b) markdown-it + hljs, whole per chunk',
    react: '(c) react-markdown + rehype-highlight, whole per chunk',
    'mdit (other sample)': '(b) again, other chunk positions sampled',
    'react (other sample)': '(c) again, other chunk positions sampled',
  };
  printTable(
    ['renderer', 'size', 'main thread (CPU)', 'script', 'style+layout', 'renders', 'wall', 'how'],
    r.rows.map((x) => [
      label[x.kind] ?? x.kind,
      `${x.sizeKB} KB`,
      fmtMs(x.taskMs),
      fmtMs(x.scriptMs),
      fmtMs(x.layoutMs),
      x.renders,
      x.wallMs === undefined ? '' : fmtMs(x.wallMs),
      x.sampled ? `extrapolated: ${x.samples} of ${x.chunks} chunks measured` : x.kind === 'ours' ? `all chunks, median of ${x.runs.length}` : 'all chunks',
    ]),
  );
  console.log('');
  for (const [k, v] of Object.entries(r.targets)) console.log(`${v.met ? 'met    ' : 'NOT MET'} ${k}: ${v.value} (target ${v.target})`);
  for (const [kind, list] of Object.entries(r.fixedChunkEstimates)) {
    console.log(`estimate at 100 characters a chunk, ${kind}: ${list.map((x) => `${x.sizeKB} KB ${fmtMs(x.taskMs)} (${x.chunks} chunks)`).join(', ')}`);
  }
  console.log(`growth per doubling: ${Object.entries(r.growth).map(([k, g]) => `${k} ${g.map((x) => x.perDoubling).join(', ')}`).join('; ')}`);
}
