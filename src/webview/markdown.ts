// Markdown for the chat: markdown-it (raw HTML off, links validated) + highlight.js with a chosen
// set of languages. No DOM here, so the same configuration renders in the webview, in jsdom tests
// and in the benchmark. Model output is hostile: nothing rendered here can load or run anything.
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type Renderer from 'markdown-it/lib/renderer.mjs';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { findFileRefs, isProseFileRef, parseFileRef } from '../code/fileReferences';
import type { Codicon } from '../protocol/codicons';
import type { WebviewStringKey } from '../protocol/webviewStrings';
import { t } from './l10n';

const LANGUAGES = {
  bash, c, cpp, csharp, css, diff, go, java, javascript, json, kotlin, markdown, php, python, ruby,
  rust, shell, sql, swift, typescript, xml, yaml,
};
for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);

/**
 * Per-render state. `nextCodeBlock` numbers code blocks (fence and indented) in token order; the
 * streaming renderer seeds it so indices stay global across the segments of one message.
 */
export interface RenderEnv {
  nextCodeBlock: number;
  /** Show Copy / Insert / Apply on code blocks (assistant replies only). */
  codeActions: boolean;
  /** Highlighted code by language and text, so re-rendering an unfinished tail skips finished code. */
  highlightCache?: HighlightCache;
  /** Number of the code block still being written: its buttons are disabled (nothing else differs). */
  growingBlock?: number;
  /**
   * Leave highlighting for later: code goes out as escaped text marked with HIGHLIGHT_LATER_ATTR
   * (its language), and laterHighlight() gives the one-shot render's highlighting of it. Opening a long
   * conversation then draws its first frame without highlight.js's work (grammars compiled on
   * first use, every code block of the newest replies).
   */
  highlightLater?: boolean;
}

/** On a <code> whose highlighting was left for later: the highlight.js language to use. */
export const HIGHLIGHT_LATER_ATTR = 'data-highlight-later';

/** Keeps the highlighting used by the last render only (the tail is re-rendered, never the past). */
export class HighlightCache {
  private previous = new Map<string, string>();
  private current = new Map<string, string>();

  get(code: string, lang: string): string {
    const key = `${lang}\u0000${code}`;
    let html = this.current.get(key) ?? this.previous.get(key);
    if (html === undefined) html = highlightCode(code, lang);
    this.current.set(key, html);
    return html;
  }

