// Prompt building: the Markdown messages sent to the model (and shown in the chat) for Ask and
// Explain, and the history a request carries (Refactor's prompt is in src/refactor/refactorPrompt.ts).
// Pure string work, no `vscode`.

import type { Attachment, TextAttachment } from '../attachments/attachment';
import type { ChatTurn, ContentPart } from '../gmi/types';
import { cutText, type AttachmentFit } from './context';
import type { StoredMessage } from './storedMessage';

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

const ATTACHMENT_LABEL: Record<TextAttachment['kind'], string> = { file: 'file', selection: 'selection', problems: 'problems of' };

/**
 * One text attachment as the model reads it: a label line with its path and language, then a
 * fenced block; `fit` (the newest question's, from fitAttachments) may cut it or leave it out.
 */
export function attachmentBlock(a: TextAttachment, fit?: AttachmentFit): string {
  const where = a.lines ? `, ${a.lines.start === a.lines.end ? `line ${a.lines.start}` : `lines ${a.lines.start}-${a.lines.end}`}` : '';
  const label = `Attached ${ATTACHMENT_LABEL[a.kind]} ${inlineCode(a.path)} (${a.languageId}${where})`;
  if (fit?.leftOut) return `[${label}: ${fit.notice ?? 'left out'}]`;
  const block = `${label}:\n\n${fencedBlock(fit ? fit.text : a.text, a.languageId)}`;
  return fit?.cut && fit.notice ? `${block}\n\n[${fit.notice}]` : block;
}

export interface TurnOptions {
  /** The newest question's text attachments as fitted, by attachment id; all others are sent whole. */
  fitted?: ReadonlyMap<string, AttachmentFit>;
  /** False: the model reads no images, so each is replaced by a note saying it was not sent. */
  imageInput?: boolean;
}

/** A question's content: its text and text attachments, then its images as image parts. */
function questionContent(text: string, attachments: readonly Attachment[] | undefined, options: TurnOptions): string | ContentPart[] {
  if (!attachments?.length) return text;
  const parts = [text];
  const images: ContentPart[] = [];
  for (const a of attachments) {
    if (a.kind !== 'image') parts.push(attachmentBlock(a, options.fitted?.get(a.id)));
    else if (options.imageInput === false) parts.push(`[Image ${inlineCode(a.name)} was not sent: this model does not read images.]`);
    else images.push({ type: 'image', mediaType: a.mediaType, data: a.data });
  }
  const joined = parts.join('\n\n');
  return images.length ? [{ type: 'text', text: joined }, ...images] : joined;
}

function mergeContent(a: ChatTurn['content'], b: ChatTurn['content']): ChatTurn['content'] {
  if (typeof a === 'string' && typeof b === 'string') return `${a}\n\n${b}`;
  const parts = (c: ChatTurn['content']): ContentPart[] => (typeof c === 'string' ? [{ type: 'text', text: c }] : c);
  return [...parts(a), { type: 'text', text: '\n\n' }, ...parts(b)];
}

/**
 * The history for a request: user messages (with their attachments) and finished assistant replies
 * with text (done, stopped or interrupted). Errors, empty replies, failed replies and the reply
 * currently streaming are left out; consecutive same-role turns are merged so roles alternate, and
 * a leading assistant turn is dropped so the history starts with the user.
 */
export function toChatTurns(messages: readonly StoredMessage[], options: TurnOptions = {}): ChatTurn[] {
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
    const content = role === 'user' ? questionContent(m.text, m.attachments, options) : m.text;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content = mergeContent(last.content, content);
    else if (turns.length === 0 && role === 'assistant') continue;
    else turns.push({ role, content });
  }
  return turns;
}
