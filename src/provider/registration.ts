// The provider's part of activation, kept tiny: where VS Code has the provider API (1.104+) it
// registers a stand-in for vendor `gmi` whose calls load the provider chunk (src/provider/index.ts,
// dist/provider.js) on first use and go on to it; "GMI: Manage Models" loads it the same way.
import * as vscode from 'vscode';
import { loadProvider } from '../lazy';
import type { ProviderHost, ProviderHostDeps } from './index';
import { CHAT_VENDOR, detectLmProviderApi, type LmChatProvider } from './vscodeLm';

export function registerProvider(context: vscode.ExtensionContext, deps: Omit<ProviderHostDeps, 'lm' | 'globalState'>): { manageModels(): Promise<void> } {
  const lm = detectLmProviderApi(vscode);
  const changed = new vscode.EventEmitter<void>();
  let host: ProviderHost | undefined;
  const getHost = (): ProviderHost => {
    if (!host) {
      host = loadProvider().startProviderHost({ ...deps, lm, globalState: context.globalState });
      context.subscriptions.push(host);
      const real = host.provider?.onDidChangeLanguageModelChatInformation;
      if (real) context.subscriptions.push(real(() => changed.fire()));
    }
    return host;
  };
  const provider = (): NonNullable<ProviderHost['provider']> => getHost().provider!;
  context.subscriptions.push(changed);
  if (lm) {
    const stub: LmChatProvider = {
      onDidChangeLanguageModelChatInformation: changed.event,
      provideLanguageModelChatInformation: async (options) => provider().provideLanguageModelChatInformation(options),
      provideLanguageModelChatResponse: async (model, messages, options, progress, token) => provider().provideLanguageModelChatResponse(model, messages, options, progress, token),
      provideTokenCount: async (model, text) => provider().provideTokenCount(model, text),
    };
    try {
      context.subscriptions.push(lm.register(CHAT_VENDOR, stub));
    } catch (err) {
      deps.log.warn(`GMI models could not be added to VS Code's chat: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { manageModels: async () => getHost().manageModels() };
}
