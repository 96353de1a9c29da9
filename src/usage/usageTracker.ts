// Session totals of tokens and estimated cost per model, for requests from VS Code's chat (VS Code
// shows no usage for third-party providers). No `vscode` import: the status bar item lives in
// usageStatus.ts; the formatting here is tested in plain Node.
import { replyUsage } from '../chat/replyUsage';
import * as l10n from '../l10n';
import type { Usage, WireApi } from '../gmi/types';

export interface Cost {
  usd: number;
  /** The date the catalog's prices were read (ISO). */
  pricesAsOf: string;
}

export interface UsageRecord {
  model: string;
  /**
   * Counted the same way for both wire formats, as under a sidebar reply (usageRecord):
   * `inputTokens` is the whole prompt, cache reads and writes included.
   */
  usage: Usage;
  /** undefined: no price known for this model (or no usage reported). */
  cost?: Cost;
}

/**
 * One response's usage as the server reported it in the format `api` → a record: normalised and
 * priced by the sidebar's reply footer (replyUsage: Messages' input_tokens leave out cache reads
 * and writes, which are added; the cost from estimateCost(model, usage, api)). Undefined when the
 * server reported nothing.
 */
export function usageRecord(model: string, api: WireApi, reported: Usage): UsageRecord | undefined {
  const view = replyUsage(model, api, reported);
  if (!view) return undefined;
  const { costUsd, pricesAsOf, ...usage } = view;
  return { model, usage, ...(costUsd !== undefined && pricesAsOf ? { cost: { usd: costUsd, pricesAsOf } } : {}) };
}

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  /** Sum of the known costs. */
  usd: number;
  /** Requests whose cost is not known (no price, or no usage reported). */
  unpriced: number;
  pricesAsOf?: string;
}

export interface ModelTotals extends UsageTotals {
  model: string;
}

const empty = (): UsageTotals => ({ requests: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, usd: 0, unpriced: 0 });

function add(t: UsageTotals, r: UsageRecord): void {
  t.requests++;
  t.inputTokens += r.usage.inputTokens ?? 0;
  t.outputTokens += r.usage.outputTokens ?? 0;
  t.cachedTokens += r.usage.cachedTokens ?? 0;
  t.cacheWriteTokens += r.usage.cacheWriteTokens ?? 0;
  if (r.cost) {
    t.usd += r.cost.usd;
    if (!t.pricesAsOf || r.cost.pricesAsOf > t.pricesAsOf) t.pricesAsOf = r.cost.pricesAsOf;
  } else t.unpriced++;
}

export class UsageTracker {
  private readonly byModel = new Map<string, ModelTotals>();
  private readonly total = empty();
  private readonly listeners = new Set<() => void>();

  record(r: UsageRecord): void {
    let m = this.byModel.get(r.model);
    if (!m) this.byModel.set(r.model, (m = { model: r.model, ...empty() }));
    add(m, r);
    add(this.total, r);
    for (const l of this.listeners) l();
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  totals(): UsageTotals {
    return { ...this.total };
  }

  models(): ModelTotals[] {
    return [...this.byModel.values()].map((m) => ({ ...m })).sort((a, b) => a.model.localeCompare(b.model));
  }
}

const count = new Intl.NumberFormat('en-US');

/** "$0.0042", "$1.23", "<$0.0001". */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.0001) return '<$0.0001';
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/** "12.3K", "1.2M", "950". */
export function formatCount(n: number): string {
  if (n >= 1_000_000) return `${+(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000) return `${+(n / 1_000).toFixed(1)}K`;
  return String(n);
}

/** The GMI log line for one response. */
export function usageLogLine(r: UsageRecord): string {
  const u = r.usage;
  const parts = [`${count.format(u.inputTokens ?? 0)} in`];
  if (u.cachedTokens) parts[0] += ` (${count.format(u.cachedTokens)} cached)`;
  if (u.cacheWriteTokens) parts.push(`${count.format(u.cacheWriteTokens)} written to cache`);
  parts.push(`${count.format(u.outputTokens ?? 0)} out`);
  if (u.reasoningTokens) parts.push(`${count.format(u.reasoningTokens)} reasoning`);
  const cost = r.cost ? `~${formatUsd(r.cost.usd)} (prices as of ${r.cost.pricesAsOf})` : 'cost unknown (no price for this model)';
  return `Usage (VS Code chat) ${r.model}: ${parts.join(' · ')} · ${cost}`;
}

/** Status bar text: the session's estimated cost, or its tokens when no cost is known. */
export function statusText(t: UsageTotals): string {
  if (t.requests > t.unpriced) return `$(pulse) ${l10n.t('GMI ~{0}', formatUsd(t.usd))}`;
  return `$(pulse) ${l10n.t('GMI {0} tokens', formatCount(t.inputTokens + t.outputTokens))}`;
}

const cell = (s: string) => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);

/** Markdown tooltip: one row per model, then the totals and what the numbers are. */
export function usageTooltip(models: readonly ModelTotals[], total: UsageTotals): string {
  const cost = (t: UsageTotals) =>
    t.requests === t.unpriced ? l10n.t('unknown') : t.unpriced ? l10n.t('~{0} + {1} unpriced', formatUsd(t.usd), t.unpriced) : `~${formatUsd(t.usd)}`;
  const row = (name: string, t: UsageTotals) =>
    `| ${name} | ${t.requests} | ${count.format(t.inputTokens)} | ${count.format(t.cachedTokens)} | ${count.format(t.outputTokens)} | ${cost(t)} |`;
  const asOf = models.map((m) => m.pricesAsOf).filter((d): d is string => !!d).sort().pop();
  return [
    `**${l10n.t('GMI usage in VS Code’s chat, this session')}**`,
    '',
    `| ${[l10n.t('Model'), l10n.t('Requests'), l10n.t('Input'), l10n.t('Cached'), l10n.t('Output'), l10n.t('Cost')].join(' | ')} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...models.map((m) => row(cell(m.model), m)),
    ...(models.length > 1 ? [row(`**${l10n.t('Total')}**`, total)] : []),
    '',
    asOf
      ? l10n.t('Costs are estimates from GMI’s list prices as of {0}; your invoice is authoritative. Click for the GMI log (one line per response).', asOf)
      : l10n.t('Costs are estimates from GMI’s list prices; your invoice is authoritative. Click for the GMI log (one line per response).'),
  ].join('\n');
}
