// The built-in model catalog (documented in docs/MODELS.md): context window and maximum output per
// model from GMI's public model pages, what each model can take (tool calls, images), and list
// prices for cost estimates. It fills gaps when the live `/models` list says nothing about a model,
// and is the whole list when the live list cannot be fetched. The live list always wins.
import { resolveApi } from './baseUrl';
import type { ModelInfo, Usage, WireApi } from './types';

/** USD per million tokens. */
interface Prices {
  input: number;
  output: number;
  /** Input read from the prompt cache; plain `input` when the vendor lists none. */
  cachedInput?: number;
  /** Input written to the prompt cache (Anthropic's 5-minute write, MiniMax); plain `input` when none. */
  cacheWrite?: number;
  /** Where the numbers were read (a key of PRICE_SOURCES). */
  source: keyof typeof PRICE_SOURCES;
}

interface CatalogRow {
  id: string;
  contextLength: number;
  maxOutputTokens: number;
  toolCalling: boolean;
  imageInput: boolean;
  prices?: Prices;
}

/**
 * The day the prices below were read. They are the model vendors' public list prices, not GMI's
 * (GMI's own per-model prices could not be found in a form we can cite): estimates only.
 */
export const PRICES_AS_OF = '2026-12-01';

export const PRICE_SOURCES = {
  anthropic: 'https://platform.claude.com/docs/en/about-claude/pricing',
  openai: 'https://platform.openai.com/docs/pricing',
  google: 'https://ai.google.dev/gemini-api/docs/pricing',
  deepseek: 'https://api-docs.deepseek.com/quick_start/pricing',
  moonshot: 'https://platform.moonshot.ai/docs/pricing/chat',
  minimax: 'https://platform.minimax.io/docs/guides/pricing',
  zai: 'https://docs.z.ai/guides/overview/pricing',
} as const;

const CATALOG: readonly CatalogRow[] = [
  { id: 'anthropic/claude-opus-4.5', contextLength: 409_600, maxOutputTokens: 32_000, toolCalling: true, imageInput: true, prices: { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25, source: 'anthropic' } },
  { id: 'anthropic/claude-sonnet-4.5', contextLength: 409_600, maxOutputTokens: 32_000, toolCalling: true, imageInput: true, prices: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, source: 'anthropic' } },
  { id: 'anthropic/claude-sonnet-4', contextLength: 409_600, maxOutputTokens: 32_000, toolCalling: true, imageInput: true, prices: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, source: 'anthropic' } },
  { id: 'anthropic/claude-opus-4', contextLength: 409_600, maxOutputTokens: 32_000, toolCalling: true, imageInput: true, prices: { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75, source: 'anthropic' } },
  { id: 'openai/gpt-5.2', contextLength: 409_600, maxOutputTokens: 32_000, toolCalling: true, imageInput: true, prices: { input: 1.75, output: 14, cachedInput: 0.175, source: 'openai' } },
  { id: 'openai/gpt-5.1', contextLength: 409_600, maxOutputTokens: 32_000, toolCalling: true, imageInput: true, prices: { input: 1.25, output: 10, cachedInput: 0.125, source: 'openai' } },
  { id: 'openai/gpt-5', contextLength: 409_600, maxOutputTokens: 32_000, toolCalling: true, imageInput: true, prices: { input: 1.25, output: 10, cachedInput: 0.125, source: 'openai' } },
  { id: 'openai/gpt-4o', contextLength: 131_072, maxOutputTokens: 16_384, toolCalling: true, imageInput: true, prices: { input: 2.5, output: 10, cachedInput: 1.25, source: 'openai' } },
  { id: 'openai/gpt-4o-mini', contextLength: 131_072, maxOutputTokens: 16_384, toolCalling: true, imageInput: true, prices: { input: 0.15, output: 0.6, cachedInput: 0.075, source: 'openai' } },
  { id: 'deepseek-ai/DeepSeek-V3.2', contextLength: 163_840, maxOutputTokens: 16_384, toolCalling: true, imageInput: false, prices: { input: 0.28, output: 0.42, cachedInput: 0.028, source: 'deepseek' } },
  { id: 'deepseek-ai/DeepSeek-V3-0324', contextLength: 163_840, maxOutputTokens: 16_384, toolCalling: true, imageInput: false, prices: { input: 0.27, output: 1.1, cachedInput: 0.07, source: 'deepseek' } },
  { id: 'google/gemini-3-pro-preview', contextLength: 1_048_576, maxOutputTokens: 65_536, toolCalling: true, imageInput: true, prices: { input: 2, output: 12, cachedInput: 0.2, source: 'google' } },
  { id: 'google/gemini-3-flash-preview', contextLength: 1_048_576, maxOutputTokens: 65_536, toolCalling: true, imageInput: true, prices: { input: 0.5, output: 3, cachedInput: 0.05, source: 'google' } },
  { id: 'moonshotai/Kimi-K2-Thinking', contextLength: 262_144, maxOutputTokens: 16_384, toolCalling: true, imageInput: false, prices: { input: 0.6, output: 2.5, cachedInput: 0.15, source: 'moonshot' } },
  { id: 'MiniMaxAI/MiniMax-M2.1', contextLength: 196_608, maxOutputTokens: 16_384, toolCalling: true, imageInput: false, prices: { input: 0.3, output: 1.2, cachedInput: 0.03, cacheWrite: 0.375, source: 'minimax' } },
  { id: 'Qwen/Qwen3-VL-235B-A22B-Instruct-FP8', contextLength: 262_144, maxOutputTokens: 16_384, toolCalling: true, imageInput: true },
  { id: 'zai-org/GLM-4.7-FP8', contextLength: 202_752, maxOutputTokens: 16_384, toolCalling: true, imageInput: false, prices: { input: 0.6, output: 2.2, cachedInput: 0.11, source: 'zai' } },
];

