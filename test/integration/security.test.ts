// The key, inside the real extension host: it goes only where the user said, over https (or to
// loopback), never from a workspace setting, and never into settings, the log or an error — even
// when the server echoes it back. Requests are asked through the real `gmi.ask` command.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GmiExtensionApi } from '../../src/api';
import type { MessageView } from '../../src/protocol/messages';
import { startFakeGmi } from '../fake-gmi/server';
import {
  api as getApi,
  chatRequests,
  sentKey,
  setKey,
  stopFakeGmi,
  TEST_KEY,
  waitFor,
  WindowStubs,
  type FakeGmi,
  type ReplyPlan,
} from './helpers';

const gmi = () => vscode.workspace.getConfiguration('gmi');
const setBaseUrl = (url: string | undefined) => gmi().update('baseUrl', url, vscode.ConfigurationTarget.Global);
const HOST_QUESTION = /^Send your GMI API key to (.+)\?$/;

/** A loopback server that only counts connections (stands in for "anywhere the key could go"). */
async function countingServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  // Only requests for the test's hosts count: VS Code itself also uses http.proxy once it is set
  // (1.139's Copilot agent host reconnects through it), and that is not the extension's traffic.
  let connections = 0;
  const ours = (target: string | undefined) => /gmi-gateway\.invalid/.test(target ?? '');
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    if (ours(req.url) || ours(req.headers.host)) connections++;
    res.writeHead(502).end();
  });
  // As a proxy: refuse every tunnel at once, so a client that tried gets a quick failure.
  server.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    if (ours(req.url)) connections++;
    socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Every GMI.log file (the output channel on disk) under the user-data dir run-integration.mjs made. */
function gmiLogFiles(): string[] {
  const root = process.env.GMI_TEST_USER_DATA_DIR;
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/GMI\.log$/.test(p)) out.push(p);
    }
  };
  if (root) walk(path.join(root, 'logs'));
  return out;
}

