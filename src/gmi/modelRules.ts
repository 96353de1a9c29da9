// Which request parameters each model family on GMI takes, in one table (documented in
// docs/MODELS.md, "Request parameters per family"). Both wire builders apply it, so every caller —
// the sidebar chat, Refactor, VS Code's chat — sends requests the model accepts, whatever the
// settings say. What a rule changed is returned as notes for the log.
import { catalogEntry } from './catalog';
import type { ChatRequest, ChatTurn, ReasoningEffort, WireApi } from './types';

export interface FamilyRule {
  /** Name used in the docs and the log. */
  family: string;
  /** Model ids of the family (the first rule that matches wins; the last matches every id). */
  match: RegExp;
  /** The temperatures the family takes; undefined: it takes none, so the parameter is left out. */
  temperature?: { min: number; max: number };
  /** Chat Completions' name for the reply limit. */
  tokenLimitField: 'max_tokens' | 'max_completion_tokens';
  /** Takes `reasoning_effort` (Chat Completions). */
  reasoningEffort: boolean;
  /** Takes extended thinking, `thinking: {type: "enabled", budget_tokens}` (Messages). */
  extendedThinking: boolean;
  /** Takes `cache_control` markers (Messages). */
  promptCaching: boolean;
}

/** The table. Order matters: the first match wins. */
export const FAMILY_RULES: readonly FamilyRule[] = [
  {
    family: 'Claude',
    match: /^anthropic\/claude-/i,
    temperature: { min: 0, max: 1 },
    tokenLimitField: 'max_tokens',
    reasoningEffort: false,
    extendedThinking: true,
    promptCaching: true,
  },
  {
    // gpt-5 chat variants (gpt-5-chat, gpt-5.1-chat) are not reasoning models: they fall through
    family: 'OpenAI reasoning (gpt-5*, o-series)',
    match: /^openai\/(gpt-5(?![.\d]*-chat)|o\d)/i,
    tokenLimitField: 'max_completion_tokens',
    reasoningEffort: true,
    extendedThinking: false,
    promptCaching: false,
  },
  {
    family: 'gpt-oss',
    match: /^openai\/gpt-oss/i,
    temperature: { min: 0, max: 2 },
    tokenLimitField: 'max_tokens',
    reasoningEffort: true,
    extendedThinking: false,
    promptCaching: false,
  },
  {
    family: 'other models',
    match: /^/,
    temperature: { min: 0, max: 2 },
    tokenLimitField: 'max_tokens',
    reasoningEffort: false,
    extendedThinking: false,
    promptCaching: false,
  },
];

export function familyRule(model: string): FamilyRule {
  const id = model.trim();
  return FAMILY_RULES.find((r) => r.match.test(id)) ?? FAMILY_RULES[FAMILY_RULES.length - 1];
}

/** The reply limit when neither the request nor the catalog says anything. */
export const DEFAULT_MAX_TOKENS = 8192;
/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;
/** Room for the answer when max_tokens must grow past the thinking budget. */
const ANSWER_ROOM = 4096;

/**
 * The reply limit sent on both endpoints, and the thinking budget made consistent with it: the
 * request's maxTokens capped by the catalog's max output, or the catalog's max output when the
 * request has none (8192 for models the catalog does not know). With thinking, max_tokens must
 * exceed the budget, so it grows (within the catalog limit) or the budget shrinks.
 */
export function replyTokenLimits(req: Pick<ChatRequest, 'model' | 'maxTokens' | 'thinkingBudgetTokens'>): {
  maxTokens: number;
  thinkingBudget?: number;
} {
  const modelMax = catalogEntry(req.model)?.maxOutputTokens;
  let maxTokens = modelMax ?? DEFAULT_MAX_TOKENS;
  if (req.maxTokens !== undefined && req.maxTokens > 0) {
    maxTokens = modelMax !== undefined ? Math.min(req.maxTokens, modelMax) : req.maxTokens;
  }
  maxTokens = Math.max(1, Math.floor(maxTokens));
  if (req.thinkingBudgetTokens === undefined || req.thinkingBudgetTokens <= 0) return { maxTokens };
  let budget = Math.max(MIN_THINKING_BUDGET, Math.floor(req.thinkingBudgetTokens));
  if (maxTokens <= budget) {
    const wanted = budget + ANSWER_ROOM;
    maxTokens = modelMax !== undefined ? Math.min(wanted, modelMax) : wanted;
  }
  if (maxTokens <= budget) budget = maxTokens - 1;
  return { maxTokens, thinkingBudget: budget };
}

