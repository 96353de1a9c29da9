// Part "session" (issue 13): a long session — many replies of mixed sizes in one conversation — and
// the heaps after GC after the first 10 replies and at the end. Runs bench/session.ts through tsx.
import { log, printTable, round, runTsx } from './lib.mjs';

export async function runSession() {
  const replies = process.env.BENCH_SESSION_REPLIES ?? '200';
  const mb = process.env.BENCH_SESSION_MB ?? '20';
  log('session', `${replies} replies, ${mb} MB in all, one conversation (BENCH_SESSION_REPLIES, BENCH_SESSION_MB)`);
  // Node 20 has WebSocket (for the extension host's inspector) only behind a flag.
  const nodeArgs = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket'] : [];
  const r = await runTsx('session.ts', [], nodeArgs);
  const [first, last] = [r.heaps[0], r.heaps[r.heaps.length - 1]];
  const ratio = (a, b) => (a && b ? round(b / a, 2) : undefined);
  r.growth = { renderer: ratio(first?.rendererMB, last?.rendererMB), host: ratio(first?.hostMB, last?.hostMB) };
  r.targets = {
    'renderer heap end ÷ after 10 replies': { value: r.growth.renderer, target: '<= 1.5', met: r.growth.renderer <= 1.5 },
    'extension host heap end ÷ after 10 replies': { value: r.growth.host, target: '<= 1.5', met: r.growth.host <= 1.5 },
  };
  return r;
}

export function printSession(r) {
  console.log(`\n### Session: ${r.replies} replies, ${round(r.totalMB, 1)} MB, VS Code ${r.vscode} (${r.distBuild} dist), ${round(r.seconds, 0)} s\n`);
  printTable(
    ['after', 'text sent', 'renderer JS heap (workbench + webview), after GC', 'extension host heap, after GC'],
    r.heaps.map((x) => [`${x.replies} replies`, `${round(x.sentMB, 1)} MB`, `${round(x.rendererMB, 1)} MB`, x.hostMB === undefined ? 'n/a' : `${round(x.hostMB, 1)} MB`]),
  );
  console.log(`load average at the end: ${r.load.map((x) => round(x, 2)).join(', ')}`);
  console.log('');
  for (const [k, v] of Object.entries(r.targets)) console.log(`${v.met ? 'met    ' : 'NOT MET'} ${k}: ${v.value} (target ${v.target})`);
}
