// Prompt building: the Markdown messages sent to the model (and shown in the chat) for Ask,
// Explain and Refactor, and the history a request carries. Pure string work, no `vscode`.

import type { ChatTurn } from '../gmi/types';
import { cutText } from './context';
import type { StoredMessage } from './conversation';

export interface SelectionContext {
  text: string;
  /** Workspace-relative path (or the file name for untitled/outside files). */
  fileName: string;
  languageId: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

export const DEFAULT_REFACTOR_INSTRUCTION = 'Improve readability and naming without changing behaviour';

export const REFACTOR_SYSTEM_PROMPT = [
  'You are a careful refactoring assistant inside a code editor.',
  'You receive lines of code selected from a file and an instruction.',
  'Reply with exactly one fenced code block that contains the complete replacement for the given lines:',
  'every line of the selection, changed or not, so that it can replace them as they are.',
  'Keep the original indentation, including that of the first line, and the file’s style.',
  'Do not change behaviour unless the instruction asks for it.',
  'Write no commentary outside the code block; if something must be said, one short sentence before it.',
].join(' ');

/** Longest run of backticks in `text`. O(n). */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) if (match[0].length > longest) longest = match[0].length;
  return longest;
}

/** An inline code span that `text`'s own backticks can't close early. */
export function inlineCode(text: string): string {
  const ticks = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/**
 * A fenced block whose fence is longer than any backtick run inside the code, so code containing
 * ``` can't close it early. The info string is the language id, restricted to safe characters.
 */
export function fencedBlock(code: string, languageId: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(code) + 1));
  const info = languageId.replace(/[^A-Za-z0-9_+#.-]/g, '');
  const body = code.endsWith('\n') ? code : code + '\n';
  return `${fence}${info}\n${body}${fence}`;
}

function lineRange(sel: SelectionContext): string {
  return sel.startLine === sel.endLine ? `line ${sel.startLine}` : `lines ${sel.startLine}-${sel.endLine}`;
}

/** "`src/a.ts` (typescript, lines 3-9)" */
function describeSelection(sel: SelectionContext): string {
  return `${inlineCode(sel.fileName)} (${sel.languageId}, ${lineRange(sel)})`;
}

function selectionBlock(sel: SelectionContext): string {
  return `From ${describeSelection(sel)}:\n\n${fencedBlock(sel.text, sel.languageId)}`;
}

/**
 * Cuts a selection to `maxTokens` (see cutText) and narrows its line range to what is kept.
 * `notice` is set when it was cut, for the chat to show.
 */
export function fitSelection(sel: SelectionContext, maxTokens: number): { selection: SelectionContext; notice?: string } {
  const cut = cutText(sel.text, maxTokens);
  if (!cut.cut) return { selection: sel };
  let newlines = 0;
  for (let i = cut.text.indexOf('\n'); i !== -1; i = cut.text.indexOf('\n', i + 1)) newlines++;
  return {
    selection: { ...sel, text: cut.text, endLine: Math.min(sel.endLine, sel.startLine + newlines) },
    notice: cut.notice,
  };
}

/** The user message for Ask: the question, then the selection (if any) as a labelled fenced block. */
export function buildAskMessage(question: string, selection?: SelectionContext): string {
  const q = question.trim();
  if (!selection) return q;
  return q ? `${q}\n\n${selectionBlock(selection)}` : selectionBlock(selection);
}

export function buildExplainMessage(sel: SelectionContext): string {
  return (
    `Explain this ${sel.languageId} code from ${inlineCode(sel.fileName)}, ${lineRange(sel)}: ` +
    'what it does, how it works, and anything surprising or risky in it.\n\n' +
    fencedBlock(sel.text, sel.languageId)
  );
}

export function buildRefactorMessage(sel: SelectionContext, instruction: string): string {
  const what = instruction.trim() || DEFAULT_REFACTOR_INSTRUCTION;
  return [
    `Refactor ${lineRange(sel)} of ${inlineCode(sel.fileName)} (${sel.languageId}).`,
    `Instruction: ${what}`,
    'Reply with exactly one fenced code block containing the complete replacement for these lines, ' +
      'with the same indentation as the original. No commentary outside the block.',
    fencedBlock(sel.text, sel.languageId),
  ].join('\n\n');
}

/**
 * The history for a request: user messages and finished assistant replies with text (done,
 * stopped or interrupted). Errors, empty replies, failed replies and the reply currently
 * streaming are left out; consecutive same-role turns are merged so roles alternate, and a
 * leading assistant turn is dropped so the history starts with the user.
 */
export function toChatTurns(messages: readonly StoredMessage[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const m of messages) {
    let role: ChatTurn['role'];
    if (m.role === 'user') {
      if (m.text.trim() === '') continue;
      role = 'user';
    } else if (m.role === 'assistant') {
      if (m.state !== 'done' && m.state !== 'stopped' && m.state !== 'interrupted') continue;
      if (m.text.trim() === '') continue;
      role = 'assistant';
    } else {
      continue;
    }
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content += `\n\n${m.text}`;
    else if (turns.length === 0 && role === 'assistant') continue;
    else turns.push({ role, content: m.text });
  }
  return turns;
}