/** The sampling and reasoning parameters one request carries, after the family's rules. */
export interface RequestParameters {
  rule: FamilyRule;
  /** Always set: Messages requires it, and Chat Completions gets the same limit. */
  maxTokens: number;
  temperature?: number;
  /** Messages only. */
  thinkingBudget?: number;
  /** Chat Completions only. */
  reasoningEffort?: ReasoningEffort;
  /** What the rules changed or left out, for the log. */
  notes: string[];
}

/** Applies the family's rules to a request's parameters for the wire format `api`. */
export function requestParameters(req: ChatRequest, api: WireApi = req.api): RequestParameters {
  const rule = familyRule(req.model);
  const notes: string[] = [];
  const thinkingWanted = req.thinkingBudgetTokens !== undefined && req.thinkingBudgetTokens > 0;
  let thinking = thinkingWanted && api === 'messages' && rule.extendedThinking;
  if (thinkingWanted && !thinking) {
    notes.push(`gmi.thinking is not sent: ${req.model} on ${api === 'messages' ? 'Messages' : 'Chat Completions'} takes no extended-thinking budget.`);
  }
  if (thinking && !toolTurnKeepsThinking(req.messages)) {
    // Anthropic would answer 400 ("Expected `thinking` or `redacted_thinking`, but found `tool_use`").
    thinking = false;
    notes.push('gmi.thinking is not sent with this request: the last assistant turn with tool calls came back without its signed thinking block, which Anthropic requires when extended thinking is on.');
  }
  const limits = replyTokenLimits({ ...req, thinkingBudgetTokens: thinking ? req.thinkingBudgetTokens : undefined });
  const out: RequestParameters = { rule, maxTokens: limits.maxTokens, notes };
  if (limits.thinkingBudget !== undefined) out.thinkingBudget = limits.thinkingBudget;

  if (req.temperature !== undefined && Number.isFinite(req.temperature)) {
    const range = rule.temperature;
    if (!range) {
      notes.push(`temperature ${req.temperature} is not sent: ${rule.family} models take none.`);
    } else if (out.thinkingBudget !== undefined) {
      notes.push(`temperature ${req.temperature} is not sent: extended thinking requires the default.`);
    } else if (req.temperature < range.min || req.temperature > range.max) {
      const clamped = Math.min(range.max, Math.max(range.min, req.temperature));
      notes.push(`temperature ${req.temperature} is outside ${range.min}–${range.max} for ${rule.family} models; sent ${clamped}.`);
      out.temperature = clamped;
    } else {
      out.temperature = req.temperature;
    }
  }

  if (req.reasoningEffort !== undefined) {
    if (api === 'chatCompletions' && rule.reasoningEffort) out.reasoningEffort = req.reasoningEffort;
    else notes.push(`gmi.reasoningEffort is not sent: ${req.model} on ${api === 'messages' ? 'Messages' : 'Chat Completions'} takes no reasoning_effort.`);
  }
  return out;
}

/**
 * With extended thinking on, Anthropic requires the last assistant turn, when it made tool calls, to
 * start with its thinking block, signed as it came (or a redacted_thinking block). False when that
 * turn has tool calls and no such block; true otherwise.
 */
export function toolTurnKeepsThinking(messages: readonly ChatTurn[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    const turn = messages[i];
    if (turn.role !== 'assistant') continue;
    if (typeof turn.content === 'string' || !turn.content.some((p) => p.type === 'toolCall')) return true;
    return turn.content.some((p) => (p.type === 'thinking' && p.signature !== '') || p.type === 'redactedThinking');
  }
  return true;
}
