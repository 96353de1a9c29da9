import * as vscode from 'vscode';
import type { Connection } from '../connection';
import { readSettings, setModel } from '../config/settings';
import { catalogEntry, catalogModels } from '../gmi/catalog';
import type { ModelInfo } from '../gmi/types';
import type { Log } from '../log';

const CACHE_KEY = 'gmi.modelCache';
const CACHE_TTL_MS = 6 * 60 * 60 * 1000;
/** Used when neither the live list nor the catalog knows a model. */
export const FALLBACK_CONTEXT = 128_000;
export const FALLBACK_MAX_OUTPUT = 8_192;

interface ModelCache {
  baseUrl: string;
  fetchedAt: number;
  models: ModelInfo[];
}

/** The model list (live from /models, cached, catalog as fallback), the picker and the status bar. */
export class ModelService implements vscode.Disposable {
  /** Created just after activation (see the constructor). */
  private statusItem: vscode.StatusBarItem | undefined;
  private readonly statusTimer: ReturnType<typeof setTimeout>;
  private inflight: Promise<ModelInfo[] | undefined> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a fetched live list differs from the cached one (VS Code's chat re-reads it). */
  readonly onDidChangeModels = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly connection: Connection,
    private readonly log: Log,
  ) {
    // The status bar item was the largest part of activation (3–7 ms of ~12: the settings, the item,
    // its tooltip); nothing during activation needs it, so it comes on the next turn of the loop.
    this.statusTimer = setTimeout(() => this.showStatus(), 0);
  }

  private showStatus(): void {
    const item = vscode.window.createStatusBarItem('gmi.model', vscode.StatusBarAlignment.Right, 100);
    item.name = vscode.l10n.t('GMI Model');
    item.command = 'gmi.selectModel';
    this.statusItem = item;
    this.refreshStatus();
    item.show();
  }

  /** What the status bar item shows (for the tests' API). */
  status(): { text: string; tooltip: string } | undefined {
    if (!this.statusItem) return undefined;
    const tooltip = this.statusItem.tooltip;
    return { text: this.statusItem.text, tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '') };
  }

  refreshStatus(): void {
    if (!this.statusItem) return; // not shown yet: it reads the settings when it is
    const model = readSettings().model;
    this.statusItem.text = `$(sparkle) ${shortName(model)}`;
    this.statusItem.tooltip = new vscode.MarkdownString(vscode.l10n.t('GMI model: {0}', `\`${model}\``) + `\n\n${vscode.l10n.t('Click to choose another model.')}`);
  }

  /** Context length and reply budget for a model: live list first, then the catalog. */
  limits(model: string): { contextLength: number; maxOutputTokens: number } {
    const live = this.cache()?.models.find((m) => m.id === model);
    const cat = catalogEntry(model);
    return {
      contextLength: live?.contextLength ?? cat?.contextLength ?? FALLBACK_CONTEXT,
      maxOutputTokens: live?.maxOutputTokens ?? cat?.maxOutputTokens ?? FALLBACK_MAX_OUTPUT,
    };
  }

  /** Live list, fetched at most once per TTL per base URL; undefined when it can't be fetched. */
  async fetchLive(force = false): Promise<ModelInfo[] | undefined> {
    const cached = this.cache();
    if (!force && cached && Date.now() - cached.fetchedAt < CACHE_TTL_MS) return cached.models;
    // A forced fetch (a user action that may just have approved the host) does not settle for a
    // background fetch that started before and failed.
    if (force && this.inflight) {
      const running = await this.inflight;
      if (running) return running;
    }
    this.inflight ??= this.doFetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async doFetch(): Promise<ModelInfo[] | undefined> {
    const conn = await this.connection.connect(false);
    if ('blocked' in conn) return undefined;
    try {
      const models = await conn.client.listModels();
      const entry: ModelCache = { baseUrl: readSettings().baseUrl, fetchedAt: Date.now(), models };
      const changed = JSON.stringify(this.cache()?.models) !== JSON.stringify(models);
      await this.state.update(CACHE_KEY, entry);
      if (changed) this.changed.fire();
      this.log.info(`Model list: ${models.length} models from ${conn.baseUrl.origin}.`);
      return models;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`Model list unavailable, using the built-in catalog: ${message}`);
      return undefined;
    }
  }

  private cache(): ModelCache | undefined {
    const c = this.state.get<ModelCache>(CACHE_KEY);
    if (!c || !Array.isArray(c.models) || c.baseUrl !== readSettings().baseUrl) return undefined;
    return c;
  }

  /** The quick pick: shows cached/catalog models at once, fills in the live list when it arrives. */
  async pick(): Promise<string | undefined> {
    const current = readSettings().model;
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { id: string }>();
    qp.title = vscode.l10n.t('GMI: Select Model');
    qp.placeholder = vscode.l10n.t('Current: {0} — type to filter, or enter any model id', current);
    qp.matchOnDescription = true;
    const setItems = (models: ModelInfo[], live: boolean) => {
      const items = models.map((m) => ({
        id: m.id,
        label: m.id,
        description: [m.id === current ? vscode.l10n.t('current') : undefined, m.contextLength ? vscode.l10n.t('{0} context', formatTokens(m.contextLength)) : undefined]
          .filter(Boolean)
          .join(' · '),
        detail: live ? undefined : vscode.l10n.t('from the built-in catalog'),
      }));
      qp.items = items;
      qp.activeItems = items.filter((i) => i.id === current);
    };
    const cached = this.cache();
    setItems(cached ? mergeWithCatalog(cached.models) : catalogModels(), !!cached);
    qp.busy = true;
    qp.show();
    void this.fetchLive().then((models) => {
      qp.busy = false;
      if (models) setItems(mergeWithCatalog(models), true);
      else if (!cached) qp.placeholder = vscode.l10n.t('Live model list unavailable (no key yet, or offline): showing the built-in catalog');
    });
    const picked = await new Promise<string | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const sel = qp.selectedItems[0]?.id ?? qp.value.trim();
        resolve(sel || undefined);
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
    });
    qp.dispose();
    if (!picked) return undefined;
    if (!picked.includes('/')) {
      void vscode.window.showWarningMessage(vscode.l10n.t('GMI model ids are fully qualified (like anthropic/claude-sonnet-4.5); "{0}" will likely be rejected.', picked));
    }
    await setModel(picked);
    this.refreshStatus();
    return picked;
  }

  dispose(): void {
    clearTimeout(this.statusTimer);
    this.statusItem?.dispose();
    this.changed.dispose();
  }
}

function mergeWithCatalog(live: ModelInfo[]): ModelInfo[] {
  return live.map((m) => {
    const cat = catalogEntry(m.id);
    return { ...m, contextLength: m.contextLength ?? cat?.contextLength, maxOutputTokens: m.maxOutputTokens ?? cat?.maxOutputTokens };
  });
}

export function shortName(model: string): string {
  return model.slice(model.lastIndexOf('/') + 1);
}

export function formatTokens(n: number): string {
  return n >= 1_000_000 ? `${+(n / 1_048_576).toFixed(1)}M` : `${Math.round(n / 1024)}K`;
}
