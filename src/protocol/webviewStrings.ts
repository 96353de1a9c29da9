// The words the chat webview shows, as keys. The webview has no English of its own: the host builds
// the table with vscode.l10n.t (src/views/webviewStrings.ts) and hands it over in the page's HTML
// (`data-l10n` on #root); the webview checks it like every host message (parseWebviewStrings) and
// looks words up with t(key) (src/webview/l10n.ts). Values may hold {0}, {1}… filled in by t().
// Adding a word: a key here, its English in src/views/webviewStrings.ts (the compiler insists), t('key')
// in the webview; the unit test webview-l10n checks all three agree.

export const WEBVIEW_STRING_KEYS = [
  'page.title',
  'toolbar.label',
  'model.title',
  'model.placeholder',
  'model.none',
  'model.ariaLabel',
  'model.tooltip',
  'newChat.label',
  'welcome.label',
  'welcome.heading',
  'welcome.text',
  'welcome.setApiKey',
  'empty.text',
  'conversation.label',
  'composer.placeholder',
  'composer.ariaLabel',
  'composer.send',
  'composer.sendTitle',
  'composer.stop',
  'composer.stopTitle',
  'author.user',
  'author.assistant',
  'author.error',
  'state.stopped',
  'state.interrupted',
  'state.error',
  'retry.label',
  'retry.title',
  'thinking.summary',
  'showAll.title',
  'showAll.oneLine',
  'showAll.lines',
  'meta.cached',
  'meta.cacheWrite',
  'meta.input',
  'meta.inputWithCache',
  'meta.output',
  'meta.outputWithReasoning',
  'meta.costTitle',
  'meta.costTitleAsOf',
  'action.setApiKey',
  'action.selectModel',
  'action.retry',
  'action.openSettings',
  'action.openLog',
  'action.dropOldestTurns',
  'code.copy',
  'code.insert',
  'code.apply',
  'code.buttonAriaLabel',
  'code.plainLanguage',
  'code.indentedLanguage',
  'fileLink.title',
  'image.title',
  'image.label',
  'attach.button',
  'attach.title',
  'attach.list',
  'attach.remove',
  'attach.bytes',
  'edit.label',
  'edit.title',
  'editBar.text',
  'editBar.cancel',
  'editBar.cancelTitle',
  'copyReply.label',
  'copyReply.title',
  'regenerate.label',
  'regenerate.title',
] as const;

export type WebviewStringKey = (typeof WEBVIEW_STRING_KEYS)[number];
export type WebviewStrings = Readonly<Record<WebviewStringKey, string>>;

/** Longest word the webview accepts from the host (a paragraph, with room for long languages). */
export const MAX_WEBVIEW_STRING_CHARS = 2000;

const KEYS: ReadonlySet<string> = new Set(WEBVIEW_STRING_KEYS);

/**
 * The table if it is exactly a WebviewStrings (every key, each a string within the limit, nothing
 * else), otherwise undefined. Accepts the JSON text of the HTML attribute or the parsed value.
 */
export function parseWebviewStrings(raw: unknown): WebviewStrings | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== KEYS.size) return undefined;
  for (const [key, text] of entries) {
    if (!KEYS.has(key) || typeof text !== 'string' || text.length > MAX_WEBVIEW_STRING_CHARS) return undefined;
  }
  return value as WebviewStrings;
}

/** `template` with {0}, {1}… replaced by `args` (a placeholder without an argument stays). */
export function fillPlaceholders(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : match));
}
