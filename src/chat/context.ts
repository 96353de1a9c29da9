// Context budgets: how much history, selection and attachments fit in a model's context window.
// The rule (documented in the README, "What is sent"): the system prompt and the reply's max tokens
// are reserved first; the rest holds, in this order of priority: the newest question's own text
// (cut with a visible notice only if it alone is too large), its attachments (fitAttachments:
// smaller ones whole, larger ones cut to a fair share, keeping their first lines), then the older
// turns, newest first, each whole (with its attachments as they were sent) or left out.

import * as l10n from '../l10n';
import type { ChatTurn } from '../gmi/types';

/** ASCII characters per token we assume. Real tokenizers average ~4 for English and code; 3 errs on the safe side. */
const CHARS_PER_TOKEN = 3;
/** Role markers and message framing each turn costs on the wire. */
const TURN_OVERHEAD_TOKENS = 4;
/** Head-room for the estimate's error and the request's own framing. */
const SAFETY_FRACTION = 0.05;
/** Room for the "[… was cut …]" note added to a cut question. */
const NOTICE_TOKENS = 50;
/**
 * What one image is counted as. Providers charge by pixels (Anthropic: width × height / 750, at
 * most ~1,600 for an image they do not scale down); images are never cut, so the estimate is high.
 */
export const IMAGE_TOKENS = 1_600;
/** An attachment whose share of the room is smaller than this is left out rather than cut to a stub. */
export const MIN_ATTACHMENT_TOKENS = 200;
/** Tokens each attachment's label line and fences cost. */
export const ATTACHMENT_FRAME_TOKENS = 40;

/**
 * A cheap, conservative token count: 3 ASCII characters per token, and a whole token for every
 * other UTF-16 unit (CJK, emoji and accented text tokenize far worse than English). One pass, no parsing.
 */
export function estimateTokens(text: string): number {
  let nonAscii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) nonAscii++;
  return Math.ceil((text.length - nonAscii) / CHARS_PER_TOKEN) + nonAscii;
}

/** The longest prefix length whose estimateTokens is at most `maxTokens`. O(prefix). */
function prefixWithin(text: string, maxTokens: number): number {
  // In thirds of a token: ASCII costs 1, anything else 3.
  const budget = maxTokens * CHARS_PER_TOKEN;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    used += text.charCodeAt(i) > 0x7f ? CHARS_PER_TOKEN : 1;
    if (used > budget) return i;
  }
  return text.length;
}

/**
 * Tokens left for the conversation history. Reserves the reply (`maxOutputTokens`, at most half the
 * window so a model that reports max output = context still gets room for input), the system
 * prompt, and a 5% margin. Never negative.
 */
export function contextBudget(contextLength: number, maxOutputTokens: number, systemPrompt: string): number {
  if (!Number.isFinite(contextLength) || contextLength <= 0) return 0;
  const output = Math.min(Math.max(0, maxOutputTokens || 0), Math.floor(contextLength / 2));
  const margin = Math.ceil(contextLength * SAFETY_FRACTION);
  return Math.max(0, Math.floor(contextLength - output - margin - estimateTokens(systemPrompt)));
}

export interface CutResult {
  text: string;
  cut: boolean;
  notice?: string;
}

/** 1234567 → "1,234,567" without depending on the runtime's locale data. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Lines in a text; a trailing newline ends the last line rather than starting a new one. O(n). */
export function countLines(text: string): number {
  if (text === '') return 0;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines - 1 : lines;
}

/**
 * Cuts `text` to at most `maxTokens` (by estimateTokens), keeping the start. One pass and slices
 * only, so a 5 MB selection is cheap. Cuts at the last line break in the second half of the
 * allowance so whole lines are kept; a giant line is cut mid-line (never inside a surrogate pair).
 * `what` names the text in the notice ("Selection", "Message").
 */
export function cutText(text: string, maxTokens: number, what = l10n.t('Selection')): CutResult {
  const limit = prefixWithin(text, Math.max(0, Math.floor(maxTokens)));
  if (limit === text.length) return { text, cut: false };

  const lineBreak = text.lastIndexOf('\n', limit - 1);
  if (lineBreak >= 0 && lineBreak >= limit / 2) {
    const kept = text.slice(0, lineBreak); // whole lines; the newline itself is dropped
    return {
      text: kept,
      cut: true,
      notice: l10n.t("{0} was cut to the first {1} of {2} lines to fit the model's context.", what, formatCount(countLines(kept)), formatCount(countLines(text))),
    };
  }
  // No line break near the limit: cut mid-line, and count characters since lines say too little.
  let end = limit;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // don't split a surrogate pair
  const kept = text.slice(0, end);
  return {
    text: kept,
    cut: true,
    notice: l10n.t("{0} was cut to the first {1} of {2} characters to fit the model's context.", what, formatCount(kept.length), formatCount(text.length)),
  };
}

export interface FitResult<T extends ChatTurn = ChatTurn> {
  turns: T[];
  /** How many of the given turns were left out (oldest first). */
  dropped: number;
  /** Set when the newest question itself had to be cut. */
  notice?: string;
}

