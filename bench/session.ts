// Part "session" (issue 13, "nothing grows without bound"), run by bench/session.mjs through tsx:
// one code-server session (BENCH_VSCODE, default 1.100.3), one conversation, BENCH_SESSION_REPLIES
// replies of mixed sizes (rich Markdown, bench/corpus.mjs) adding up to BENCH_SESSION_MB, streamed
// fast (the pace part measures pacing). After 10 replies and at the end, after a full garbage
// collection: the JS heap of the workbench's renderer (the chat webview shares it in code-server)
// through CDP, and the extension host's heap through its inspector (opened with SIGUSR1).
// Prints one line `RESULT {json}`.
import { loadavg } from 'node:os';
import type { CDPSession } from 'playwright-core';
import { startFakeGmi } from '../test/fake-gmi/server';
import { KB, generateReply } from './corpus.mjs';
import { ask, ensureDist, extensionHostPid, loadHarness, openHostInspector, openWorkbench, readyChat, waitDone, KEY } from './workbench';

const REPLIES = Number(process.env.BENCH_SESSION_REPLIES ?? 200);
const TOTAL_MB = Number(process.env.BENCH_SESSION_MB ?? 20);
/** Relative sizes, repeated: mixed small and large replies, scaled to add up to TOTAL_MB. */
const MIX = [0.1, 0.3, 0.6, 1, 1.4, 2.6];

async function rendererHeapMB(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 1024 / 1024;
}

/** The extension host's heap after a full GC, through Node's inspector. */
async function hostHeapMB(pid: number): Promise<number | undefined> {
  const inspector = await openHostInspector(pid);
  if (!inspector) return undefined;
  try {
    await inspector.call('HeapProfiler.collectGarbage');
    const { usedSize } = (await inspector.call('Runtime.getHeapUsage')) as { usedSize: number };
    return usedSize / 1024 / 1024;
  } finally {
    inspector.close();
  }
}

/**
 * BENCH_SESSION_SNAPSHOT=1: what grew in the renderer's heap after the first 10 replies, by the code
 * that allocated it (V8's sampling heap profiler: still-live samples at the end, after GC; a full
 * snapshot of this heap is too large to read). The 20 largest allocation sites.
 */
interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

async function growthBySite(cdp: CDPSession): Promise<Array<{ site: string; MB: number }>> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { profile } = (await cdp.send('HeapProfiler.getSamplingProfile')) as unknown as { profile: { head: SamplingNode } };
  await cdp.send('HeapProfiler.stopSampling');
  const bySite = new Map<string, number>();
  const walk = (n: SamplingNode, path: string[]) => {
    const f = n.callFrame;
    const here = f.url || f.functionName ? [...path, `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`] : path;
    // The innermost frame of our code or the workbench's names the site (builtins like JSON.parse above it say little).
    if (n.selfSize) bySite.set(here.slice(-2).join(' ← '), (bySite.get(here.slice(-2).join(' ← ')) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c, here);
  };
  walk(profile.head, []);
  return [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([site, size]) => ({ site, MB: size / 1048576 }));
}

async function main(): Promise<void> {
  const h = await loadHarness();
  const distBuild = ensureDist();
  const fake = await startFakeGmi({ apiKey: KEY });
  const wb = await openWorkbench(h, 'bench-session', { 'gmi.baseUrl': fake.baseUrl }, process.env.BENCH_VSCODE);
  try {
    const { page } = wb;
    await readyChat(page, fake);
    const cdp = await page.context().newCDPSession(page);
    const hostPid = wb.serverPid ? extensionHostPid(wb.serverPid) : undefined;
    const mixSum = MIX.reduce((a, b) => a + b, 0);
    const unit = (TOTAL_MB * 1024 * KB) / ((REPLIES / MIX.length) * mixSum);
    const heaps: Array<{ replies: number; rendererMB: number; hostMB?: number; sentMB: number }> = [];
    let sent = 0;
    const started = Date.now();
    for (let i = 0; i < REPLIES; i++) {
      const text = generateReply(Math.round(unit * MIX[i % MIX.length]), 100 + i);
      sent += text.length;
      fake.enqueue({ text, chunkSize: 2000, delayMs: 2, usage: { input: 10, output: 100 } });
      await ask(page, `reply ${i + 1}`, false);
      await waitDone(page, i + 1, 600_000); // the warm-up reply is number 0
      if (i + 1 === 10 || i + 1 === REPLIES) {
        heaps.push({ replies: i + 1, rendererMB: await rendererHeapMB(cdp), hostMB: hostPid ? await hostHeapMB(hostPid) : undefined, sentMB: sent / 1024 / 1024 });
        process.stderr.write(`[bench:session] ${JSON.stringify(heaps[heaps.length - 1])}\n`);
        if (i + 1 === 10 && process.env.BENCH_SESSION_SNAPSHOT) await cdp.send('HeapProfiler.startSampling', { samplingInterval: 16384 });
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const snapshot = process.env.BENCH_SESSION_SNAPSHOT ? await growthBySite(cdp) : undefined;
    if (snapshot) process.stderr.write(`[bench:session] renderer heap still live from after reply 10, by allocation site:\n${snapshot.map((x) => `${x.MB.toFixed(1).padStart(8)} MB  ${x.site}`).join('\n')}\n`);
    const result = { distBuild, vscode: wb.vscodeVersion, replies: REPLIES, totalMB: sent / 1024 / 1024, seconds, heaps, load: loadavg(), snapshot };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await wb.close(Boolean(process.env.BENCH_KEEP));
    await fake.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`session bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
