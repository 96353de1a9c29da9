// Part 5, activation: the extension logs "Activated in N ms." when it activates. Fresh code-server
// sessions (bench/e2e.ts --activation N): a GMI command activates the extension, the GMI log says
// how long activate() took. (The integration suite prints the same line; its runner rebuilds
// out/test/integration, which other runs in the same tree may be using, so it is not run here.)
import { log, median, printTable, round, runTsx } from './lib.mjs';

const RUNS = Number(process.env.BENCH_ACTIVATION_RUNS ?? 3);

export async function runActivation() {
  log('activation', `${RUNS} fresh code-server sessions, "GMI: Show Log" activates the extension`);
  const { runs, parts, distBuild } = await runTsx('e2e.ts', ['--activation', String(RUNS)]);
  const ms = median(runs);
  return { distBuild, runs, parts, medianMs: round(ms), targets: { activationMs: { value: round(ms), target: '<= 15', met: ms <= 15 } } };
}

export function printActivation(r) {
  console.log('\n### Activation: "Activated in N ms." from the GMI log, fresh code-server sessions\n');
  printTable(['runs', 'median', 'each', 'dist build'], [[r.runs.length, `${r.medianMs} ms`, r.runs.map((x) => `${x} ms`).join(', '), r.distBuild]]);
  if (r.parts?.some(Boolean)) console.log(`\nParts (ms), per run:\n${r.parts.map((p, i) => `  ${i + 1}. ${p}`).join('\n')}`);
  console.log('');
  for (const [k, v] of Object.entries(r.targets)) console.log(`${v.met ? 'met    ' : 'NOT MET'} ${k}: ${v.value} (target ${v.target})`);
}
