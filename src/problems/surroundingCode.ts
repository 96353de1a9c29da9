// Which lines go to the model with a problem (Fix with GMI, Explain this problem). Pure, no `vscode`.
//
// The rule (README, "Fix with GMI"):
// 1. the smallest function-like symbol (function, method, constructor) that contains the problem,
//    when the language reports symbols (within 3 s), it has at most MAX_SYMBOL_LINES lines, and it fits
//    the budget;
// 2. otherwise the problem's lines with up to CONTEXT_LINES lines above and below (clamped to the file);
// 3. when those do not fit the budget, the lines nearest the problem are kept: starting from the
//    problem's own lines, lines are taken alternately above and below (the side with fewer so far
//    first) until the next one on a side would not fit. When the problem's lines alone do not fit,
//    there is nothing sensible to send (undefined).
// Blank lines at the edges of the lines (2, 3) are left out.
import { estimateTokens } from '../chat/context';

/** Lines of a file, 0-based and inclusive. */
export interface LineSpan {
  start: number;
  end: number;
}

/** Lines sent around the problem when no enclosing function is used. */
export const CONTEXT_LINES = 30;
/** A longer enclosing function is not sent whole (the ±30 lines are). */
export const MAX_SYMBOL_LINES = 300;

export interface SurroundingCode {
  span: LineSpan;
  /** Which part of the rule chose the lines. */
  rule: 'function' | 'lines';
  /** Set when fewer lines than the rule's were kept, to fit the budget (rule 3). */
  cut: boolean;
}

/** The smallest of `spans` that contains `problem` (ties: the later, i.e. innermost, one). */
export function smallestEnclosing(spans: readonly LineSpan[], problem: LineSpan): LineSpan | undefined {
  let best: LineSpan | undefined;
  for (const s of spans) {
    if (s.start > problem.start || s.end < problem.end) continue;
    if (!best || s.end - s.start <= best.end - best.start) best = s;
  }
  return best;
}

/** Tokens the lines cost as one text (each line plus its line break). */
function spanTokens(lineAt: (n: number) => string, span: LineSpan): number {
  let tokens = 0;
  for (let n = span.start; n <= span.end; n++) tokens += estimateTokens(lineAt(n)) + 1;
  return tokens;
}

/**
 * The lines to send for a problem on `problem`'s lines of a file with `lineCount` lines (see the rule
 * above). `lineAt(n)` gives line n's text; only lines near the problem are read.
 */
export function surroundingCode(
  lineAt: (n: number) => string,
  lineCount: number,
  problem: LineSpan,
  enclosingFunction: LineSpan | undefined,
  budgetTokens: number,
): SurroundingCode | undefined {
  const last = Math.max(0, lineCount - 1);
  const own: LineSpan = { start: clamp(problem.start, 0, last), end: clamp(Math.max(problem.start, problem.end), 0, last) };
  const ownTokens = spanTokens(lineAt, own);
  if (ownTokens > budgetTokens) return undefined;

  if (enclosingFunction && enclosingFunction.end - enclosingFunction.start + 1 <= MAX_SYMBOL_LINES) {
    const fn: LineSpan = { start: clamp(enclosingFunction.start, 0, own.start), end: clamp(enclosingFunction.end, own.end, last) };
    if (spanTokens(lineAt, fn) <= budgetTokens) return { span: fn, rule: 'function', cut: false };
  }

  // Grow outwards from the problem, one line above then one below, while the budget allows.
  let used = ownTokens;
  let start = own.start;
  let end = own.end;
  const top = Math.max(0, own.start - CONTEXT_LINES);
  const bottom = Math.min(last, own.end + CONTEXT_LINES);
  let cut = false;
  let canUp = start > top;
  let canDown = end < bottom;
  while (canUp || canDown) {
    // Prefer the side with fewer lines taken so far, so a cut drops the far end of the longer side.
    const up = canUp && (!canDown || own.start - start <= end - own.end);
    const n = up ? start - 1 : end + 1;
    const cost = estimateTokens(lineAt(n)) + 1;
    if (used + cost > budgetTokens) {
      cut = true;
      if (up) canUp = false;
      else canDown = false;
      continue;
    }
    used += cost;
    if (up) {
      start = n;
      canUp = start > top;
    } else {
      end = n;
      canDown = end < bottom;
    }
  }
  // Blank lines at the edges say nothing.
  while (start < own.start && lineAt(start).trim() === '') start++;
  while (end > own.end && lineAt(end).trim() === '') end--;
  return { span: { start, end }, rule: 'lines', cut };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}
