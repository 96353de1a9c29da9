// Words from code that may not import `vscode` (src/gmi, chat/, history/ lists, actions/…): they call
// l10n.t('English with {0}', arg) like vscode.l10n.t, and the extension points this at
// vscode.l10n.t when it activates (useTranslator). Until then — and in plain-Node tests — the English
// is used with its placeholders filled. The translator lives on globalThis under our own key because
// each bundle (extension.js, gmi.js, provider.js) carries its own copy of this module.
import { fillPlaceholders } from './protocol/webviewStrings';

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

const TRANSLATOR = Symbol.for('gmi-cloud.gmi-vscode.translate');
type Holder = { [TRANSLATOR]?: Translate };

/** Makes every bundle's t() use `translate` (the extension passes vscode.l10n.t). */
export function useTranslator(translate: Translate | undefined): void {
  (globalThis as Holder)[TRANSLATOR] = translate;
}

/** `message` in the display language, with {0}, {1}… filled from `args`. */
export function t(message: string, ...args: Array<string | number | boolean>): string {
  const translate = (globalThis as Holder)[TRANSLATOR];
  return translate ? translate(message, ...args) : fillPlaceholders(message, args.map(String));
}