/** The text a turn's content costs: a plain string, or its text parts. */
function contentText(content: ChatTurn['content']): string {
  return typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : p.type === 'toolResult' ? p.content : '')).join('');
}

/** A turn's estimated tokens: its text, IMAGE_TOKENS per image, and the turn's framing. */
export function turnCost(turn: ChatTurn): number {
  const images = typeof turn.content === 'string' ? 0 : turn.content.filter((p) => p.type === 'image').length;
  return estimateTokens(contentText(turn.content)) + images * IMAGE_TOKENS + TURN_OVERHEAD_TOKENS;
}

export interface AttachmentFit {
  /** The text to send: whole, cut, or '' when left out. */
  text: string;
  cut: boolean;
  leftOut: boolean;
  /** For the chat (above the reply) and the model (next to the block), when cut or left out. */
  notice?: string;
}

/**
 * Fits a question's text attachments into `budgetTokens` (what is left after the question's own
 * text and images): attachments that fit an equal share of the room are kept whole, smallest first,
 * and what they leave is shared equally by the larger ones, each cut to its share keeping its first
 * lines (cutText). An attachment whose share is under MIN_ATTACHMENT_TOKENS is left out. Each costs
 * ATTACHMENT_FRAME_TOKENS for its label and fences. Results are in the given order.
 */
export function fitAttachments(items: ReadonlyArray<{ name: string; text: string }>, budgetTokens: number): AttachmentFit[] {
  const costs = items.map((a) => estimateTokens(a.text));
  const order = items.map((_, i) => i).sort((a, b) => costs[a] - costs[b]);
  const fits: AttachmentFit[] = new Array(items.length);
  let room = Math.max(0, Math.floor(budgetTokens));
  let left = items.length;
  for (const i of order) {
    const share = Math.floor(room / left) - ATTACHMENT_FRAME_TOKENS;
    left--;
    const { name, text } = items[i];
    if (costs[i] <= share) {
      fits[i] = { text, cut: false, leftOut: false };
      room -= costs[i] + ATTACHMENT_FRAME_TOKENS;
    } else if (share < MIN_ATTACHMENT_TOKENS) {
      fits[i] = { text: '', cut: false, leftOut: true, notice: l10n.t("{0} was left out: it does not fit the model's context.", name) };
    } else {
      const cut = cutText(text, share - NOTICE_TOKENS, name);
      fits[i] = { text: cut.text, cut: true, leftOut: false, notice: cut.notice };
      room -= estimateTokens(cut.text) + ATTACHMENT_FRAME_TOKENS;
    }
  }
  return fits;
}

/**
 * Fits the history into `budgetTokens`: drops the OLDEST turns first, always keeps the newest user
 * turn (and anything after it), cutting it with a notice when it alone is too large, and makes the
 * first kept turn a user turn so alternation stays valid. Expects alternating input (see toChatTurns).
 */
export function fitHistory<T extends ChatTurn>(turns: T[], budgetTokens: number): FitResult<T> {
  let newestUser = -1;
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i].role === 'user') {
      newestUser = i;
      break;
    }
  }
  if (newestUser < 0) return { turns: [], dropped: turns.length };

  const tail = turns.slice(newestUser).map((t) => ({ ...t }));
  let used = tail.reduce((sum, t) => sum + turnCost(t), 0);
  let notice: string | undefined;
  const question = tail[0];
  const textPart = typeof question.content === 'string' ? -1 : question.content.findIndex((p) => p.type === 'text');
  if (used > budgetTokens && (typeof question.content === 'string' || textPart >= 0)) {
    // Cut the question's text itself (its images are never cut); what comes after it (rare) is kept whole.
    const text = typeof question.content === 'string' ? question.content : (question.content[textPart] as { text: string }).text;
    const others = used - estimateTokens(text);
    const room = Math.max(0, budgetTokens - others - NOTICE_TOKENS);
    const cut = cutText(text, room, l10n.t('Message'));
    if (cut.cut) {
      notice = cut.notice;
      // Tell the model too, so it doesn't take the cut text for the whole question.
      const content = `${cut.text}\n\n[${cut.notice}]`;
      if (typeof question.content === 'string') tail[0] = { ...question, content };
      else tail[0] = { ...question, content: question.content.map((p, i) => (i === textPart ? { type: 'text', text: content } : p)) };
    }
    used = tail.reduce((sum, t) => sum + turnCost(t), 0);
  }

  let start = newestUser;
  // Once the question itself was cut, no older turn may take space from it.
  while (start > 0 && notice === undefined) {
    const cost = turnCost(turns[start - 1]);
    if (used + cost > budgetTokens) break;
    used += cost;
    start--;
  }
  // The first kept turn must be a user turn.
  while (start < newestUser && turns[start].role !== 'user') start++;

  const kept = [...turns.slice(start, newestUser), ...tail];
  const result: FitResult<T> = { turns: kept, dropped: start };
  if (notice) result.notice = notice;
  return result;
}
