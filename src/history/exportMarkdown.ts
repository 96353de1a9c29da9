// A conversation as one Markdown document: each question, each answer with its code blocks, the
// thinking as a collapsed <details> section, model and tokens per reply, and the errors shown.
// No `vscode` import.
import type { StoredMessage } from '../chat/conversation';

export interface ExportOptions {
  title: string;
  /** When the conversation started (ms since the epoch); written in UTC so the output is stable. */
  createdAt?: number;
}

const STATE_NOTE: Partial<Record<NonNullable<StoredMessage['state']>, string>> = {
  stopped: 'stopped by the user',
  interrupted: 'interrupted',
  error: 'failed',
  streaming: 'still streaming when exported',
};

export function exportMarkdown(messages: readonly StoredMessage[], options: ExportOptions): string {
  const out: string[] = [`# ${oneLine(options.title)}`];
  if (options.createdAt) out.push(`_Started ${utc(options.createdAt)}_`);
  for (const m of messages) {
    if (m.role === 'user') {
      out.push('## Question');
      if (m.notice) out.push(quote(m.notice));
      out.push(closeOpenFence(m.text));
    } else if (m.role === 'assistant') {
      out.push(`## Answer`);
      const about = replyLine(m);
      if (about) out.push(`_${about}_`);
      if (m.notice) out.push(quote(m.notice));
      if (m.thinking) {
        // Blank lines around the body so Markdown inside <details> still renders as Markdown.
        out.push(`<details>\n<summary>Thinking</summary>\n\n${closeOpenFence(m.thinking).replace(/<\/details>/gi, '&lt;/details>')}\n\n</details>`);
      }
      if (m.text) out.push(closeOpenFence(m.text));
    } else {
      out.push(quote(`**Error:** ${m.text}`));
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
    const tokens = [inputTokens !== undefined ? `${count(inputTokens)} in` : '', outputTokens !== undefined ? `${count(outputTokens)} out` : ''];
    parts.push(`tokens: ${tokens.filter(Boolean).join(', ')}`);
  }
  const note = m.state ? STATE_NOTE[m.state] : undefined;
  if (note) parts.push(note);
  return parts.join(' · ');
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
