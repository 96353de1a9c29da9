// Part 2, client overhead: runs bench/client.ts (TypeScript sources, through tsx) in its own
// process and reads its RESULT line.
import { fmtMs, log, printTable, round, runTsx } from './lib.mjs';

export async function runClient() {
  log('client', 'fake GMI in its own process; 20,000 deltas per reply; 2 warm-up + 9 measured runs per way and format (BENCH_CLIENT_RUNS)');
  const byApi = await runTsx('client.ts');
  const targets = {};
  for (const [api, r] of Object.entries(byApi)) {
    r.wallRatio = round(r.wallRatio, 3);
    r.cpuRatio = round(r.cpuRatio, 3);
    targets[`${api}WallRatio`] = { value: r.wallRatio, target: '<= 1.15', met: r.wallRatio <= 1.15 };
  }
  return { byApi, targets };
}

export function printClient(r) {
  console.log(`\n### Client overhead: 20,000 streamed deltas, request → last event (median of ${Object.values(r.byApi)[0].runs} runs)\n`);
  printTable(
    ['format', 'GmiClient wall', 'bare loop wall', 'ratio (wall)', 'GmiClient CPU', 'bare loop CPU', 'ratio (CPU)'],
    Object.entries(r.byApi).map(([api, x]) => [api, fmtMs(x.client.wallMs), fmtMs(x.bare.wallMs), x.wallRatio, fmtMs(x.client.cpuMs), fmtMs(x.bare.cpuMs), x.cpuRatio]),
  );
  console.log('');
  for (const [k, v] of Object.entries(r.targets)) console.log(`${v.met ? 'met    ' : 'NOT MET'} ${k}: ${v.value} (target ${v.target})`);
}
