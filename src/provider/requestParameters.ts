// The sampling and reasoning parameters of a request from VS Code's chat: the settings through the
// one policy the sidebar uses (src/config/requestPolicy.ts), then the few `modelOptions` a caller may
// pass that we honour. What each model family accepts is applied later by src/gmi/modelRules.ts.
// No `vscode` import.
import { parseReasoningEffort, type RequestOptions } from '../config/requestPolicy';

/** Which parameters the caller's `modelOptions` set (they win over the settings). */
export interface CallerSet {
  maxTokens?: true;
  temperature?: true;
  reasoningEffort?: true;
}

/**
 * The caller's `modelOptions` that win over the settings (docs/MODELS.md, "In VS Code's chat"):
 * - `max_tokens`: a positive number (capped by the model's largest reply);
 * - `temperature`: a number from 0 to 2 (the family's range then applies, as for gmi.temperature);
 * - `reasoning_effort`: `low`, `medium` or `high`.
 * Anything else in `modelOptions` is ignored. Extended thinking comes only from gmi.thinking: its
 * budget changes max_tokens and temperature, so a caller cannot half-set it.
 */
export function providerRequestOptions(
  settings: RequestOptions,
  modelOptions: { readonly [name: string]: unknown } | undefined,
  maxOutputTokens: number,
): { options: RequestOptions; caller: CallerSet } {
  const options: RequestOptions = { ...settings };
  const caller: CallerSet = {};
  const maxTokens = modelOptions?.max_tokens;
  if (typeof maxTokens === 'number' && Number.isFinite(maxTokens) && maxTokens > 0) {
    options.maxTokens = Math.floor(maxTokens);
    caller.maxTokens = true;
  }
  const temperature = modelOptions?.temperature;
  if (typeof temperature === 'number' && temperature >= 0 && temperature <= 2) {
    options.temperature = temperature;
    caller.temperature = true;
  }
  const effort = parseReasoningEffort(modelOptions?.reasoning_effort);
  if (effort) {
    options.reasoningEffort = effort;
    caller.reasoningEffort = true;
  }
  if (options.maxTokens !== undefined) options.maxTokens = Math.min(options.maxTokens, maxOutputTokens);
  return { options, caller };
}
