// The VS Code chat provider as its own chunk (dist/provider.js), loaded through src/lazy.ts the first
// time VS Code asks for GMI models or "GMI: Manage Models" runs, so activation never parses it.
// registration.ts, in the activation bundle, registers a stub that forwards here.
import type * as vscode from 'vscode';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import type { Connection } from '../connection';
import type { Log } from '../log';
import type { ModelService } from '../models/modelService';
import { UsageStatus } from '../usage/usageStatus';
import { UsageTracker } from '../usage/usageTracker';
import { GmiChatProvider } from './chatProvider';
import { manageModels } from './manageModels';
import { ModelChoices } from './modelChoices';
import type { LmProviderApi } from './vscodeLm';

export interface ProviderHostDeps {
  /** The running VS Code's provider API; undefined before 1.104 (then only Manage Models works). */
  lm: LmProviderApi | undefined;
  keys: ApiKeyStore;
  connection: Connection;
  models: ModelService;
  log: Log;
  globalState: vscode.Memento;
}

/** The provider, its usage status bar item and the hidden-model choices, created once. */
export class ProviderHost implements vscode.Disposable {
  readonly provider: GmiChatProvider | undefined;
  private readonly choices: ModelChoices;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: ProviderHostDeps) {
    this.choices = new ModelChoices(deps.globalState);
    if (deps.lm) {
      const usage = new UsageTracker();
      this.provider = new GmiChatProvider({ api: deps.lm, keys: deps.keys, connection: deps.connection, models: deps.models, choices: this.choices, usage, log: deps.log });
      this.disposables.push(this.provider, new UsageStatus(usage));
    }
  }

  manageModels(): Promise<void> {
    const { keys, connection, models, lm } = this.deps;
    return manageModels({ keys, connection, models, choices: this.choices, providerAvailable: lm !== undefined });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function startProviderHost(deps: ProviderHostDeps): ProviderHost {
  return new ProviderHost(deps);
}
