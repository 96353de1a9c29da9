// The webview's words: the table the host built with vscode.l10n.t (src/views/webviewStrings.ts),
// read once from the page before the view is built. The webview has no English of its own; a key
// the host did not send shows as the key, which the unit tests make sure never happens.
import { fillPlaceholders, parseWebviewStrings, type WebviewStringKey, type WebviewStrings } from '../protocol/webviewStrings';

let table: WebviewStrings | undefined;

/** Uses `strings` from now on (tests, and main.ts with what it read from the page). */
export function setWebviewStrings(strings: WebviewStrings | undefined): void {
  table = strings;
}

/** Reads and checks the table the host put on `root` (`data-l10n`); false if it was missing or malformed. */
export function loadWebviewStrings(root: Element): boolean {
  const strings = parseWebviewStrings(root.getAttribute('data-l10n'));
  setWebviewStrings(strings);
  return strings !== undefined;
}

/** The host's words for `key`, with {0}, {1}… filled from `args`. */
export function t(key: WebviewStringKey, ...args: (string | number)[]): string {
  return fillPlaceholders(table?.[key] ?? key, args);
}
