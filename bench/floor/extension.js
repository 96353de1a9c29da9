// Benchmark only (bench/e2e.ts loads it next to the extension; it is not in the .vsix): the floor
// for the end-to-end latency. "GMI Bench: Stream to the Floor View" streams the fake server's next
// reply (Chat Completions, settings gmiBenchFloor.baseUrl / .key) and posts its deltas to a webview
// view that appends each as plain text — the same path as the chat (extension host → workbench →
// webview), none of its work. Deltas are posted like the chat posts them (leading edge, then at
// most one message per 24 ms; src/views/appendBatcher.ts), so both send the same messages.
const http = require('node:http');
const vscode = require('vscode');

const INTERVAL_MS = 24;

exports.activate = (context) => {
  let view;
  let ready;
  let markReady;
  const resetReady = () => (ready = new Promise((r) => (markReady = r)));
  resetReady();
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider('gmiBenchFloor.view', {
      resolveWebviewView(v) {
        view = v;
        resetReady();
        v.webview.options = { enableScripts: true };
        v.webview.onDidReceiveMessage((m) => m === 'ready' && markReady());
        v.webview.html = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>html, body { height: 100%; margin: 0; } #out { height: 100%; overflow-y: auto; white-space: pre-wrap; font: 13px monospace; }</style>
</head><body><div id="out" data-testid="floor"></div><script>
const out = document.getElementById('out');
window.addEventListener('message', (e) => {
  if (e.data && e.data.type === 'clear') out.replaceChildren();
  if (!e.data || e.data.type !== 'append') return;
  const line = document.createElement('div');
  line.textContent = e.data.text;
  out.append(line);
  out.scrollTop = out.scrollHeight;
});
acquireVsCodeApi().postMessage('ready');
</script></body></html>`;
      },
    }),
    vscode.commands.registerCommand('gmiBenchFloor.open', async () => {
      await vscode.commands.executeCommand('gmiBenchFloor.view.focus');
      await ready;
    }),
    vscode.commands.registerCommand('gmiBenchFloor.stream', async () => {
      await vscode.commands.executeCommand('gmiBenchFloor.view.focus');
      await ready;
      // One reply at a time, as the chat shows one streaming reply: a floor whose document grew
      // with every round would get slower round by round (it appends and scrolls per message).
      await view.webview.postMessage({ type: 'clear' });
      const config = vscode.workspace.getConfiguration('gmiBenchFloor');
      await stream(String(config.get('baseUrl')), String(config.get('key')), (text) => view.webview.postMessage({ type: 'append', text }));
    }),
  );
};

/** Streams one reply, posting its text deltas with the chat's leading-edge batching. */
function stream(baseUrl, key, post) {
  let pending = '';
  let lastPost = -Infinity;
  let timer;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending) post(pending);
    pending = '';
    lastPost = performance.now();
  };
  const add = (text) => {
    pending += text;
    if (timer !== undefined) return;
    const wait = lastPost + INTERVAL_MS - performance.now();
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  };
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'floor' }] });
    const req = http.request(`${baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.startsWith('data: ') ? event.slice(6) : '';
          if (!data || data === '[DONE]') continue;
          const text = JSON.parse(data).choices?.[0]?.delta?.content;
          if (text) add(text);
        }
      });
      res.on('end', () => {
        flush();
        resolve();
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
