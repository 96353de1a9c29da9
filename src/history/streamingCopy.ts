// The streaming copy of a conversation (`<id>.streaming.json`, see chat/conversationStore.ts): the
// text of a reply still streaming, saved twice a second so a crash loses at most half a second of
// it. Rewritten whole each time, it would cost in proportion to the reply (a 1 MB reply: 2 MB
// written a second); so the file is append-only while one reply streams: its first line is a
// StreamingJSON (the reply as it was when the file was started), each later line a JSON object
// {"t": more text, "k": more thinking} to append to it. Only a change that is not an extension
// (another reply, text moved to thinking) starts the file again. A last line cut short by a crash
// is left out when the file is read. No `vscode` import: plain Node.
import type { StreamingJSON } from '../chat/conversationStore';

/** What the file on disk holds: whose reply, and how much of its text and thinking. */
export interface StreamingCopyState {
  replyId: string | undefined;
  text: number;
  thinking: number;
  /** The last characters of each, to tell an extension from another text of that length or more. */
  textEnd: string;
  thinkingEnd: string;
}

/** Characters compared at the end of what is on disk (comparing all of it would cost as much as rewriting it). */
const END = 64;

export function stateOf(value: StreamingJSON): StreamingCopyState {
  const r = value.replies[0];
  const text = r?.text ?? '';
  const thinking = r?.thinking ?? '';
  return { replyId: r?.id, text: text.length, thinking: thinking.length, textEnd: text.slice(-END), thinkingEnd: thinking.slice(-END) };
}

const extends_ = (s: string, length: number, end: string): boolean => s.length >= length && s.startsWith(end, length - end.length);

/** The file's first line: the whole value. */
export function startLine(value: StreamingJSON): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * The line to append so the file holds `value`, '' when it holds it already, or undefined when
 * `value` does not extend what the file holds (then the file is started again).
 */
export function appendLine(onDisk: StreamingCopyState, value: StreamingJSON): string | undefined {
  if (value.replies.length !== 1) return undefined;
  const r = value.replies[0];
  const thinking = r.thinking ?? '';
  if (r.id !== onDisk.replyId || !extends_(r.text, onDisk.text, onDisk.textEnd) || !extends_(thinking, onDisk.thinking, onDisk.thinkingEnd)) return undefined;
  const t = r.text.slice(onDisk.text);
  const k = thinking.slice(onDisk.thinking);
  if (!t && !k) return '';
  return `${JSON.stringify({ ...(t ? { t } : {}), ...(k ? { k } : {}) })}\n`;
}

/** The StreamingJSON a file holds (its first line with the later lines appended); unknown when unreadable. */
export function readStreamingCopy(data: string): unknown {
  const lines = data.split('\n');
  const first = JSON.parse(lines[0]) as unknown;
  if (lines.length <= 2 && !lines[1]) return first;
  const replies = (first as { replies?: unknown }).replies;
  if (!Array.isArray(replies) || replies.length !== 1) return first;
  const reply = replies[0] as { text?: unknown; thinking?: unknown };
  if (typeof reply?.text !== 'string') return first;
  let text = reply.text;
  let thinking = typeof reply.thinking === 'string' ? reply.thinking : '';
  for (const line of lines.slice(1)) {
    if (!line) continue;
    let more: { t?: unknown; k?: unknown };
    try {
      more = JSON.parse(line) as { t?: unknown; k?: unknown };
    } catch {
      break; // cut short by a crash: the text before it is what was saved
    }
    if (typeof more.t === 'string') text += more.t;
    if (typeof more.k === 'string') thinking += more.k;
  }
  return { ...(first as object), replies: [{ ...reply, text, ...(thinking ? { thinking } : {}) }] };
}
