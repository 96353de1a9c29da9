// `<think>…</think>` inside Chat Completions `content` (models that inline their reasoning) → thinking
// events, separate from the answer text.
import type { StreamEvent } from './types';

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Splits `content` deltas into text and thinking for models that inline `<think>…</think>`.
 * A tag may arrive split across deltas, so a possible tag prefix at the end of a delta is held
 * back until the next one. An opening tag counts only before any visible text (that is where
 * such models put it); after that `<think>` is ordinary text, e.g. in code.
 */
export class ThinkTagSplitter {
  private inside = false;
  private sawText = false;
  private held = '';
  private afterThink = false;

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
        emit(out, 'text', s);
        break;
      }
      // the answer usually follows the thinking after a blank line; drop that whitespace
      if (this.afterThink) s = s.replace(/^\s+/, '');
      if (!s) break;
      const lead = /^\s*/.exec(s)![0];
      const rest = s.slice(lead.length);
      if (rest.startsWith(OPEN)) {
        this.inside = true;
        s = rest.slice(OPEN.length);
        continue;
      }
      if (rest.length === 0 || OPEN.startsWith(rest)) {
        this.held = s; // only whitespace or the start of "<think>" so far
        break;
      }
      this.sawText = true;
      emit(out, 'text', s);
      break;
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
