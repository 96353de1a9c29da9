// `<think>…</think>` inside Chat Completions `content` (models that inline their reasoning) → thinking
// events, separate from the answer text. Also `…</think>answer` without the opening tag: models
// whose chat template opens the block in the prompt (DeepSeek-R1, Qwen3 thinking models on some
// hosts) send only the closing one.
import type { StreamEvent } from './types';

/**
 * Models whose host may send reasoning inside `content` closed by a `</think>` that was never opened
 * (the chat template opens the block in the prompt): DeepSeek-R1 and its distills, QwQ, and ids
 * that say "thinking" or "reasoner" (Qwen3 …-Thinking, Kimi-K2-Thinking). A consumer that cannot take
 * text back (VS Code's chat) holds such a model's leading text until it is decided; docs/MODELS.md.
 */
export const INLINE_REASONING_MODELS = /deepseek-r1|-r1\b|qwq|thinking|reasoner/i;

export function mayReasonInline(model: string): boolean {
  return INLINE_REASONING_MODELS.test(model);
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Splits `content` deltas into text and thinking for models that inline `<think>…</think>`.
 * A tag may arrive split across deltas, so a possible tag prefix at the end of a delta is held
 * back until the next one. An opening tag counts only before any visible text (that is where
 * such models put it); after that `<think>` is ordinary text, e.g. in code.
 *
 * A closing tag that was never opened ends reasoning that was already handed out as text: the
 * splitter then yields `textWasThinking` with that text (consumers move it to thinking), the
 * rest before the tag as thinking, and what follows as the answer. It counts once, only when no
 * opening tag was seen, and never inside code (a fence left open or a backtick on its line).
 */
export class ThinkTagSplitter {
  private inside = false;
  private sawText = false;
  private held = '';
  private afterThink = false;
  /** An opening tag was seen, or an unopened closing one was already taken: no more splitting. */
  private settled = false;
  /** Text handed out while an unopened `</think>` could still turn it into thinking. */
  private provisional = '';

  push(delta: string): StreamEvent[] {
    let s = this.held + delta;
    this.held = '';
    const out: StreamEvent[] = [];
    while (s.length > 0) {
      if (this.inside) {
        const i = s.indexOf(CLOSE);
        if (i >= 0) {
          emit(out, 'thinking', s.slice(0, i));
          s = s.slice(i + CLOSE.length);
          this.inside = false;
          this.afterThink = true;
          continue;
        }
        const keep = partialSuffix(s, CLOSE);
        emit(out, 'thinking', s.slice(0, s.length - keep));
        this.held = s.slice(s.length - keep);
        break;
      }
      if (this.sawText) {
        if (this.settled) {
          emit(out, 'text', s);
          break;
        }
        s = this.provisionalText(s, out);
        continue;
      }
      // the answer usually follows the thinking after a blank line; drop that whitespace
      if (this.afterThink) s = s.replace(/^\s+/, '');
      if (!s) break;
      const lead = /^\s*/.exec(s)![0];
      const rest = s.slice(lead.length);
      if (rest.startsWith(OPEN)) {
        this.inside = true;
        this.settled = true;
        s = rest.slice(OPEN.length);
        continue;
      }
      if (rest.length === 0 || OPEN.startsWith(rest)) {
        this.held = s; // only whitespace or the start of "<think>" so far
        break;
      }
      this.sawText = true;
      // after a <think> block the answer is plain text; otherwise it may still close one
      if (this.afterThink) this.settled = true;
    }
    return out;
  }

  /** End of content: whatever is held back is what it looked like. */
  flush(): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (this.held) emit(out, this.inside ? 'thinking' : 'text', this.held);
    this.held = '';
    return out;
  }

  /**
   * Text while an unopened `</think>` may still come: hands it out as text (holding back a possible
   * start of the tag), or splits at the tag. Returns what is left to process ('' when done).
   */
  private provisionalText(s: string, out: StreamEvent[]): string {
    const i = s.indexOf(CLOSE);
    if (i >= 0 && closesReasoning(this.provisional + s.slice(0, i))) {
      this.settled = true;
      this.sawText = false;
      this.afterThink = true;
      if (this.provisional) out.push({ type: 'textWasThinking', text: this.provisional });
      this.provisional = '';
      emit(out, 'thinking', s.slice(0, i));
      return s.slice(i + CLOSE.length);
    }
    if (i >= 0) {
      // a tag inside code is text; keep looking after it
      const upTo = i + CLOSE.length;
      this.handOut(s.slice(0, upTo), out);
      return s.slice(upTo);
    }
    const keep = partialSuffix(s, CLOSE);
    this.handOut(s.slice(0, s.length - keep), out);
    this.held = s.slice(s.length - keep);
    return '';
  }

  private handOut(text: string, out: StreamEvent[]): void {
    if (!text) return;
    this.provisional += text;
    emit(out, 'text', text);
  }
}

/**
 * Whether a `</think>` after `before` ends reasoning: not when `before` talks about the tags
 * (has a `<think>`), nor inside code (an unclosed fence, or a backtick on the tag's line).
 */
function closesReasoning(before: string): boolean {
  if (before.includes(OPEN)) return false;
  const fences = before.match(/^ {0,3}(`{3,}|~{3,})/gm)?.length ?? 0;
  if (fences % 2 === 1) return false;
  return !before.slice(before.lastIndexOf('\n') + 1).includes('`');
}

function emit(out: StreamEvent[], type: 'text' | 'thinking', text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.type === type) last.text += text;
  else out.push({ type, text });
}

/** Length of the longest suffix of `s` that is a proper prefix of `tag`. */
function partialSuffix(s: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, s.length); n > 0; n--) {
    if (s.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
