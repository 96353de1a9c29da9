// Part "history": the chat history list of 1,000 stored conversations (issue 11: built in < 200 ms).
// Runs bench/history.ts (TypeScript sources, through tsx) in its own process and reads its RESULT line.
import { fmtMs, log, median, percentile, printTable, round, runTsx } from './lib.mjs';

export async function runHistory() {
  log('history', '1,000 conversations written to a temporary folder, then listed, filtered and re-indexed (BENCH_HISTORY_RUNS)');
  const r = await runTsx('history.ts');
  const stat = (xs) => ({ medianMs: round(median(xs), 1), p95Ms: round(percentile(xs, 95), 1), maxMs: round(Math.max(...xs), 1) });
  const out = {
    conversations: r.conversations,
    rows: r.rows,
    matches: r.matches,
    storedMB: round(r.totalBytes / 1024 / 1024, 1),
    indexKB: round(r.indexBytes / 1024, 1),
    writeAllMs: round(r.writeMs, 0),
    runs: r.runs,
    list: stat(r.list),
    firstTextFilter: stat(r.filter),
    rebuildIndex: stat(r.rebuild),
  };
  out.targets = { listMs: { value: out.list.p95Ms, target: '< 200 (p95)', met: out.list.p95Ms < 200 } };
  return out;
}

export function printHistory(r) {
  console.log(`\n### Chat history: ${r.conversations} conversations (${r.storedMB} MB on disk, index ${r.indexKB} KB), ${r.runs} runs\n`);
  printTable(
    ['step', 'median', 'p95', 'max'],
    [
      [`list: open + ${r.rows} quick-pick rows`, fmtMs(r.list.medianMs), fmtMs(r.list.p95Ms), fmtMs(r.list.maxMs)],
      [`first text filter (${r.matches} match)`, fmtMs(r.firstTextFilter.medianMs), fmtMs(r.firstTextFilter.p95Ms), fmtMs(r.firstTextFilter.maxMs)],
      ['open without an index (rebuild)', fmtMs(r.rebuildIndex.medianMs), fmtMs(r.rebuildIndex.p95Ms), fmtMs(r.rebuildIndex.maxMs)],
    ],
  );
  console.log('');
  for (const [k, v] of Object.entries(r.targets)) console.log(`${v.met ? 'met    ' : 'NOT MET'} ${k}: ${v.value} ms (target ${v.target})`);
}
