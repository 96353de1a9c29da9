// The built-in model catalog: context window and maximum output per model, from GMI's public
// model pages. It fills gaps when the live `/models` list says nothing about a model, and is the
// whole list when the live list cannot be fetched. The live list always wins.
import type { ModelInfo } from './types';

interface CatalogRow {
  id: string;
  contextLength: number;
  maxOutputTokens: number;
  vision?: boolean;
}

const CATALOG: readonly CatalogRow[] = [
  { id: 'anthropic/claude-opus-4.5', contextLength: 409_600, maxOutputTokens: 32_000 },
  { id: 'anthropic/claude-sonnet-4.5', contextLength: 409_600, maxOutputTokens: 32_000 },
  { id: 'anthropic/claude-sonnet-4', contextLength: 409_600, maxOutputTokens: 32_000 },
  { id: 'anthropic/claude-opus-4', contextLength: 409_600, maxOutputTokens: 32_000 },
  { id: 'openai/gpt-5.2', contextLength: 409_600, maxOutputTokens: 32_000 },
  { id: 'openai/gpt-5.1', contextLength: 409_600, maxOutputTokens: 32_000 },
  { id: 'openai/gpt-5', contextLength: 409_600, maxOutputTokens: 32_000 },
  { id: 'openai/gpt-4o', contextLength: 131_072, maxOutputTokens: 16_384 },
  { id: 'openai/gpt-4o-mini', contextLength: 131_072, maxOutputTokens: 16_384 },
  { id: 'deepseek-ai/DeepSeek-V3.2', contextLength: 163_840, maxOutputTokens: 16_384 },
  { id: 'deepseek-ai/DeepSeek-V3-0324', contextLength: 163_840, maxOutputTokens: 16_384 },
  { id: 'google/gemini-3-pro-preview', contextLength: 1_048_576, maxOutputTokens: 65_536 },
  { id: 'google/gemini-3-flash-preview', contextLength: 1_048_576, maxOutputTokens: 65_536 },
  { id: 'moonshotai/Kimi-K2-Thinking', contextLength: 262_144, maxOutputTokens: 16_384 },
  { id: 'MiniMaxAI/MiniMax-M2.1', contextLength: 196_608, maxOutputTokens: 16_384 },
  { id: 'Qwen/Qwen3-VL-235B-A22B-Instruct-FP8', contextLength: 262_144, maxOutputTokens: 16_384, vision: true },
  { id: 'zai-org/GLM-4.7-FP8', contextLength: 202_752, maxOutputTokens: 16_384 },
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

/** Every catalog model, as ModelInfo (fromCatalog: true). A fresh array each call. */
export function catalogModels(): ModelInfo[] {
  return CATALOG.map(toInfo);
}

/** The catalog entry for a model id (exact match first, then case-insensitive). */
export function catalogEntry(id: string): ModelInfo | undefined {
  const row = CATALOG.find((r) => r.id === id) ?? CATALOG.find((r) => r.id.toLowerCase() === id.toLowerCase());
  return row ? toInfo(row) : undefined;
}
