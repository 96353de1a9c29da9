// A GMI model (live /models entry merged with the catalog) → the model VS Code's chat lists.
// No `vscode` import.
import * as l10n from '../l10n';
import type { ModelInfo, WireApi } from '../gmi/types';
import type { LmChatInformation } from './vscodeLm';

export interface ModelCapabilities {
  toolCalling: boolean;
  imageInput: boolean;
}

export interface ModelDefaults {
  /** Context window when neither /models nor the catalog knows it. */
  contextLength: number;
  /** Largest reply when neither knows it. */
  maxOutputTokens: number;
}

const ACRONYMS = new Set(['gpt', 'glm', 'vl', 'oss', 'fp8', 'fp16', 'bf16', 'int4', 'int8', 'awq', 'moe', 'qwq', 'ai']);

/** "anthropic/claude-sonnet-4.5" → "Claude Sonnet 4.5", "openai/gpt-4o-mini" → "GPT-4o Mini". */
export function readableModelName(id: string): string {
  const short = id.slice(id.lastIndexOf('/') + 1).trim();
  const tokens = short.split(/[-_\s]+/).filter(Boolean);
  const words = tokens.map((t) => {
    const lower = t.toLowerCase();
    if (ACRONYMS.has(lower)) return t.toUpperCase();
    if (/^[a-z]\d/.test(t)) return t[0].toUpperCase() + t.slice(1); // v3 → V3, r1 → R1, k2 → K2
    if (/^\d+(\.\d+)?[bkm]$/.test(t)) return t.toUpperCase(); // 120b → 120B
    if (/^[a-z]+$/.test(t)) return t[0].toUpperCase() + t.slice(1);
    return t;
  });
  let name = '';
  words.forEach((w, i) => {
    // "GPT-4o", "GPT-5.1": OpenAI keeps the hyphen before the version.
    const glue = i === 0 ? '' : words[i - 1] === 'GPT' && /^\d/.test(w) ? '-' : ' ';
    name += glue + w;
  });
  return name || id;
}

function formatTokens(n: number): string {
  return n >= 1_000_000 ? `${+(n / 1_048_576).toFixed(1)}M` : `${Math.round(n / 1024)}K`;
}

/**
 * The limits VS Code budgets with: the context window holds prompt and reply, so the prompt gets
 * the window minus the model's largest reply (at least half of it).
 */
export function modelLimits(model: ModelInfo, defaults: ModelDefaults): { maxInputTokens: number; maxOutputTokens: number; contextLength: number } {
  const contextLength = model.contextLength ?? defaults.contextLength;
  const maxOutputTokens = Math.min(model.maxOutputTokens ?? defaults.maxOutputTokens, contextLength);
  const maxInputTokens = Math.max(contextLength - maxOutputTokens, Math.floor(contextLength / 2));
  return { maxInputTokens, maxOutputTokens, contextLength };
}

export function toChatInformation(model: ModelInfo, caps: ModelCapabilities, api: WireApi, defaults: ModelDefaults): LmChatInformation {
  const { maxInputTokens, maxOutputTokens, contextLength } = modelLimits(model, defaults);
  const short = model.id.slice(model.id.lastIndexOf('/') + 1);
  const abilities = caps.toolCalling && caps.imageInput ? l10n.t('tools and images') : caps.toolCalling ? l10n.t('tools') : caps.imageInput ? l10n.t('images') : '';
  const apiName = api === 'messages' ? l10n.t('Messages API') : l10n.t('Chat Completions API');
  return {
    id: model.id,
    name: readableModelName(model.id),
    family: short.toLowerCase(),
    version: model.id,
    detail: l10n.t('{0} context', formatTokens(contextLength)),
    tooltip: [
      l10n.t('{0} on GMI Cloud: {1} tokens of context, replies up to {2}', model.id, formatTokens(contextLength), formatTokens(maxOutputTokens)),
      abilities,
      model.fromCatalog ? l10n.t('{0} (limits from the built-in catalog)', apiName) : apiName,
    ]
      .filter(Boolean)
      .join('; ') + '.',
    maxInputTokens,
    maxOutputTokens,
    capabilities: { toolCalling: caps.toolCalling, imageInput: caps.imageInput },
  };
}
