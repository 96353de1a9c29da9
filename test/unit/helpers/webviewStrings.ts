// The webview's English table as the host builds it, with a stand-in for vscode.l10n.t that behaves
// like VS Code's in the default language (the message itself; {n} filled only when given arguments).
import { setWebviewStrings } from '../../../src/webview/l10n';
import { buildWebviewStrings, type L10n } from '../../../src/views/webviewStrings';
import type { WebviewStrings } from '../../../src/protocol/webviewStrings';

type TArgs = [unknown, ...unknown[]];

/** vscode.l10n.t in the default language: format2 semantics (no arguments: the template as is). */
export const defaultLanguageL10n: L10n = {
  t: ((...params: TArgs): string => {
    const [first, ...rest] = params;
    const message = typeof first === 'string' ? first : (first as { message: string }).message;
    const args = typeof first === 'string' ? (typeof rest[0] === 'object' && rest[0] !== null ? rest[0] : rest) : ((first as { args?: unknown }).args ?? {});
    const values = args as Record<string, unknown>;
    if (Object.keys(values).length === 0) return message;
    return message.replace(/\{([^}]+)\}/g, (match, key: string) => (values[key] === undefined ? match : String(values[key])));
  }) as L10n['t'],
};

export function englishWebviewStrings(): WebviewStrings {
  return buildWebviewStrings(defaultLanguageL10n);
}

/** Makes the webview modules speak the host's English (call before building a ChatApp). */
export function useEnglishWebviewStrings(): void {
  setWebviewStrings(englishWebviewStrings());
}
