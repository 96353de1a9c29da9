// Part "pace" (issue 13), run by bench/pace.mjs through tsx: does the chat view keep pace with a long
// stream? For each VS Code version (BENCH_VSCODE) a fresh code-server session with the built
// extension; per size (BENCH_PACE_SIZES_KB) a new chat and one reply of rich Markdown (bench/corpus.mjs)
// streamed by the fake server (in this process) as BENCH_PACE_PIECE-character deltas every
// BENCH_PACE_DELAY_MS ms. Measured:
//   pace:   send → the reply's `done` in the view, divided by the server's own pacing (its first to
//           last write): 1.0 means the view finished with the stream.
//   cost:   per delta, at the start / middle / end of the reply: the renderer main thread's CPU
//           (CDP Performance.getMetrics TaskDuration: the workbench and the webview share that
//           thread in code-server) and the extension host's CPU (/proc), sampled every 500 ms and
//           placed by how much of the reply the view had received by then (interpolated). Flat
//           means last 10 % ÷ first 10 % near 1.
// Prints one line `RESULT {json}`.
import type { CDPSession, Page } from 'playwright-core';
import { startFakeGmi } from '../test/fake-gmi/server';
import { chatFrame, WAIT } from '../test/ui/harness';
import { KB, generateReply } from './corpus.mjs';
import {
  ask, benchVersions, ensureDist, extensionHostPid, loadHarness, now, onServerWrite, openWorkbench, processCpuMs, readyChat, round3, webviewFrame, KEY,
} from './workbench';

const SIZES_KB = (process.env.BENCH_PACE_SIZES_KB ?? '100,400,1024').split(',').map((s) => Number(s.trim()));
const PIECE = Number(process.env.BENCH_PACE_PIECE ?? 100);
const DELAY_MS = Number(process.env.BENCH_PACE_DELAY_MS ?? 16);
/** Give up on a reply after this many times the server's pacing (plus a minute). */
const GIVE_UP = Number(process.env.BENCH_PACE_GIVE_UP ?? 4);
const SAMPLE_MS = 500;

/** In the chat webview's frame: how much of the reply the view received, and when it is `done`. */
const probe = (total: number): string => `(() => {
  const p = window.__pace = { total: ${total}, chars: 0, doneAt: 0, appends: 0 };
  window.addEventListener('message', (e) => {
    if (!e.data || e.data.type !== 'append' || typeof e.data.text !== 'string') return;
    p.chars += e.data.text.length;
    p.appends++;
  });
  new MutationObserver(() => {
    if (p.doneAt) return;
    const reply = document.querySelector('[data-testid="message"][data-role="assistant"]');
    if (reply && reply.getAttribute('data-state') === 'done') p.doneAt = performance.timeOrigin + performance.now();
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  return true;
})()`;

interface Sample {
  /** characters of the reply the view has received */
  chars: number;
  /** renderer main thread, ms */
  taskMs: number;
  /** extension host CPU, ms */
  hostMs?: number;
}

/** The value of `key` at `chars` received, interpolated between the samples around it. */
function at(samples: Sample[], chars: number, key: 'taskMs' | 'hostMs'): number | undefined {
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (b.chars < chars) continue;
    const va = a[key];
    const vb = b[key];
    if (va === undefined || vb === undefined) return undefined;
    const f = b.chars === a.chars ? 1 : (chars - a.chars) / (b.chars - a.chars);
    return va + f * (vb - va);
  }
  return undefined;
}

/** Cost per delta (ms) between fractions `from` and `to` of the reply. */
function perDelta(samples: Sample[], total: number, from: number, to: number, key: 'taskMs' | 'hostMs'): number | undefined {
  const a = at(samples, from * total, key);
  const b = at(samples, to * total, key);
  if (a === undefined || b === undefined) return undefined;
  return (b - a) / (((to - from) * total) / PIECE);
}

async function newChat(page: Page): Promise<void> {
  const frame = chatFrame(page);
  await frame.locator('[data-testid="new-chat"]').click();
  await frame.locator('[data-testid="message"]').first().waitFor({ state: 'detached', timeout: WAIT });
}

