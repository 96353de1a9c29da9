// Part "history" (run by bench/history.mjs with tsx): 1,000 stored conversations on the real disk,
// written through HistoryStore. Times, median of N runs each in a fresh store (the files are in the
// OS page cache after the first run, as they are for a window reopened on a workspace):
//   list:    open the history (index + folder listing) and build the 1,000 quick-pick rows
//   filter:  the first text filter: read every conversation's text, then filter
//   rebuild: open without an index (it is rebuilt from all 1,000 files)
// Prints one line `RESULT {json}`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conversation } from '../src/chat/conversation';
import { filterHistory, historyItem } from '../src/history/historyList';
import { HistoryStore } from '../src/history/historyStore';

const CONVERSATIONS = 1000;
const EXCHANGES = 8;
const RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 9);
const WARMUP = 2;

function conversation(i: number): Conversation {
  const c = new Conversation(() => 1_700_000_000_000 + i * 60_000);
  for (let j = 0; j < EXCHANGES; j++) {
    c.addUser(`Question ${j} of conversation ${i}: how should the ${['parser', 'client', 'view', 'store'][j % 4]} handle case ${i * 10 + j}?`);
    const a = c.startAssistant(j % 2 ? 'deepseek-ai/DeepSeek-V3.2' : 'anthropic/claude-sonnet-4.5');
    c.append(a.id, { text: `Here is how, with code:\n\n\`\`\`ts\nexport function handle${j}(input: string): number {\n  return input.length * ${i};\n}\n\`\`\`\n\n${'The function checks its input and returns the result. '.repeat(20)}` });
    c.finish(a.id, 'done', { usage: { inputTokens: 900 + j, outputTokens: 400 + j } });
  }
  return c;
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    await fn();
    if (i >= WARMUP) out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gmi-bench-history-'));
  try {
    let now = 1_700_000_000_000;
    const writer = new HistoryStore(dir, { now: () => (now += 1000) });
    await writer.open();
    const t0 = performance.now();
    for (let i = 0; i < CONVERSATIONS; i++) await writer.saveConversation(`c${String(i).padStart(4, '0')}`, conversation(i).toJSON());
    await writer.flush();
    const writeMs = performance.now() - t0;
    const totalBytes = writer.list().reduce((n, e) => n + e.size, 0);
    const indexBytes = statSync(join(dir, 'index.json')).size;

    let rows = 0;
    const list = await time(async () => {
      const store = new HistoryStore(dir);
      await store.open();
      const at = Date.now();
      rows = store.list().map((e) => historyItem(e, undefined, at)).length;
    });
    let matches = 0;
    const filter = await time(async () => {
      const store = new HistoryStore(dir);
      await store.open();
      const texts = new Map<string, string>();
      const ids = store.list().map((e) => e.id);
      for (let i = 0; i < ids.length; i += 16) {
        const batch = ids.slice(i, i + 16);
        const read = await Promise.all(batch.map((id) => store.searchText(id)));
        batch.forEach((id, j) => texts.set(id, read[j]));
      }
      matches = filterHistory(store.list(), 'case 4242', (id) => texts.get(id)).length;
    });
    const rebuild = await time(async () => {
      rmSync(join(dir, 'index.json'));
      const store = new HistoryStore(dir);
      await store.open();
      await store.flush();
    });
    console.log(`RESULT ${JSON.stringify({ conversations: CONVERSATIONS, rows, matches, totalBytes, indexBytes, writeMs, runs: RUNS, list, filter, rebuild })}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
