// Code blocks in a reply, found with the same markdown-it token stream the webview renders, so the
// block index a Copy/Insert/Apply button sends names the same block here. No `vscode` import.

import MarkdownIt from 'markdown-it';

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

/**
 * The code to apply from a refactor reply: its single fenced block, or the largest when there are
 * several (models sometimes add a usage example). Indented blocks don't count: indented prose is
 * too easy to mistake for code. undefined when there is no fenced block with any code in it.
 */
export function pickRefactorCode(reply: string): string | undefined {
  let best: string | undefined;
  for (const block of extractCodeBlocks(reply)) {
    if (!block.fenced || block.code.trim() === '') continue;
    if (best === undefined || block.code.length > best.length) best = block.code;
  }
  return best;
}
