// A reply's usage as stored with it (and shown under it): the client's Usage (counted as each wire format reports it)
// → one shape for both formats, with the estimated cost where the catalog has prices.
import { estimateCost } from '../gmi/catalog';
import type { Usage, WireApi } from '../gmi/types';
import type { ReplyUsage } from './storedMessage';

/**
 * Chat Completions' `prompt_tokens` already include the cached tokens; Messages' `input_tokens`
 * do not (cache reads and writes come on top), so for Messages they are added: "in" is always the
 * whole prompt. Undefined when the server reported nothing.
 */
export function replyUsage(model: string, api: WireApi, usage: Usage): ReplyUsage | undefined {
  const view: ReplyUsage = {};
  const cached = usage.cachedTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  if (usage.inputTokens !== undefined) view.inputTokens = api === 'messages' ? usage.inputTokens + cached + written : usage.inputTokens;
  if (usage.outputTokens !== undefined) view.outputTokens = usage.outputTokens;
  if (cached > 0) view.cachedTokens = cached;
  if (written > 0) view.cacheWriteTokens = written;
  if (usage.reasoningTokens) view.reasoningTokens = usage.reasoningTokens;
  if (view.inputTokens === undefined && view.outputTokens === undefined) return undefined;
  const cost = estimateCost(model, usage, api);
  if (cost) {
    view.costUsd = cost.usd;
    view.pricesAsOf = cost.pricesAsOf;
  }
  return view;
}