  /** Call after each render: entries not used since the previous call are dropped. */
  nextRender(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

export function newRenderEnv(codeActions = true, nextCodeBlock = 0, highlightLater = false): RenderEnv {
  return { nextCodeBlock, codeActions, highlightLater };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Same escaping as markdown-it's escapeHtml. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]);

/** highlight.js output (spans with hljs-* classes only), or escaped plain text. */
export function highlightCode(code: string, lang: string): string {
  if (lang && hljs.getLanguage(lang)) {
    try {
      return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    } catch {
      // fall through to plain text
    }
  }
  return escapeHtml(code);
}

const BUTTONS: ReadonlyArray<{ testid: string; icon: Codicon; label: WebviewStringKey }> = [
  { testid: 'copy', icon: 'copy', label: 'code.copy' },
  { testid: 'insert', icon: 'insert', label: 'code.insert' },
  { testid: 'apply', icon: 'diff', label: 'code.apply' },
];

/** The language a fence's info string names, as shown in the header (first word, capped). */
function fenceLanguage(info: string, md: MarkdownIt): string {
  const text = info ? md.utils.unescapeAll(info).trim() : '';
  return (text.split(/\s+/)[0] ?? '').slice(0, 40);
}

/** `lang` if highlight.js knows it, else '' (plain text). */
function knownLanguage(lang: string): string {
  return lang !== '' && hljs.getLanguage(lang) !== undefined ? lang : '';
}

/** The highlight.js language a fence is highlighted with, or '' for plain text. */
export function highlightLanguage(info: string, md: MarkdownIt): string {
  return knownLanguage(fenceLanguage(info, md));
}

function renderCodeBlock(token: Token, env: RenderEnv, md: MarkdownIt): string {
  const index = env.nextCodeBlock++;
  const lang = fenceLanguage(token.info, md);
  const hlLang = knownLanguage(lang);
  const langClass = hlLang && /^[\w#+.-]+$/.test(hlLang) ? ` language-${hlLang}` : '';
  const label = lang === '' ? t(token.type === 'code_block' ? 'code.indentedLanguage' : 'code.plainLanguage') : lang;
  const disabled = index === env.growingBlock ? ' disabled' : '';
  const buttons = env.codeActions
    ? `<span class="code-actions">${BUTTONS.map(
        (b) =>
          `<button type="button" class="code-action" data-testid="${b.testid}" data-block="${index}" title="${escapeHtml(t(b.label))}" aria-label="${escapeHtml(t('code.buttonAriaLabel', t(b.label), index + 1))}"${disabled}><span class="codicon codicon-${b.icon}" aria-hidden="true"></span></button>`,
      ).join('')}</span>`
    : '';
  return (
    `<div class="code-block" data-block="${index}">` +
    `<div class="code-header"><span class="code-lang">${escapeHtml(label)}</span>${buttons}</div>` +
    (env.highlightLater && hlLang
      ? `<pre><code class="hljs${langClass}" ${HIGHLIGHT_LATER_ATTR}="${escapeHtml(hlLang)}">${escapeHtml(token.content)}</code></pre>`
      : `<pre><code class="hljs${langClass}">${
          env.highlightCache ? env.highlightCache.get(token.content, hlLang) : highlightCode(token.content, hlLang)
        }</code></pre>`) +
    `</div>\n`
  );
}

/** Table alignment comes as style="text-align:…", which the CSP blocks; use a class instead. */
function alignCellRule(tokens: Token[], idx: number, options: MarkdownIt.Options, _env: unknown, self: Renderer): string {
  const token = tokens[idx];
  const style = token.attrGet('style');
  if (style) {
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    const m = /text-align:(left|right|center)/.exec(style);
    if (m) token.attrJoin('class', `align-${m[1]}`);
  }
  return self.renderToken(tokens, idx, options);
}

/** The state a core rule gets (the type as MarkdownIt's own typings see it). */
type StateCore = Parameters<Parameters<MarkdownIt['core']['ruler']['push']>[1]>[0];

/**
 * Marks file references as `<span class="file-ref" data-ref="…">`: path-like text and code spans
 * in prose (`src/app.ts`, `app.ts:12`) and relative Markdown links (`[app](src/app.ts)`). They stay
 * text; the view turns those the host finds in the workspace into buttons that open the file.
 */
function markFileReferences(state: StateCore): void {
  const wrap = (ref: string, inner: Token[]): Token[] => {
    const open = new state.Token('file_ref_open', 'span', 1);
    open.attrs = [['class', 'file-ref'], ['data-ref', ref]];
    return [open, ...inner, new state.Token('file_ref_close', 'span', -1)];
  };
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const out: Token[] = [];
    let inLink = 0;
    /** Link nesting depths at which a link_open became a file reference. */
    const refLinks: number[] = [];
    for (const t of block.children) {
      if (t.type === 'link_open') {
        const href = t.attrGet('href') ?? '';
        if (inLink === 0 && parseFileRef(href)) {
          refLinks.push(inLink);
          out.push(...wrap(href, []).slice(0, 1));
        } else out.push(t);
        inLink++;
      } else if (t.type === 'link_close') {
        inLink--;
        if (refLinks.at(-1) === inLink) {
          refLinks.pop();
          out.push(new state.Token('file_ref_close', 'span', -1));
        } else out.push(t);
      } else if (inLink > 0) {
        out.push(t);
      } else if (t.type === 'code_inline' && isProseFileRef(t.content)) {
        out.push(...wrap(t.content, [t]));
      } else if (t.type === 'text') {
        let at = 0;
        for (const found of findFileRefs(t.content)) {
          if (found.start > at) out.push(textToken(state, t.content.slice(at, found.start)));
          out.push(...wrap(found.ref, [textToken(state, found.ref)]));
          at = found.end;
        }
        if (at === 0) out.push(t);
        else if (at < t.content.length) out.push(textToken(state, t.content.slice(at)));
      } else out.push(t);
    }
    block.children = out;
  }
}

function textToken(state: StateCore, content: string): Token {
  const t = new state.Token('text', '', 0);
  t.content = content;
  return t;
}

/** The one markdown-it configuration of the chat. The host extracts code with the same options. */
export function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  // Only addresses with a scheme (https://…, mailto:) become links: fuzzy links would turn file
  // names into web addresses (`main.py`, `README.md` and `lib.rs` are all valid domain names).
  md.linkify.set({ fuzzyLink: false });
  md.core.ruler.push('file_references', markFileReferences);
  // Only web and mail links become links; anything else with a scheme (command:, vscode:, file:,
  // javascript:, data:…) or protocol-relative stays text. The host checks again before opening.
  const defaultValidate = md.validateLink.bind(md);
  md.validateLink = (url) => {
    const u = url.trim();
    if (u.startsWith('//')) return false;
    return /^[a-z][a-z0-9+.-]*:/i.test(u) ? /^(https?|mailto):/i.test(u) && defaultValidate(u) : defaultValidate(u);
  };
  const rules = md.renderer.rules;
  rules.fence = (tokens, idx, _o, env) => renderCodeBlock(tokens[idx], env as RenderEnv, md);
  rules.code_block = (tokens, idx, _o, env) => renderCodeBlock(tokens[idx], env as RenderEnv, md);
  // Images are never fetched: they become text naming the picture and its address.
  rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const alt = self.renderInlineAsText(token.children ?? [], options, env);
    const src = token.attrGet('src') ?? '';
    return (
      `<span class="md-image" title="${escapeHtml(t('image.title'))}"><span class="codicon codicon-file-media" aria-hidden="true"></span>` +
      `${escapeHtml(t('image.label', alt))}${src ? ` — <span class="md-image-url">${escapeHtml(src)}</span>` : ''}</span>`
    );
  };
  // Links show where they go; clicks are handled by the view (the host opens them after checking).
  rules.link_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx];
    const href = token.attrGet('href');
    if (href && !token.attrGet('title')) token.attrSet('title', href);
    return self.renderToken(tokens, idx, options);
  };
  rules.th_open = alignCellRule;
  rules.td_open = alignCellRule;
  return md;
}

