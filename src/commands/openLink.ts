import * as vscode from 'vscode';
import type { Log } from '../log';

const ALLOWED = new Set(['http:', 'https:', 'mailto:']);

/**
 * Links in replies are opened by the host only: http(s)/mailto only, and always after the user has
 * seen the full address (a planted link can carry data in its query string).
 */
export async function openLink(href: string, log: Log): Promise<void> {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    log.warn('Refused to open a link that is not an absolute URL.');
    return;
  }
  if (!ALLOWED.has(url.protocol)) {
    log.warn(`Refused to open a ${url.protocol} link from a reply.`);
    void vscode.window.showWarningMessage(`GMI does not open ${url.protocol} links from replies.`);
    return;
  }
  const open = 'Open Link';
  // The whole address, never cut: what a planted link carries sits at its end. (The view sends at
  // most MAX_LINK_CHARS characters.)
  const pick = await vscode.window.showWarningMessage(
    `Open this link from the reply?`,
    { modal: true, detail: `${url.href}\n\nLinks in model replies can be planted by prompt injection. Check the address (including anything after "?") before opening.` },
    open,
  );
  if (pick === open) await vscode.env.openExternal(vscode.Uri.parse(url.href, true));
}
