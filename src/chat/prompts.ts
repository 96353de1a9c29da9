// Prompt building: the Markdown messages sent to the model (and shown in the chat) for Ask and
// Explain, and the history a request carries (Refactor's prompt is in src/refactor/refactorPrompt.ts).
// Pure string work, no `vscode`.

import type { TextTurn } from '../gmi/types';
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

/**
 * The history for a request: user messages and finished assistant replies with text (done,
 * stopped or interrupted). Errors, empty replies, failed replies and the reply currently
 * streaming are left out; consecutive same-role turns are merged so roles alternate, and a
 * leading assistant turn is dropped so the history starts with the user.
 */
export function toChatTurns(messages: readonly StoredMessage[]): TextTurn[] {
  const turns: TextTurn[] = [];
  for (const m of messages) {
    let role: TextTurn['role'];
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
