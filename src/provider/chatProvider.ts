// GMI models in VS Code's own chat (model picker, Ask / Agent mode, inline chat): the
// LanguageModelChatProvider registered under vendor `gmi` where VS Code has the API (1.104+).
// The model list comes from ModelService (live /models, cached, catalog as fallback); responses go
// through responder.ts; the key is asked for the way the rest of the extension asks.
import * as vscode from 'vscode';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import { requestOptions } from '../config/requestPolicy';
import { readSettings } from '../config/settings';
import type { Connection } from '../connection';
import { resolveApi } from '../gmi/baseUrl';
import { catalogModels, modelCapabilities } from '../gmi/catalog';
import type { ModelInfo } from '../gmi/types';
import type { Log } from '../log';
import { FALLBACK_CONTEXT, FALLBACK_MAX_OUTPUT, type ModelService } from '../models/modelService';
import type { UsageTracker } from '../usage/usageTracker';
import type { ModelChoices } from './modelChoices';
import { toChatInformation } from './modelInfo';
import { respond, type PrepareBlocked, type PreparedChat } from './responder';
import { InlineReasoningModels } from './responseParts';
import { estimateTokens } from './tokenEstimate';
import type { LmChatInformation, LmChatProvider, LmChatRequestMessage, LmProviderApi, LmResponseOptions } from './vscodeLm';

export interface ChatProviderDeps {
  api: LmProviderApi;
  keys: ApiKeyStore;
  connection: Connection;
  models: ModelService;
  choices: ModelChoices;
  usage: UsageTracker;
  log: Log;
}

export class GmiChatProvider implements LmChatProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly subscriptions: Array<{ dispose(): void }>;
  /** The last list came from the catalog (no live list yet, e.g. the host was not approved then). */
  private listedFromCatalog = false;
  /** Models seen closing an unopened </think> this session (their leading text is held back). */
  private readonly inlineReasoning = new InlineReasoningModels();

  constructor(private readonly deps: ChatProviderDeps) {
    const fire = () => this.changed.fire();
    this.subscriptions = [
      deps.keys.onDidChange(fire),
      deps.models.onDidChangeModels(fire),
      deps.choices.onDidChange(fire),
      vscode.workspace.onDidChangeConfiguration((e) => {
        // Another base URL is another model list; gmi.api changes each model's endpoint (tooltip).
        if (e.affectsConfiguration('gmi.baseUrl') || e.affectsConfiguration('gmi.api')) fire();
      }),
    ];
  }

  async provideLanguageModelChatInformation(options: { readonly silent: boolean }): Promise<LmChatInformation[]> {
    const { keys, connection, models, choices, log } = this.deps;
    if (options.silent) {
      // Never a prompt here: without a key VS Code's chat simply has no GMI models yet.
      if (!(await keys.hasKey())) return [];
    } else {
      const conn = await connection.connect(true);
      if ('blocked' in conn) {
        log.info(`VS Code chat: no GMI models listed: ${conn.message}`);
        return [];
      }
    }
    const live = await models.fetchLive();
    this.listedFromCatalog = !live;
    const list: ModelInfo[] = live ?? catalogModels();
    const api = readSettings().api;
    const defaults = { contextLength: FALLBACK_CONTEXT, maxOutputTokens: FALLBACK_MAX_OUTPUT };
    const hidden = choices.hidden();
    return list.filter((m) => !hidden.has(m.id)).map((m) => toChatInformation(m, modelCapabilities(m.id), resolveApi(m.id, api), defaults));
  }

  provideLanguageModelChatResponse(
    model: LmChatInformation,
    messages: readonly LmChatRequestMessage[],
    options: LmResponseOptions,
    progress: vscode.Progress<unknown>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const { api, log, usage } = this.deps;
    return respond(
      {
        parts: api.parts,
        errors: api.errors,
        prepare: (modelId) => this.prepare(modelId),
        inlineReasoning: this.inlineReasoning,
        usage,
        log,
      },
      model,
      messages,
      options,
      progress,
      token,
    );
  }

  async provideTokenCount(_model: LmChatInformation, text: string | LmChatRequestMessage): Promise<number> {
    return estimateTokens(text, this.deps.api.parts);
  }

  /** The same settings and request policy the sidebar uses (see extension.ts' prepare), for the model VS Code chose. */
  private async prepare(modelId: string): Promise<PreparedChat | PrepareBlocked> {
    const conn = await this.deps.connection.connect(true);
    if ('blocked' in conn) return conn;
    // Now that the key and host are settled, the live list can replace the catalog's (a changed
    // list tells VS Code through onDidChangeModels).
    if (this.listedFromCatalog) {
      this.listedFromCatalog = false;
      void this.deps.models.fetchLive();
    }
    const s = readSettings();
    return {
      client: conn.client,
      api: resolveApi(modelId, s.api),
      system: s.systemPrompt.trim() || undefined,
      ...requestOptions(s),
      maxOutputTokens: this.deps.models.limits(modelId).maxOutputTokens,
    };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
