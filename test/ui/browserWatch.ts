// What the browser does while a test runs, for the security suites: a loopback canary server that
// counts every connection, a recorder of every request, dialog and new page of the browser context,
// the chat webview's two frames, and `window.__pwned` in every frame.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Dialog, Frame, Page, Request } from 'playwright-core';
import { WAIT } from './waiting';

// ---------- the canary: a loopback server that counts every connection ----------

export interface Canary {
  host: string;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  const sockets = new Set<Socket>();
  const canary = { host: '', connections: 0, requests: [] as string[], close: async () => undefined };
  const server = http.createServer((req, res) => {
    canary.requests.push(`${req.method} ${req.url}`);
    res.writeHead(204).end();
  });
  // Counted on connection, so a TLS hello or a half-sent request counts too.
  server.on('connection', (socket: Socket) => {
    canary.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canary.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  canary.close = () =>
    new Promise<undefined>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve(undefined));
    });
  return canary;
}

// ---------- what the browser does ----------

export interface Watch {
  requests: Array<{ url: string; frame: string }>;
  dialogs: string[];
  popups: string[];
  stop(): void;
}

/** Records every request of the browser context (pages, frames, workers) and every dialog / new page. */
export function watchBrowser(page: Page): Watch {
  const context = page.context();
  const w: Watch = { requests: [], dialogs: [], popups: [], stop: () => undefined };
  const onRequest = (r: Request) => {
    let frame = '';
    try {
      frame = r.frame().url();
    } catch {
      frame = '(worker)';
    }
    w.requests.push({ url: r.url(), frame });
  };
  const onDialog = (d: Dialog) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  };
  const onPage = (p: Page) => {
    w.popups.push(p.url());
    void p.close().catch(() => undefined);
  };
  context.on('request', onRequest);
  context.on('page', onPage);
  page.on('dialog', onDialog);
  page.on('popup', onPage);
  w.stop = () => {
    context.off('request', onRequest);
    context.off('page', onPage);
    page.off('dialog', onDialog);
    page.off('popup', onPage);
  };
  return w;
}

/**
 * Requests that went anywhere but the workbench itself: the code-server origin, and the chat
 * webview's own files (dist/, media/ of the installed extension), which VS Code's webview service
 * worker serves under *.vscode-resource.vscode-cdn.net without going to the network.
 */
export function foreignRequests(w: Watch, origin: string): string[] {
  return w.requests
    .map((r) => r.url)
    .filter((url) => {
      if (url.startsWith('data:') || url.startsWith('blob:')) return false;
      try {
        const u = new URL(url);
        if (u.origin === origin) return false;
        const ownResource =
          u.protocol === 'https:' &&
          u.hostname.endsWith('.vscode-resource.vscode-cdn.net') &&
          /\/extensions\/gmi-cloud\.gmi-vscode-[^/]+\/(dist|media)\/[^?#]+$/.test(u.pathname);
        return !ownResource;
      } catch {
        return true;
      }
    });
}

/** The chat webview's host frame (VS Code's index.html) and content frame (our HTML). */
export async function chatFrames(page: Page): Promise<{ host: Frame; content: Frame }> {
  const hostEl = await page.locator('iframe.webview.ready[src*="gmi-cloud.gmi-vscode"]').elementHandle({ timeout: WAIT });
  const host = await hostEl?.contentFrame();
  if (!host) throw new Error('no chat webview host frame');
  const contentEl = await host.locator('#active-frame').elementHandle({ timeout: WAIT });
  const content = await contentEl?.contentFrame();
  if (!content) throw new Error('no chat webview content frame');
  return { host, content };
}

/** `window.__pwned` and friends in every frame of the page (frames that went away are skipped). */
export async function pwnedFrames(page: Page): Promise<string[]> {
  const hits: string[] = [];
  for (const f of page.frames()) {
    const v = await f.evaluate('typeof window.__pwned === "undefined" ? "" : String(window.__pwned)').catch(() => '');
    if (v) hits.push(`${f.url()}: __pwned=${v}`);
  }
  return hits;
}