describe('security: where the key goes', () => {
  let api: GmiExtensionApi;
  let stubs: WindowStubs;
  /** Hosts the modal asked about, in order. */
  let asked: string[];
  /** What the user answers to the host modal. */
  let answer: 'Allow' | undefined;
  const fakes: FakeGmi[] = [];

  const startFake = async () => {
    const f = await startFakeGmi({ apiKey: TEST_KEY });
    fakes.push(f);
    return f;
  };

  /** Asks a question through Ask GMI and waits for the reply (or the refusal) to settle. */
  const ask = async (question: string): Promise<MessageView | undefined> => {
    const before = api.messages().length;
    stubs.inputBox(question);
    await vscode.commands.executeCommand('gmi.ask');
    await api.chatIdle();
    return api.messages().slice(before).reverse().find((m) => m.role === 'error' || m.role === 'assistant');
  };
  const lastError = () => [...api.messages()].reverse().find((m) => m.role === 'error');

  before(async () => {
    api = await getApi();
    await setKey();
  });
  beforeEach(() => {
    asked = [];
    answer = 'Allow';
    stubs = new WindowStubs();
    stubs.stub('showWarningMessage', async (message: string) => {
      const m = HOST_QUESTION.exec(message);
      if (!m) return undefined;
      asked.push(m[1]);
      return answer;
    });
    stubs.stub('showInformationMessage', async () => undefined);
    stubs.stub('showErrorMessage', async () => undefined);
  });
  afterEach(async () => {
    stubs.restore();
    await api.chatIdle();
  });
  after(async () => {
    await setBaseUrl(undefined);
    await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
    for (const f of fakes) await f.close();
  });

  it('a changed base URL host is confirmed once before the key goes there', async () => {
    const first = await startFake();
    const second = await startFake();
    const firstUrl = first.baseUrl;
    // The same loopback server under another name is another host as far as the key is concerned.
    const secondUrl = `http://localhost:${second.port}/v1`;

    await setBaseUrl(firstUrl);
    first.enqueue({ text: 'first host' });
    assert.equal((await ask('to the first host'))?.state, 'done');
    assert.deepEqual(asked, [`127.0.0.1:${first.port}`]);

    // Switch: the user declines; the new host gets nothing at all.
    await setBaseUrl(secondUrl);
    answer = undefined;
    await ask('declined');
    assert.deepEqual(asked, [`127.0.0.1:${first.port}`, `localhost:${second.port}`]);
    assert.equal(second.requests.length, 0, 'the new host got a request before the user allowed it');
    assert.match(lastError()?.text ?? '', /not sent.*not approved/s);

    // Allow: now it goes there, with the key.
    answer = 'Allow';
    second.enqueue({ text: 'second host' });
    assert.equal((await ask('allowed'))?.state, 'done');
    assert.equal(asked.length, 3);
    assert.equal(chatRequests(second).length, 1);
    assert.equal(sentKey(chatRequests(second)[0]), TEST_KEY);

    // Asked once: the next request and a switch back to the first host do not ask again.
    second.enqueue({ text: 'again' });
    assert.equal((await ask('again'))?.state, 'done');
    await setBaseUrl(firstUrl);
    first.enqueue({ text: 'back' });
    assert.equal((await ask('back to the first'))?.state, 'done');
    assert.equal(asked.length, 3, `asked again: ${asked.join(', ')}`);
    assert.equal(chatRequests(second).length, 2);
    assert.equal(chatRequests(first).length, 2);
  });

  it('http:// to a host that is not loopback is refused before anything is sent', async function () {
    this.timeout(90_000); // the https control is retried after the proxy refuses it
    // Everything goes through a loopback "proxy" that only counts connections: had the extension
    // tried to reach the insecure URL, the count would show it (and nothing leaves the machine).
    const proxy = await countingServer();
    try {
      await vscode.workspace.getConfiguration('http').update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      for (const url of ['http://gmi-gateway.invalid/v1', 'http://localhost.gmi-gateway.invalid/v1', 'http://127.0.0.1.gmi-gateway.invalid:8080/v1']) {
        await setBaseUrl(url);
        const before = api.messages().length;
        await ask(`insecure ${url}`);
        const error = api.messages().slice(before).find((m) => m.role === 'error');
        assert.ok(error, `no error shown for ${url}`);
        assert.match(error.text, /http:\/\/.*unencrypted.*https:\/\//s, `a clear reason for ${url}: ${error.text}`);
        assert.ok(error.actions?.includes('openSettings'));
        assert.ok(!error.text.includes(TEST_KEY));
      }
      assert.equal(proxy.connections(), 0, 'a connection was made for an insecure base URL');
      assert.deepEqual(asked, [], 'the host question came before the URL check');

      // Control: the same host over https is allowed, and its request does reach the counting
      // proxy, so the zero above means "never tried", not "went somewhere unseen".
      await setBaseUrl('https://gmi-gateway.invalid/v1');
      await ask('https control');
      assert.deepEqual(asked, ['gmi-gateway.invalid']);
      await waitFor('the control request at the proxy', () => proxy.connections() > 0);
    } finally {
      await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await proxy.close();
    }
  });

  it('a gmi.baseUrl in the workspace settings redirects nothing', async () => {
    const mine = await startFake();
    const attacker = await startFake();
    await setBaseUrl(mine.baseUrl);
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const settingsFile = path.join(folder, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    try {
      // gmi.temperature is the witness that VS Code read the file.
      fs.writeFileSync(settingsFile, JSON.stringify({ 'gmi.baseUrl': attacker.baseUrl, 'gmi.temperature': 0.125 }));
      await waitFor('the workspace settings to be read', () => gmi().get('temperature') === 0.125);
      assert.equal(gmi().inspect('baseUrl')?.workspaceValue, undefined, 'VS Code took the workspace value');
      mine.enqueue({ text: 'from my server' });
      assert.equal((await ask('where does this go?'))?.state, 'done');
      assert.equal(chatRequests(mine).length, 1);
      assert.equal((chatRequests(mine)[0].body as { temperature?: number }).temperature, 0.125, 'the workspace file was in force');
      assert.equal(attacker.requests.length, 0, 'the workspace base URL got a request');
      assert.ok(!asked.includes(`127.0.0.1:${attacker.port}`), 'the user was even asked about the workspace host');
    } finally {
      fs.rmSync(path.join(folder, '.vscode'), { recursive: true, force: true });
    }
  });

  it('the key appears in no error, log line, log file or settings file, even when the server echoes it', async () => {
    const echo = await startFake();
    await setBaseUrl(echo.baseUrl);
    const plans: ReplyPlan[] = [
      { status: 401, body: JSON.stringify({ error: { message: `Invalid API key: ${TEST_KEY}`, type: 'authentication_error' } }) },
      { status: 400, body: JSON.stringify({ error: { message: `Bad request from Bearer ${TEST_KEY}`, details: [{ key: TEST_KEY }] } }) },
      { status: 404, body: `No matching target server found for key ${TEST_KEY}` },
      { status: 500, body: `<html><body><h1>Error</h1><pre>authorization: Bearer ${TEST_KEY}</pre></body></html>` },
      { status: 403, body: `forbidden ${TEST_KEY}`, headers: { 'x-request-id': TEST_KEY } },
      { status: 429, body: JSON.stringify({ error: { message: `slow down ${TEST_KEY}` } }), headers: { 'retry-after': '0' } },
      { text: 'partial text that goes on and on', chunkSize: 3, errorAfterChunks: 2, streamError: { type: 'invalid_request_error', message: `stream says ${TEST_KEY}` } },
      { rawEvents: `data: {"error":{"message":"raw ${TEST_KEY}","type":"server_error"}}\n\n` },
    ];
    const errorsBefore = api.messages().filter((m) => m.role === 'error').length;
    for (let i = 0; i < plans.length; i++) {
      // 429 and 5xx are retried (2 retries): every attempt echoes the key; leftovers are dropped.
      const status = plans[i].status ?? 200;
      echo.enqueue(...(status === 429 || status >= 500 ? [plans[i], plans[i], plans[i]] : [plans[i]]));
      await ask(`echo ${i}`);
      echo.reset();
    }
    const errors = api.messages().filter((m) => m.role === 'error').slice(errorsBefore);
    assert.equal(errors.length, plans.length, `one error shown per echo: ${errors.map((e) => e.text).join(' | ')}`);
    for (const m of api.messages()) {
      assert.ok(!JSON.stringify(m).includes(TEST_KEY), `a chat message holds the key: ${JSON.stringify(m).slice(0, 200)}`);
    }
    for (const c of stubs.calls) assert.ok(!JSON.stringify(c.args).includes(TEST_KEY), `${c.fn} showed the key`);
    assert.ok(api.logLines().some((l) => l.includes('[redacted]')), 'the echoes reached the log (redacted)');
    assert.ok(!api.logLines().some((l) => l.includes(TEST_KEY)), 'a log line holds the key');

    // The output channel's file on disk, once the last line reached it.
    const files = gmiLogFiles();
    if (process.env.GMI_TEST_USER_DATA_DIR) {
      const last = api.logLines()[api.logLines().length - 1].replace(/^\[\w+\] /, '');
      await waitFor('the log file to catch up', () => gmiLogFiles().some((f) => fs.readFileSync(f, 'utf8').includes(last)), 15_000);
      assert.ok(gmiLogFiles().length > 0);
    }
    for (const f of files.length ? files : gmiLogFiles()) assert.ok(!fs.readFileSync(f, 'utf8').includes(TEST_KEY), `${f} holds the key`);

    // Settings files: user and workspace.
    const settingsFiles = [path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json')];
    if (process.env.GMI_TEST_USER_DATA_DIR) settingsFiles.push(path.join(process.env.GMI_TEST_USER_DATA_DIR, 'User', 'settings.json'));
    for (const f of settingsFiles) if (fs.existsSync(f)) assert.ok(!fs.readFileSync(f, 'utf8').includes(TEST_KEY), `${f} holds the key`);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration()).includes(TEST_KEY));
  });
});

after(async () => {
  // Leave gmi.baseUrl as the other files expect (unset) and no fake server behind.
  await stopFakeGmi(undefined);
});
