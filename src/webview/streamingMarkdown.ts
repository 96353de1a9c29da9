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
//
// One block can be long on its own: a code fence that is still open (a model writing a whole file).
// While the tail is exactly one open top-level fence, nothing can end it but a closing fence line,
// so new text is appended to the <code> element as plain text, and the code is highlighted again
// only each time it has grown by a quarter: linear work however long the block. `finish()` (or
// the closing fence) brings back the exact, fully highlighted render.
import type MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { growingCodeBlockNumber } from '../code/growingBlock';
import { htmlFragment } from './dom';
import { HighlightCache, highlightCode, highlightLanguage, newRenderEnv, sharedMarkdown } from './markdown';

export interface StreamingMarkdownOptions {
  md?: MarkdownIt;
  /** Show Copy / Insert / Apply on code blocks. Default true. */
  codeActions?: boolean;
  /** How to defer a render; default requestAnimationFrame (setTimeout where there is none). */
  schedule?: (callback: () => void) => void;
  /** Called after each render that changed the DOM (e.g. to keep the view scrolled down). */
  onRender?: () => void;
  /**
   * Render the first delta after a quiet frame at once instead of on the next frame (leading
   * edge); later deltas in the same frame still wait for it. The text is then in the DOM before
   * the coming frame is drawn, so it shows in that frame. Default false.
   */
  eager?: boolean;
}

const LINE_BREAK = /\r\n?|\n/g;

/**
 * While a reply streams, its frozen blocks sit in wrappers of this class, up to BLOCKS_PER_GROUP
 * top-level blocks each; finish() takes them out again. Style, layout, pre-paint and paint walk the
 * children of the element whose content changed, so appending to a body of thousands of blocks
 * cost time in proportion to the reply; grouped, a render walks ~N/64 clean groups and one group.
 * Off screen, a group skips rendering altogether (media/chat.css).
 */
export const FROZEN_GROUP_CLASS = 'md-frozen';
const BLOCKS_PER_GROUP = 64;

type References = Record<string, { href: string; title: string }>;

interface OpenFence {
  /** Matches a line that would close this fence. */
  closer: RegExp;
  /** Where the fence's content starts in the tail. */
  contentStart: number;
  /** Lines before this offset are known not to close the fence. */
  scanFrom: number;
  code: HTMLElement;
  /** highlight.js language, '' for plain text. */
  lang: string;
  /** Content length whose highlighting the <code> holds, and the length it shows in all. */
  highlighted: number;
  shown: number;
}

/**
 * Where an open fence's content ends, as markdown-it reads it: to the end of the text, except that
 * an unfinished last line of only spaces and tabs is not a line at all to markdown-it.
 */
function fenceContentEnd(tail: string, contentStart: number): number {
  const lastLine = tail.lastIndexOf('\n') + 1;
  if (lastLine >= contentStart && /^[ \t]*$/.test(tail.slice(lastLine))) return lastLine;
  return tail.length;
}

