// Part 2, client overhead (run by bench/client.mjs with tsx): the fake GMI server, in its own
// process, streams a reply of 20,000 text deltas as fast as it can; we time request → last event
// through GmiClient and through a bare loop (undici request on a dispatcher + eventsource-parser +
// JSON.parse), for both wire formats. Wall time and this process's CPU time, median of N runs.
// Prints one line `RESULT {json}`.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { createParser } from 'eventsource-parser';
import { Agent, request } from 'undici';
import { GmiClient } from '../src/gmi/client';
import type { WireApi } from '../src/gmi/types';

const ROOT = path.resolve(__dirname, '..');
const DELTAS = 20_000;
const CHUNK = 4;
const RUNS = Number(process.env.BENCH_CLIENT_RUNS ?? 9);
const WARMUP = 2;
const MODEL = 'anthropic/claude-sonnet-4.5';
const KEY = 'bench-key';

/** 80,000 characters of plain prose: 20,000 deltas of 4. */
function replyText(): string {
  const words = 'the stream of tokens arrives quickly and every delta is parsed once by the client'.split(' ');
  let s = '';
  for (let i = 0; s.length < DELTAS * CHUNK; i++) s += words[i % words.length] + (i % 17 === 16 ? '.\n\n' : ' ');
  return s.slice(0, DELTAS * CHUNK);
}

async function startServer(): Promise<{ baseUrl: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'fake-gmi', 'cli.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout!.setEncoding('utf8');
  while (!out.includes('\n')) {
    const [chunk] = (await once(proc.stdout!, 'data')) as [string];
    out += chunk;
  }
  return { baseUrl: out.split('\n')[0].trim(), proc };
}

async function enqueue(baseUrl: string, plan: object): Promise<void> {
  const origin = new URL(baseUrl).origin;
  const res = await fetch(`${origin}/__control/enqueue`, { method: 'POST', body: JSON.stringify(plan) });
  if (!res.ok) throw new Error(`enqueue failed: ${res.status}`);
  await res.arrayBuffer();
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  chars: number;
  events: number;
}

async function measure(fn: () => Promise<{ chars: number; events: number }>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, ...r };
}

async function viaClient(client: GmiClient, api: WireApi): Promise<{ chars: number; events: number }> {
  let chars = 0;
  let events = 0;
  for await (const ev of client.stream({ model: MODEL, api, messages: [{ role: 'user', content: 'go' }], maxTokens: 32000 })) {
    if (ev.type === 'text') {
      chars += ev.text.length;
      events++;
    } else if (ev.type === 'error') throw new Error(`client error: ${ev.error.message}`);
  }
  return { chars, events };
}

/** What a hand-written loop does: request, SSE parse, JSON.parse, pick the text. */
async function bare(agent: Agent, baseUrl: string, api: WireApi): Promise<{ chars: number; events: number }> {
  const messages = api === 'messages';
  const url = new URL(messages ? 'messages' : 'chat/completions', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const body = messages
    ? { model: MODEL, max_tokens: 32000, messages: [{ role: 'user', content: 'go' }], stream: true }
    : { model: MODEL, max_tokens: 32000, messages: [{ role: 'user', content: 'go' }], stream: true, stream_options: { include_usage: true } };
  const res = await request(url, {
    dispatcher: agent,
    method: 'POST',
    headers: messages
      ? { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01' }
      : { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  let chars = 0;
  let events = 0;
  const parser = createParser({
    onEvent(e) {
      if (e.data === '[DONE]') return;
      const json = JSON.parse(e.data);
      const text = messages
        ? json.type === 'content_block_delta' && json.delta?.type === 'text_delta'
          ? json.delta.text
          : undefined
        : json.choices?.[0]?.delta?.content;
      if (text) {
        chars += text.length;
        events++;
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
  parser.feed(decoder.decode());
  return { chars, events };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main(): Promise<void> {
  const { baseUrl, proc } = await startServer();
  const text = replyText();
  const plan = { text, chunkSize: CHUNK, usage: { input: 10, output: DELTAS } };
  const agent = new Agent();
  const client = new GmiClient({ baseUrl, apiKey: KEY, dispatcher: agent, maxRetries: 0 });
  const results: Record<string, unknown> = {};
  try {
    for (const api of ['chatCompletions', 'messages'] as WireApi[]) {
      const runs: { client: Sample[]; bare: Sample[] } = { client: [], bare: [] };
      for (let i = 0; i < WARMUP + RUNS; i++) {
        // alternate, so both see the same machine load
        for (const kind of i % 2 === 0 ? (['bare', 'client'] as const) : (['client', 'bare'] as const)) {
          await enqueue(baseUrl, plan);
          const s = await measure(() => (kind === 'client' ? viaClient(client, api) : bare(agent, baseUrl, api)));
          if (s.chars !== text.length || s.events !== DELTAS) throw new Error(`${kind}/${api}: got ${s.chars} chars in ${s.events} events`);
          if (i >= WARMUP) runs[kind].push(s);
        }
      }
      const summary = (xs: Sample[]) => ({ wallMs: median(xs.map((x) => x.wallMs)), cpuMs: median(xs.map((x) => x.cpuMs)), wallRuns: xs.map((x) => Math.round(x.wallMs)) });
      const c = summary(runs.client);
      const b = summary(runs.bare);
      results[api] = { deltas: DELTAS, chars: text.length, runs: RUNS, client: c, bare: b, wallRatio: c.wallMs / b.wallMs, cpuRatio: c.cpuMs / b.cpuMs };
    }
  } finally {
    await client.close();
    await agent.close();
    proc.kill('SIGTERM');
  }
  process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`client bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
