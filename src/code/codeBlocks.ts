// Code blocks in a reply, found with the same markdown-it token stream the webview renders, so the
// block index a Copy/Insert/Apply button sends names the same block here. No `vscode` import.

import MarkdownIt from 'markdown-it';
import { growingCodeBlockNumber } from './growingBlock';

export interface CodeBlock {
  /** First word of the fence's info string; '' for indented blocks and bare fences. */
  lang: string;
  /** The code as written, indentation kept, without the one trailing newline the parser adds. */
  code: string;
  /** true for ``` / ~~~ fences, false for indented code blocks. */
  fenced: boolean;
}

let parser: MarkdownIt | undefined;

/** One parser for the process, created on first use (keeps activation cheap). */
function markdown(): MarkdownIt {
  parser ??= new MarkdownIt({ html: false });
  return parser;
}

/**
 * Every code block in `markdown`, in token order — the order the webview numbers them, including
 * blocks nested in lists and blockquotes.
 */
export function extractCodeBlocks(md: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const token of markdown().parse(md, {})) {
    if (token.type !== 'fence' && token.type !== 'code_block') continue;
    const content = token.content.endsWith('\n') ? token.content.slice(0, -1) : token.content;
    const fenced = token.type === 'fence';
    // Same reading of the info string as the webview's renderer (backslash escapes undone).
    const lang = fenced ? (markdown().utils.unescapeAll(token.info).trim().split(/\s+/)[0] ?? '') : '';
    blocks.push({ lang, code: content, fenced });
  }
  return blocks;
}

/** The number of the code block a still-streaming `md` is in the middle of writing, or -1. */
export function growingCodeBlock(md: string): number {
  return growingCodeBlockNumber(markdown().parse(md, {}), md);
}

/** The label a refactor reply puts on its result fence (```ts result); see REFACTOR_SYSTEM_PROMPT. */
export const RESULT_LABEL = 'result';
/** Labels of blocks that show the old code: never applied. */
const OLD_CODE_LABELS = ['before', 'original', 'old'];

/**
 * The code to apply from a refactor reply. The prompt asks for the result as the last fenced block,
 * labelled `result` after the language. So: the last block labelled `result`; without a label, the
 * last fenced block — never an earlier one, which is where models put a "before" version or the
 * original for comparison, and never one labelled `before`, `original` or `old`. Empty and
 * indented blocks don't count (indented prose is too easy to mistake for code). undefined when
 * there is no fenced block with any code in it.
 */
export function pickRefactorCode(reply: string): string | undefined {
  let lastLabelled: string | undefined;
  let last: string | undefined;
  for (const token of markdown().parse(reply, {})) {
    if (token.type !== 'fence' || token.content.trim() === '') continue;
    const words = markdown().utils.unescapeAll(token.info).trim().toLowerCase().split(/\s+/);
    if (words.some((w) => OLD_CODE_LABELS.includes(w))) continue;
    const code = token.content.endsWith('\n') ? token.content.slice(0, -1) : token.content;
    last = code;
    if (words.includes(RESULT_LABEL)) lastLabelled = code;
  }
  return lastLabelled ?? last;
}
