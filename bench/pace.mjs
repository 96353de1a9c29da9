// Part "pace" (issue 13): keep pace with a long stream, in the real workbench. Runs bench/pace.ts
// through tsx (code-server per VS Code version, the fake GMI server, headless Chromium).
import { loadavg } from 'node:os';
import { log, printTable, round, runTsx } from './lib.mjs';

export async function runPace() {
  const sizes = process.env.BENCH_PACE_SIZES_KB ?? '100,400,1024';
  log('pace', `replies of ${sizes} KB streamed in 100-character deltas every ~16 ms, per VS Code version (${process.env.BENCH_VSCODE ?? 'all'})`);
  const r = await runTsx('pace.ts');
  r.loadAverage = loadavg().map((x) => round(x, 2));
  const growth = (c) => round(c.end / c.start, 2);
  r.targets = {};
  for (const run of r.runs) {
    const key = `${run.vscode} ${run.kb} KB`;
    r.targets[`${key} ratio`] = { value: run.ratio ?? `> ${run.gaveUp ? 'give-up' : '?'}`, target: '<= 1.05', met: run.ratio !== undefined && run.ratio <= 1.05 };
    r.targets[`${key} renderer cost end/start`] = { value: growth(run.renderer), target: '<= 1.3', met: growth(run.renderer) <= 1.3 };
  }
  return r;
}

export function printPace(r) {
  console.log(`\n### Keep pace: send → done ÷ the server's pacing; cost per ${r.piece}-character delta at start / middle / end (${r.distBuild} dist)\n`);
  const c = (x) => `${x.start} / ${x.middle} / ${x.end} (×${round(x.end / x.start, 2)})`;
  printTable(
    ['VS Code', 'size', 'deltas', 'server pacing', 'send → done', 'ratio', 'renderer ms/delta', 'ext host ms/delta', 'load'],
    r.runs.map((x) => [x.vscode, `${x.kb} KB`, x.deltas, `${x.serverPacingS} s`, x.sendToDoneS === undefined ? 'gave up' : `${x.sendToDoneS} s`, x.ratio ?? '—', c(x.renderer), c(x.host), x.load.join(', ')]),
  );
  console.log(`load average at the end: ${r.loadAverage.join(', ')}`);
  console.log('');
  for (const [k, v] of Object.entries(r.targets)) console.log(`${v.met ? 'met    ' : 'NOT MET'} ${k}: ${v.value} (target ${v.target})`);
}