let shared: MarkdownIt | undefined;
/** A lazily created shared instance (markdown-it instances are reusable and stateless). */
export function sharedMarkdown(): MarkdownIt {
  return (shared ??= createMarkdown());
}

type References = Record<string, { href: string; title: string }>;

/** A long message split at a top-level block boundary: see splitAtBlock. */
export interface MessageParts {
  head: string;
  tail: string;
  /** Code blocks in the head: the tail's first one is numbered after them. */
  headCodeBlocks: number;
  /** Every link reference definition of the message (they apply to the whole document). */
  references: References;
}

/**
 * Splits `text` before its last top-level block that leaves at least `minTail` characters after
 * it, so the end of a long reply (what a view opened at the bottom shows) can be rendered first:
 * renderPart(tail) then renderPart(head) in front of it is the one-shot render. Only the block
 * structure of the head is parsed here (its inline content waits for its own render). CommonMark
 * ends a top-level block for good when the next one starts, so a text that starts at a block
 * boundary parses as the rest of the whole did, except for link reference definitions, which are
 * handed to both parts. undefined when there is no such block (the text is short, or one block).
 */
export function splitAtBlock(text: string, minTail: number, md: MarkdownIt = sharedMarkdown()): MessageParts | undefined {
  if (text.length < 2 * minTail) return undefined;
  // As markdown-it's own first step does (so line numbers and offsets agree).
  const src = text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
  const env: { references?: References } = {};
  const tokens: Token[] = [];
  md.block.parse(src, md, env, tokens);
  const lineStarts = [0];
  for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  let split = -1;
  for (let i = tokens.length - 1; i > 0; i--) {
    const token = tokens[i];
    if (token.level !== 0 || token.nesting === -1 || !token.map) continue;
    if (src.length - lineStarts[token.map[0]] >= minTail) {
      split = i;
      break;
    }
  }
  if (split === -1) return undefined;
  const offset = lineStarts[tokens[split].map![0]];
  const headCodeBlocks = tokens.slice(0, split).filter((t) => t.type === 'fence' || t.type === 'code_block').length;
  return { head: src.slice(0, offset), tail: src.slice(offset), headCodeBlocks, references: env.references ?? {} };
}

/** Renders one part of a message split by splitAtBlock (code highlighted later). */
export function renderPart(text: string, codeActions: boolean, firstCodeBlock: number, references: References, md: MarkdownIt = sharedMarkdown()): string {
  return md.render(text, { ...newRenderEnv(codeActions, firstCodeBlock, true), references: { ...references } });
}

/**
 * One-shot render of a whole message. `highlightLater`: code blocks wait for laterHighlight()
 * (the DOM is then the same as without it).
 */
export function renderMarkdown(text: string, codeActions = true, md: MarkdownIt = sharedMarkdown(), highlightLater = false): string {
  return md.render(text, newRenderEnv(codeActions, 0, highlightLater));
}

/**
 * The highlighting of a code element rendered with `highlightLater`, as the one-shot render has it:
 * its text is the fence's content (the escaped text parses back to it exactly). `undefined` when
 * the element was not left for later.
 */
export function laterHighlight(code: { getAttribute(name: string): string | null; textContent: string | null }): string | undefined {
  const lang = code.getAttribute(HIGHLIGHT_LATER_ATTR);
  return lang === null ? undefined : highlightCode(code.textContent ?? '', lang);
}
