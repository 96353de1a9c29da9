// Incremental Markdown rendering for a streaming reply, in time linear in its length.
//
// CommonMark closes a top-level block for good once the next top-level block starts: later lines
// can extend only the LAST block. So after each parse of the unfinished tail, every top-level block
// but the last is final: it is rendered once, appended to the container and never touched again,
// and the text before the last block's first line leaves the tail. Only the last block is
// re-parsed and re-rendered, at most once per animation frame however many chunks arrive.
// Parsing a tail that starts at a top-level block boundary gives the same tokens as parsing the
// whole text, with one exception: link reference definitions (`[x]: url`) apply to the whole
// document. The tail is parsed with the definitions of the frozen text, and frozen blocks remember
// the definitions they were rendered with; when those change (rare in model output) the message is
// rendered again from scratch, so the result always equals a one-shot render.
// Code-block indices are global over the message: the count of frozen blocks seeds each render.
import type MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { htmlFragment } from './dom';
import { HighlightCache, newRenderEnv, sharedMarkdown } from './markdown';

export interface StreamingMarkdownOptions {
  md?: MarkdownIt;
  /** Show Copy / Insert / Apply on code blocks. Default true. */
  codeActions?: boolean;
  /** How to defer a render; default requestAnimationFrame (setTimeout where there is none). */
  schedule?: (callback: () => void) => void;
  /** Called after each render that changed the DOM (e.g. to keep the view scrolled down). */
  onRender?: () => void;
}

const LINE_BREAK = /\r\n?|\n/g;

type References = Record<string, { href: string; title: string }>;

function sameRefs(a: References, b: References): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => b[k] !== undefined && a[k].href === b[k].href && a[k].title === b[k].title);
}

/** Character offset of the start of line `line` (0-based), counting line breaks as markdown-it does. */
export function lineStartOffset(text: string, line: number): number {
  LINE_BREAK.lastIndex = 0;
  let offset = 0;
  for (let n = 0; n < line; n++) {
    const m = LINE_BREAK.exec(text);
    if (!m) return text.length;
    offset = m.index + m[0].length;
  }
  return offset;
}

function defaultSchedule(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
}

export class StreamingMarkdown {
  private readonly md: MarkdownIt;
  private readonly codeActions: boolean;
  private readonly schedule: (callback: () => void) => void;
  private readonly onRender?: () => void;
  /** Text whose blocks are rendered and frozen in the DOM. */
  private frozenParts: string[] = [];
  private frozenCodeBlocks = 0;
  /** The unfinished end of the message: its last top-level block plus anything not yet parsed. */
  private tail = '';
  private tailNodes: ChildNode[] = [];
  /** Link reference definitions found in the frozen text (final: first definition wins). */
  private frozenRefs: References = {};
  /** The definitions the frozen blocks were rendered with. */
  private renderRefs: References = {};
  private dirty = false;
  private scheduled = false;
  private readonly highlightCache = new HighlightCache();
  /** How many renders ran (for tests and the benchmark). */
  renders = 0;

  constructor(
    private readonly container: HTMLElement,
    options: StreamingMarkdownOptions = {},
  ) {
    this.md = options.md ?? sharedMarkdown();
    this.codeActions = options.codeActions ?? true;
    this.schedule = options.schedule ?? defaultSchedule;
    this.onRender = options.onRender;
  }

  /** The whole text so far. */
  get text(): string {
    return this.frozenParts.join('') + this.tail;
  }

  /** Adds a streamed delta; the DOM catches up on the next frame (or `flush()`). */
  append(delta: string): void {
    if (delta === '') return;
    this.tail += delta;
    this.markDirty();
  }

  /** Replaces the text. A text that extends the current one is treated as an append. */
  setText(full: string): void {
    const current = this.text;
    if (full.startsWith(current)) {
      this.append(full.slice(current.length));
      return;
    }
    this.startOver(full);
    this.markDirty();
  }

  /** Renders now if anything changed since the last render. */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.renders++;
    this.render();
    this.onRender?.();
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private startOver(text: string): void {
    this.frozenParts = [];
    this.frozenCodeBlocks = 0;
    this.frozenRefs = {};
    this.renderRefs = {};
    this.tail = text;
    this.tailNodes = [];
    this.container.replaceChildren();
  }

  private parseTail(): { tokens: Token[]; refs: References } {
    const env: { references: References } = { references: { ...this.frozenRefs } };
    const tokens = this.md.parse(this.tail, env);
    return { tokens, refs: env.references };
  }

  private render(): void {
    let { tokens, refs } = this.parseTail();
    if (!sameRefs(refs, this.renderRefs)) {
      // Frozen blocks may have resolved links with other definitions: render everything again.
      if (this.frozenParts.length > 0) {
        this.startOver(this.text);
        ({ tokens, refs } = this.parseTail());
      }
      this.renderRefs = refs;
    }
    const split = this.findSplit(tokens);
    let tailTokens = tokens;
    let frozenHtml = '';
    if (split) {
      const { index: last, offset } = split;
      const env = newRenderEnv(this.codeActions, this.frozenCodeBlocks);
      env.highlightCache = this.highlightCache;
      frozenHtml = this.md.renderer.render(tokens.slice(0, last), this.md.options, env);
      this.frozenCodeBlocks = env.nextCodeBlock;
      const frozenText = this.tail.slice(0, offset);
      this.frozenParts.push(frozenText);
      this.tail = this.tail.slice(offset);
      tailTokens = tokens.slice(last);
      if (Object.keys(refs).length > Object.keys(this.frozenRefs).length) this.addFrozenRefs(frozenText);
    }
    const tailEnv = newRenderEnv(this.codeActions, this.frozenCodeBlocks);
    tailEnv.highlightCache = this.highlightCache;
    const tailHtml = this.md.renderer.render(tailTokens, this.md.options, tailEnv);
    this.highlightCache.nextRender();
    for (const node of this.tailNodes) node.remove();
    if (frozenHtml) this.container.append(this.fragment(frozenHtml));
    const tailFragment = this.fragment(tailHtml);
    this.tailNodes = Array.from(tailFragment.childNodes);
    this.container.append(tailFragment);
  }

  /** Records the definitions made in newly frozen text (parsed once more, only when there are any). */
  private addFrozenRefs(frozenText: string): void {
    const env: { references?: References } = {};
    this.md.parse(frozenText, env);
    for (const [label, def] of Object.entries(env.references ?? {})) {
      if (!(label in this.frozenRefs)) this.frozenRefs[label] = def;
    }
  }

  /**
   * The last top-level block that starts on a COMPLETE line: everything before it is final. A
   * block that starts on the unfinished last line may be no block at all once the line is whole
   * ("2" is a paragraph, "2. Run" continues the list above), so it never closes what precedes it.
   */
  private findSplit(tokens: Token[]): { index: number; offset: number } | undefined {
    const lastBreak = Math.max(this.tail.lastIndexOf('\n'), this.tail.lastIndexOf('\r'));
    for (let i = tokens.length - 1; i > 0; i--) {
      const t = tokens[i];
      if (t.level !== 0 || t.nesting < 0 || !t.map) continue;
      const offset = lineStartOffset(this.tail, t.map[0]);
      if (offset <= lastBreak) return { index: i, offset };
    }
    return undefined;
  }

  private fragment(html: string): DocumentFragment {
    return htmlFragment(this.container.ownerDocument, html);
  }
}
