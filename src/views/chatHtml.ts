// The chat webview's HTML shell. Pure (no `vscode` import) so tests can check the CSP exactly.
// Everything the page shows is built by dist/webview.js; the shell only loads it under a strict CSP:
// nothing inline, scripts only by nonce, images only from the webview itself or data: URLs. The
// webview's words travel as JSON in #root's `data-l10n` attribute (data, never run).
import type { WebviewStrings } from '../protocol/webviewStrings';

export interface ChatHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  /** A fresh random nonce for the one script tag. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
  /** The webview's words (buildWebviewStrings), in the display language. */
  strings: WebviewStrings;
  /** VS Code's display language (`vscode.env.language`), for the page's `lang`. */
  language: string;
}

export function chatCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChatHtml(o: ChatHtmlOptions): string {
  const csp = chatCsp(o.cspSource, o.nonce);
  return `<!DOCTYPE html>
<html lang="${escapeAttr(o.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(o.codiconsUri)}">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
<title>${escapeText(o.strings['page.title'])}</title>
</head>
<body>
<div id="root" class="app" data-l10n="${escapeAttr(JSON.stringify(o.strings))}"></div>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