async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
}

async function main(): Promise<void> {
  const h = await loadHarness();
  const distBuild = ensureDist();
  let recording: { first: number; last: number; writes: number } | undefined;
  onServerWrite((chunk, t) => {
    if (!recording || !chunk.startsWith('data:') && !chunk.startsWith('event:')) return;
    if (!recording.first) recording.first = t;
    recording.last = t;
    recording.writes++;
  });
  const fake = await startFakeGmi({ apiKey: KEY });
  const runs: unknown[] = [];
  try {
    for (const version of benchVersions(h)) {
      const wb = await openWorkbench(h, 'bench-pace', { 'gmi.baseUrl': fake.baseUrl }, version);
      try {
        const { page } = wb;
        await readyChat(page, fake);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
        const hostPid = wb.serverPid ? extensionHostPid(wb.serverPid) : undefined;
        for (const kb of SIZES_KB) {
          await newChat(page);
          const text = generateReply(Math.round(kb * KB));
          const frame = await webviewFrame(page);
          await frame.evaluate(probe(text.length));
          const deltas = Math.ceil(text.length / PIECE);
          fake.enqueue({ text, chunkSize: PIECE, delayMs: DELAY_MS, usage: { input: 10, output: deltas } });
          recording = { first: 0, last: 0, writes: 0 };
          const samples: Sample[] = [{ chars: 0, taskMs: await taskMs(cdp), hostMs: hostPid && processCpuMs(hostPid) }];
          const sentAt = now();
          await ask(page, `stream ${kb} KB`, false);
          const giveUpAt = Date.now() + 60_000 + GIVE_UP * deltas * DELAY_MS;
          let doneAt = 0;
          for (;;) {
            await new Promise((r) => setTimeout(r, SAMPLE_MS));
            const p = (await frame.evaluate(() => {
              const x = (window as unknown as { __pace: { chars: number; doneAt: number } }).__pace;
              return { chars: x.chars, doneAt: x.doneAt, clock: performance.timeOrigin + performance.now() };
            })) as { chars: number; doneAt: number; clock: number };
            samples.push({ chars: p.chars, taskMs: await taskMs(cdp), hostMs: hostPid && processCpuMs(hostPid) });
            if (p.doneAt) {
              // the frame's clock, moved onto ours (same machine: offset ~0; measured here to be sure)
              doneAt = p.doneAt - (p.clock - now());
              break;
            }
            if (Date.now() > giveUpAt) break;
          }
          const pacing = recording.last - recording.first;
          const view = (await frame.evaluate(() => (window as unknown as { __pace: { appends: number } }).__pace)) as { appends: number };
          recording = undefined;
          const windows = { start: [0, 0.1], middle: [0.45, 0.55], end: [0.9, 1] } as const;
          const cost = (key: 'taskMs' | 'hostMs') =>
            Object.fromEntries(Object.entries(windows).map(([k, [a, b]]) => [k, round3(perDelta(samples, text.length, a, b, key) ?? NaN)]));
          const run = {
            vscode: version,
            kb,
            chars: text.length,
            deltas,
            appends: view.appends,
            serverPacingS: round3(pacing / 1000),
            sendToDoneS: doneAt ? round3((doneAt - sentAt) / 1000) : undefined,
            ratio: doneAt ? round3((doneAt - sentAt) / pacing) : undefined,
            gaveUp: !doneAt,
            renderer: cost('taskMs'),
            host: cost('hostMs'),
            load: (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100),
          };
          process.stderr.write(`[bench:pace] ${JSON.stringify(run)}\n`);
          runs.push(run);
        }
      } finally {
        await wb.close(Boolean(process.env.BENCH_KEEP));
      }
    }
  } finally {
    await fake.close();
  }
  process.stdout.write(`RESULT ${JSON.stringify({ distBuild, piece: PIECE, delayMs: DELAY_MS, runs })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`pace bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
