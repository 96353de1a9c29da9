// Part 5, activation: the extension logs "Activated in N ms." when it activates; the integration
// suite's activation test prints it. Runs that test alone in code-server (scripts/run-integration.mjs
// --grep activation) and reads the number; e2e also reads it from the GMI log of its own session.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { log, median, printTable, root, round } from './lib.mjs';

const RUNS = Number(process.env.BENCH_ACTIVATION_RUNS ?? 2);

function integrationRun() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'run-integration.mjs'), '--no-build', '--grep', 'activation'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.once('exit', (code) => {
      const m = /activation: ([\d.]+) ms/.exec(out);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`no activation time in the integration run (exit ${code}):\n${out.slice(-2000)}`));
    });
  });
}

export async function runActivation() {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'ignore' });
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await integrationRun());
    log('activation', `run ${i + 1}: activated in ${runs.at(-1)} ms`);
  }
  const ms = median(runs);
  return { runs, medianMs: round(ms), targets: { activationMs: { value: round(ms), target: '<= 15', met: ms <= 15 } } };
}

export function printActivation(r) {
  console.log('\n### Activation (integration suite, code-server extension host, "Activated in N ms." log line)\n');
  printTable(['runs', 'median', 'each'], [[r.runs.length, `${r.medianMs} ms`, r.runs.map((x) => `${x} ms`).join(', ')]]);
  console.log('');
  for (const [k, v] of Object.entries(r.targets)) console.log(`${v.met ? 'met    ' : 'NOT MET'} ${k}: ${v.value} (target ${v.target})`);
}
