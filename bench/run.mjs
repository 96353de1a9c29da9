#!/usr/bin/env node
// `npm run bench [part…]`: the performance benchmarks of issues 6 and 13. Parts: render, client, e2e,
// pace, session, long, history, activation (default: all, in that order). Prints a table per part and merges the numbers into
// bench/results.json (git-ignored). Not part of `npm test`: times are reported, never asserted.
import { log, machine, saveResults } from './lib.mjs';

const PARTS = {
  render: async () => {
    const { runRender, printRender } = await import('./render.mjs');
    const r = await runRender();
    printRender(r);
    return r;
  },
  client: async () => {
    const { runClient, printClient } = await import('./client.mjs');
    const r = await runClient();
    printClient(r);
    return r;
  },
  e2e: async () => {
    const { runE2e, printE2e } = await import('./e2e.mjs');
    const r = await runE2e();
    printE2e(r);
    return r;
  },
  pace: async () => {
    const { runPace, printPace } = await import('./pace.mjs');
    const r = await runPace();
    printPace(r);
    return r;
  },
  session: async () => {
    const { runSession, printSession } = await import('./session.mjs');
    const r = await runSession();
    printSession(r);
    return r;
  },
  long: async () => {
    const { runLong, printLong } = await import('./long.mjs');
    const r = await runLong();
    printLong(r);
    return r;
  },
  history: async () => {
    const { runHistory, printHistory } = await import('./history.mjs');
    const r = await runHistory();
    printHistory(r);
    return r;
  },
  activation: async () => {
    const { runActivation, printActivation } = await import('./activation.mjs');
    const r = await runActivation();
    printActivation(r);
    return r;
  },
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((p) => !(p in PARTS));
if (unknown.length) {
  console.error(`unknown part(s): ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}
const parts = asked.length ? asked : Object.keys(PARTS);
const m = machine();
console.log(`machine: ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB, node ${m.node}, ${m.chromium}`);

let failed = 0;
for (const part of parts) {
  const t0 = Date.now();
  try {
    const result = await PARTS[part]();
    saveResults(part, { ...result, benchSeconds: Math.round((Date.now() - t0) / 1000) });
    log(part, `done in ${Math.round((Date.now() - t0) / 1000)} s`);
  } catch (err) {
    failed++;
    console.error(`[bench:${part}] failed: ${err?.stack ?? err}`);
    saveResults(part, { error: String(err?.message ?? err) });
  }
}
console.log('\nresults: bench/results.json');
process.exit(failed ? 1 : 0);
