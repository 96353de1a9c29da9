// A conversation as one Markdown document: each question, each answer with its code blocks, the
// thinking as a collapsed <details> section, model and tokens per reply, and the errors shown.
// No `vscode` import.
import type { StoredMessage } from '../chat/storedMessage';
import * as l10n from '../l10n';
import { inlineCode } from '../chat/prompts';

export interface ExportOptions {
  title: string;
  /** When the conversation started (ms since the epoch); written in UTC so the output is stable. */
  createdAt?: number;
}

/** A function: l10n.t must run after activation set the translator, not at import. */
const stateNote = (state: NonNullable<StoredMessage['state']>): string | undefined =>
  ({
    stopped: l10n.t('stopped by the user'),
    interrupted: l10n.t('interrupted'),
    error: l10n.t('failed'),
    streaming: l10n.t('still streaming when exported'),
  })[state as string];

export function exportMarkdown(messages: readonly StoredMessage[], options: ExportOptions): string {
  const out: string[] = [`# ${oneLine(options.title)}`];
  if (options.createdAt) out.push(`_${l10n.t('Started {0}', utc(options.createdAt))}_`);
  for (const m of messages) {
    if (m.role === 'user') {
      out.push(`## ${l10n.t('Question')}`);
      if (m.notice) out.push(quote(m.notice));
      out.push(closeOpenFence(m.text));
      if (m.attachments?.length) out.push(`_${l10n.t('Attached: {0}', m.attachments.map(attachmentName).join(', '))}_`);
    } else if (m.role === 'assistant') {
      out.push(`## ${l10n.t('Answer')}`);
      const about = replyLine(m);
      if (about) out.push(`_${about}_`);
      if (m.notice) out.push(quote(m.notice));
      if (m.thinking) {
        // Blank lines around the body so Markdown inside <details> still renders as Markdown.
        out.push(`<details>\n<summary>${l10n.t('Thinking')}</summary>\n\n${closeOpenFence(m.thinking).replace(/<\/details>/gi, '&lt;/details>')}\n\n</details>`);
      }
      if (m.text) out.push(closeOpenFence(m.text));
    } else {
      out.push(quote(`**${l10n.t('Error:')}** ${m.text}`));
    }
  }
  return `${out.join('\n\n')}\n`;
}

/** "model · 1,234 tokens in, 567 out · stopped by the user" (parts that are known). */
function replyLine(m: StoredMessage): string {
  const parts: string[] = [];
  if (m.model) parts.push(`\`${m.model}\``);
  const { inputTokens, outputTokens } = m.usage ?? {};
  if (inputTokens !== undefined || outputTokens !== undefined) {
    const tokens = [inputTokens !== undefined ? l10n.t('{0} in', count(inputTokens)) : '', outputTokens !== undefined ? l10n.t('{0} out', count(outputTokens)) : ''];
    parts.push(l10n.t('tokens: {0}', tokens.filter(Boolean).join(', ')));
  }
  const note = m.state ? stateNote(m.state) : undefined;
  if (note) parts.push(note);
  return parts.join(' · ');
}

/** `src/app.ts`, `src/app.ts:3-9`, image `shot.png` — what was attached, not its contents. */
function attachmentName(a: NonNullable<StoredMessage['attachments']>[number]): string {
  if (a.kind === 'image') return l10n.t('image {0}', inlineCode(a.name));
  return inlineCode(a.lines ? `${a.path}:${a.lines.start}-${a.lines.end}` : a.path);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function quote(s: string): string {
  return s
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Closes a code fence left open (a reply stopped mid-block, a question with a stray ```), so it
 * cannot swallow the rest of the document.
 */
export function closeOpenFence(text: string): string {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const m = FENCE.exec(line);
    if (!m) continue;
    const fence = m[1];
    if (open === undefined) {
      // An opening backtick fence's info string may not contain a backtick.
      if (fence[0] === '`' && line.slice(line.indexOf(fence) + fence.length).includes('`')) continue;
      open = fence;
    } else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) {
      open = undefined;
    }
  }
  if (open === undefined) return text;
  return `${text}${text.endsWith('\n') ? '' : '\n'}${open}`;
}
