// What the browser showed when a UI test failed, beyond the screenshot: the page's console and
// uncaught errors (every frame's, webviews included), and the frame tree with what each frame's
// document holds — so a view that stayed empty tells whether its content never loaded, loaded
// without running, or ran and showed nothing.
import type { Page } from 'playwright-core';

const CONSOLE_LINES = 400;

/** Records the page's console messages and uncaught errors; returns a getter of the last ones. */
export function recordConsole(page: Page): () => string[] {
  const lines: string[] = [];
  const push = (line: string) => {
    lines.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    if (lines.length > CONSOLE_LINES) lines.splice(0, lines.length - CONSOLE_LINES);
  };
  page.on('console', (m) => push(`[${m.type()}] ${m.text().slice(0, 2000)} (${shortUrl(m.location().url)}:${m.location().lineNumber})`));
  page.on('pageerror', (err) => push(`[pageerror] ${(err.stack ?? err.message).slice(0, 2000)}`));
  page.on('frameattached', (f) => push(`[frame attached] ${f.name() || '(no name)'}`));
  page.on('framenavigated', (f) => push(`[frame navigated] ${f.name() || '(no name)'} ${shortUrl(f.url())}`));
  page.on('framedetached', (f) => push(`[frame detached] ${f.name() || '(no name)'} ${shortUrl(f.url())}`));
  return () => [...lines];
}

/** Every frame of the page: its place in the tree, address, and what its document holds. */
export async function describeFrames(page: Page): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const frame of page.frames()) {
    let depth = 0;
    for (let p = frame.parentFrame(); p; p = p.parentFrame()) depth++;
    const doc = await frame
      .evaluate(() => ({
        readyState: document.readyState,
        bodyChildren: document.body?.childElementCount ?? -1,
        bodyBox: document.body ? [document.body.clientWidth, document.body.clientHeight] : [],
        textLength: document.body?.innerText.length ?? 0,
        ids: [...document.querySelectorAll('iframe[id], #root, [data-testid="prompt"]')].map((e) => e.id || e.getAttribute('data-testid')),
      }))
      .catch((err: Error) => String(err.message).split('\n')[0]);
    out.push({ depth, name: frame.name(), url: shortUrl(frame.url()), detached: frame.isDetached(), doc });
  }
  return out;
}

/** An address without its query string's long values (webview ids, origins). */
function shortUrl(url: string): string {
  return url.length > 160 ? `${url.slice(0, 157)}...` : url;
}

/** Every webview iframe in the workbench and whether it shows (for a view that stays empty). */
export function describeWebviewFrames(): unknown[] {
  return [...document.querySelectorAll('iframe.webview')].map((el) => {
    const src = new URL((el as HTMLIFrameElement).src, location.href).searchParams;
    const box = el.getBoundingClientRect();
    const hiddenBy: string[] = [];
    for (let e: Element | null = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden') hiddenBy.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${style.display}/${style.visibility}`);
    }
    return {
      className: el.className,
      extensionId: src.get('extensionId'),
      purpose: src.get('purpose'),
      id: src.get('id'),
      box: [box.x, box.y, box.width, box.height].map(Math.round),
      hiddenBy,
    };
  });
}