function toInfo(row: CatalogRow): ModelInfo {
  return {
    id: row.id,
    ownedBy: row.id.split('/')[0],
    contextLength: row.contextLength,
    maxOutputTokens: row.maxOutputTokens,
    fromCatalog: true,
  };
}

function findRow(id: string): CatalogRow | undefined {
  return CATALOG.find((r) => r.id === id) ?? CATALOG.find((r) => r.id.toLowerCase() === id.toLowerCase());
}

/** Every catalog model, as ModelInfo (fromCatalog: true). A fresh array each call. */
export function catalogModels(): ModelInfo[] {
  return CATALOG.map(toInfo);
}

/** The catalog entry for a model id (exact match first, then case-insensitive). */
export function catalogEntry(id: string): ModelInfo | undefined {
  const row = findRow(id);
  return row ? toInfo(row) : undefined;
}

/** Families whose every current model takes images (for ids the catalog does not list yet). */
const IMAGE_FAMILIES = [/^anthropic\/claude-/i, /^openai\/gpt-(4o|4\.1|5)/i, /^google\/gemini-/i];
/** An id that says vision: a `VL` or `vision` word, or a version ending in V (GLM-4.5V). */
const VISION_ID = /(^|[^a-z0-9])(vl|vision)([^a-z0-9]|$)|\dv([^a-z0-9]|$)/i;

/**
 * What a model can take. Catalog models: the table in docs/MODELS.md. Any other id: tool calling
 * yes (the server refuses politely if not, while "no" would hide the model from agent use);
 * images only for the families above or an id that says vision.
 */
export function modelCapabilities(modelId: string): { toolCalling: boolean; imageInput: boolean } {
  const row = findRow(modelId);
  if (row) return { toolCalling: row.toolCalling, imageInput: row.imageInput };
  const id = modelId.trim();
  return { toolCalling: true, imageInput: IMAGE_FAMILIES.some((f) => f.test(id)) || VISION_ID.test(id) };
}

const count = (n: number | undefined): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);

/**
 * Estimated cost of one reply in USD, from the catalog's list prices; undefined when the model has
 * none. Counts as each format reports them: Chat Completions' input includes the cached tokens,
 * Messages' input does not (cache reads and writes come on top). `api` defaults to the model's
 * default format (Messages for `anthropic/*`); pass the one the request used when it differs.
 */
export function estimateCost(modelId: string, usage: Usage, api: WireApi = resolveApi(modelId)): { usd: number; pricesAsOf: string } | undefined {
  const prices = findRow(modelId)?.prices;
  if (!prices) return undefined;
  const input = count(usage.inputTokens);
  const cached = count(usage.cachedTokens);
  const written = count(usage.cacheWriteTokens);
  const uncached = api === 'messages' ? input : Math.max(0, input - cached - written);
  const perMillion =
    uncached * prices.input +
    cached * (prices.cachedInput ?? prices.input) +
    written * (prices.cacheWrite ?? prices.input) +
    count(usage.outputTokens) * prices.output;
  return { usd: perMillion / 1_000_000, pricesAsOf: PRICES_AS_OF };
}
