// Settings → the request parameters every caller sends (the sidebar chat, Refactor, VS Code's chat):
// one place, so they all read gmi.maxTokens, gmi.temperature, gmi.thinking and gmi.reasoningEffort
// the same way. What each model family then accepts is src/gmi/modelRules.ts. No `vscode` import.
import type { ChatRequest, ReasoningEffort } from '../gmi/types';

/** The settings this policy reads (a subset of GmiSettings). */
export interface RequestSettings {
  maxTokens?: number;
  temperature?: number;
  thinkingBudgetTokens?: number;
  reasoningEffort?: ReasoningEffort;
}

export type RequestOptions = Pick<ChatRequest, 'maxTokens' | 'temperature' | 'thinkingBudgetTokens' | 'reasoningEffort'>;

/** The request parameters for these settings; unset ones are left out (the model's default). */
export function requestOptions(s: RequestSettings): RequestOptions {
  const out: RequestOptions = {};
  if (s.maxTokens !== undefined) out.maxTokens = s.maxTokens;
  if (s.temperature !== undefined) out.temperature = s.temperature;
  if (s.thinkingBudgetTokens !== undefined) out.thinkingBudgetTokens = s.thinkingBudgetTokens;
  if (s.reasoningEffort !== undefined) out.reasoningEffort = s.reasoningEffort;
  return out;
}

/** Largest thinking budget accepted from the setting (above any model's max output today). */
const MAX_THINKING_BUDGET = 1_000_000;

/**
 * `gmi.thinking`: `off` (or empty) → no extended thinking; a whole number of tokens (a JSON number
 * or digits in a string) → that budget. Anything else is treated as `off`.
 */
export function parseThinking(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Math.min(Math.floor(n), MAX_THINKING_BUDGET);
}

/** `gmi.reasoningEffort`: `low`, `medium` or `high`; empty (or anything else) → the model's default. */
export function parseReasoningEffort(raw: unknown): ReasoningEffort | undefined {
  return raw === 'low' || raw === 'medium' || raw === 'high' ? raw : undefined;
}