/** A closing line for a fence opened with `markup`, as markdown-it reads it. */
function closingFence(markup: string): RegExp {
  const ch = markup[0] === '`' ? '`' : '~';
  return new RegExp(`^ {0,3}${ch}{${markup.length},}[ \\t]*$`);
}

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
  private readonly eager: boolean;
  /** Text whose blocks are rendered and frozen in the DOM. */
  private frozenParts: string[] = [];
  private frozenCodeBlocks = 0;
  /** The unfinished end of the message: its last top-level block plus anything not yet parsed. */
  private tail = '';
  private tailNodes: ChildNode[] = [];
  /** The wrappers of frozen blocks (see FROZEN_GROUP_CLASS); the last one is filling up. */
  private groups: HTMLElement[] = [];
  /** Link reference definitions found in the frozen text (final: first definition wins). */
  private frozenRefs: References = {};
  /** The definitions the frozen blocks were rendered with. */
  private renderRefs: References = {};
  private dirty = false;
  private scheduled = false;
  private readonly highlightCache = new HighlightCache();
  /** Set while the tail is one open top-level code fence (see the top of the file). */
  private fence?: OpenFence;
  /** Set by finish(): no block is still being written, so none has its buttons disabled. */
  private finished = false;
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
    this.eager = options.eager ?? false;
  }

  /**
   * After a render, whether the DOM is exactly a one-shot render of the text; false only while an
   * open code fence shows its newest part unhighlighted.
   */
  get exact(): boolean {
    return !this.fence || this.fence.shown === this.fence.highlighted;
  }

  /** The whole text so far. */
  get text(): string {
    return this.frozenParts.join('') + this.tail;
  }

  /** Adds a streamed delta; the DOM catches up on the next frame (or `flush()`). */
  append(delta: string): void {
    if (delta === '') return;
    this.finished = false;
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
    this.finished = false;
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

  /**
   * Renders now, exactly as a one-shot render of the text would: call when the stream has ended
   * (an open code fence's last part is otherwise shown unhighlighted until it grows).
   */
  finish(): void {
    if (this.fence && this.fence.shown > this.fence.highlighted) {
      this.fence = undefined;
      this.dirty = true;
    }
    this.finished = true;
    this.flush();
    this.ungroup();
    // The block that was still being written is over: its buttons work now.
    for (const node of this.tailNodes) {
      if (node.nodeType !== 1) continue;
      for (const button of (node as Element).querySelectorAll('button.code-action[disabled]')) button.removeAttribute('disabled');
    }
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    // Eager: render now, and let the frame callback pick up whatever arrives before it.
    if (this.eager) this.flush();
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
    this.groups = [];
    this.fence = undefined;
    this.container.replaceChildren();
  }

  private parseTail(): { tokens: Token[]; refs: References } {
    const env: { references: References } = { references: { ...this.frozenRefs } };
    const tokens = this.md.parse(this.tail, env);
    return { tokens, refs: env.references };
  }

  private render(): void {
    if (this.fence) {
      if (this.extendFence(this.fence)) return;
      this.fence = undefined;
    }
    let { tokens, refs } = this.parseTail();
    if (!sameRefs(refs, this.renderRefs)) {
      // Frozen blocks may have resolved links with other definitions: render everything again.
      if (this.frozenParts.length > 0) {
        this.startOver(this.text);
        ({ tokens, refs } = this.parseTail());
      }
      this.renderRefs = refs;
    }
    // Only the tail's last code block can still be growing (any earlier one is followed by a block).
    const growing = this.finished ? -1 : growingCodeBlockNumber(tokens, this.tail);
    const split = this.findSplit(tokens);
    const frozenBefore = this.frozenCodeBlocks;
    let tailTokens = tokens;
    let frozenHtml = '';
    /** Token line numbers count from the start of the parsed text, not of the remaining tail. */
    let tailFirstLine = 0;
    if (split) {
      const { index: last, offset } = split;
      tailFirstLine = tokens[last].map![0];
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
    if (growing !== -1) tailEnv.growingBlock = frozenBefore + growing;
    const tailHtml = this.md.renderer.render(tailTokens, this.md.options, tailEnv);
    this.highlightCache.nextRender();
    for (const node of this.tailNodes) node.remove();
    if (frozenHtml) this.appendFrozen(this.fragment(frozenHtml));
    const tailFragment = this.fragment(tailHtml);
    this.tailNodes = Array.from(tailFragment.childNodes);
    this.container.append(tailFragment);
    this.fence = this.openFence(tailTokens, tailFirstLine);
  }

  /** The tail's open fence, if the tail is nothing else and the fast path can show it exactly. */
  private openFence(tokens: Token[], firstLine: number): OpenFence | undefined {
    if (tokens.length !== 1 || tokens[0].type !== 'fence' || tokens[0].level !== 0) return undefined;
    const token = tokens[0];
    const tail = this.tail;
    // markdown-it normalizes \r and NUL and strips an indented fence's indentation: not here.
    if (/[\r\0]/.test(tail)) return undefined;
    const open = lineStartOffset(tail, token.map![0] - firstLine);
    if (tail[open] !== token.markup[0]) return undefined;
    const contentStart = tail.indexOf('\n', open) + 1;
    if (contentStart === 0) return undefined; // the opening line (and its info string) is unfinished
    const closer = closingFence(token.markup);
    if (tail.slice(contentStart).split('\n').some((line) => closer.test(line))) return undefined;
    const code = this.tailNodes
      .find((n): n is HTMLElement => n.nodeType === 1 && (n as HTMLElement).classList.contains('code-block'))
      ?.querySelector<HTMLElement>('pre > code');
    if (!code) return undefined;
    const lang = highlightLanguage(token.info, this.md);
    const length = fenceContentEnd(tail, contentStart) - contentStart;
    return { closer, contentStart, scanFrom: contentStart, code, lang, highlighted: length, shown: length };
  }

  /** Shows new text of the open fence; false when the fence may have closed (render normally). */
  private extendFence(fence: OpenFence): boolean {
    const tail = this.tail;
    if (tail.includes('\r', fence.scanFrom) || tail.includes('\0', fence.scanFrom)) return false;
    // Every line from the first unchecked one, including the unfinished last line, could close it.
    for (const line of tail.slice(fence.scanFrom).split('\n')) if (fence.closer.test(line)) return false;
    fence.scanFrom = tail.lastIndexOf('\n') + 1 || fence.scanFrom;
    const length = fenceContentEnd(tail, fence.contentStart) - fence.contentStart;
    if (length - fence.highlighted > Math.max(512, fence.highlighted / 4)) {
      fence.code.innerHTML = highlightCode(tail.slice(fence.contentStart, fence.contentStart + length), fence.lang);
      fence.highlighted = length;
    } else if (length > fence.shown) {
      fence.code.append(tail.slice(fence.contentStart + fence.shown, fence.contentStart + length));
    }
    fence.shown = length;
    return true;
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

  /** Adds newly frozen blocks to the group filling up (a new one when it is full). */
  private appendFrozen(fragment: DocumentFragment): void {
    let group = this.groups[this.groups.length - 1];
    if (!group || group.childElementCount >= BLOCKS_PER_GROUP) {
      group = this.container.ownerDocument.createElement('div');
      group.className = FROZEN_GROUP_CLASS;
      this.groups.push(group);
      this.container.append(group);
    }
    group.append(fragment);
  }

  /** Puts the frozen blocks back as direct children: the DOM of a one-shot render. */
  private ungroup(): void {
    for (const group of this.groups) group.replaceWith(...Array.from(group.childNodes));
    this.groups = [];
  }

  private fragment(html: string): DocumentFragment {
    return htmlFragment(this.container.ownerDocument, html);
  }
}
