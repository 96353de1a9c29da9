// Part 3, end to end in the workbench: runs bench/e2e.ts (through tsx), which starts code-server
// with the built extension, the fake GMI server and headless Chromium.
import { loadavg } from 'node:os';
import { fmtMs, log, printTable, round, runTsx } from './lib.mjs';

export async function runE2e() {
  log('e2e', `starting code-server + Chromium (VS Code ${process.env.BENCH_VSCODE ?? '1.100.3'}), then streaming 2,000 marked deltas to the chat and to the floor view in ${process.env.BENCH_E2E_WARMUP ?? 1} warm-up and ${process.env.BENCH_E2E_ROUNDS ?? 4} measured alternating rounds (~40 s each)`);
  // Node 20 has WebSocket (for the extension host's inspector, BENCH_HOST_PROFILE) only behind a flag.
  const nodeArgs = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket'] : [];
  const r = await runTsx('e2e.ts', [], nodeArgs);
  const keys = ['p50Ms', 'p90Ms', 'p99Ms', 'maxMs', 'minMs', 'clockErrorMs', 'streamSeconds', 'toViewP50Ms', 'toViewP99Ms', 'inViewP50Ms', 'inViewP99Ms'];
  for (const k of keys) {
    r[k] = round(r[k], 2);
    if (r.floor && k in r.floor) r.floor[k] = round(r.floor[k], 2);
  }
  r.loadAverage = loadavg().map((x) => round(x, 2));
  const targets = {
    'p50 ÷ floor p50': { value: r.floorRatio.p50, target: '<= 1.3', met: r.floorRatio.p50 <= 1.3 },
    'p99 ÷ floor p99': { value: r.floorRatio.p99, target: '<= 1.3', met: r.floorRatio.p99 <= 1.3 },
  };
  return { ...r, targets };
}

export function printE2e(r) {
  console.log(`\n### End to end in the workbench: server writes a delta → its text painted (${r.rounds.length} rounds × ${r.deltas} deltas of ${r.piece} characters, one every ${r.delayMs} ms)\n`);
  const row = (name, x) => [name, `${x.measured} of ${r.deltas * r.rounds.length}`, fmtMs(x.p50Ms), fmtMs(x.p90Ms), fmtMs(x.p99Ms), fmtMs(x.maxMs), fmtMs(x.minMs), `±${fmtMs(x.clockErrorMs)}`];
  printTable(
    ['view', 'deltas seen', 'p50', 'p90', 'p99', 'max', 'min', 'clock offset error'],
    [row('GMI chat', r), row('floor: plain-text view (bench/floor)', r.floor), ['ratio', '', String(r.floorRatio.p50), '', String(r.floorRatio.p99), '', '', '']],
  );
  console.log(`VS Code ${r.vscode}, ${r.distBuild} dist, activation (GMI log): ${r.activationMs === undefined ? 'not found' : `${r.activationMs} ms`}`);
  console.log('');
  printTable(
    ['segment', 'p50', 'p99'],
    [
      ['server write → view receives the append message (host, IPC, workbench)', fmtMs(r.toViewP50Ms), fmtMs(r.toViewP99Ms)],
      ['view receives it → painted (renderer + frame)', fmtMs(r.inViewP50Ms), fmtMs(r.inViewP99Ms)],
      ['floor: server write → view receives it', fmtMs(r.floor.toViewP50Ms), fmtMs(r.floor.toViewP99Ms)],
      ['floor: view receives it → painted', fmtMs(r.floor.inViewP50Ms), fmtMs(r.floor.inViewP99Ms)],
    ],
  );
  console.log(`\nAlternating rounds (chat, floor, chat, floor, …; both views on screen); after ${r.warmup.length} unmeasured warm-up round(s), the numbers above are of all ${r.rounds.length} measured rounds' deltas pooled:\n`);
  const stalls = (x) => x.slowRuns.filter(([, n]) => n >= 5).map(([at, n, worst]) => `${n} from #${at} (≤ ${worst} ms)`).join('; ') || '—';
  printTable(
    ['round', 'chat p50 / p99', 'floor p50 / p99', 'ratio p50 / p99', 'chat stalls (≥ 5 deltas over 50 ms)', 'floor stalls'],
    [...r.warmup.map((x) => ['warm-up (not counted)', x]), ...r.rounds.map((x, i) => [String(i + 1), x])].map(([name, x]) => [
      name, `${fmtMs(x.chat.p50Ms)} / ${fmtMs(x.chat.p99Ms)}`, `${fmtMs(x.floor.p50Ms)} / ${fmtMs(x.floor.p99Ms)}`, `${x.ratio.p50} / ${x.ratio.p99}`, stalls(x.chat), stalls(x.floor),
    ]),
  );
  console.log(`load average at the end: ${r.loadAverage.join(', ')}`);
  console.log('');
  for (const [k, v] of Object.entries(r.targets)) console.log(`${v.met ? 'met    ' : 'NOT MET'} ${k}: ${v.value} (target ${v.target})`);
}
