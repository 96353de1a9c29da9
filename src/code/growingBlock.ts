// Which code block of a streaming reply is still being written. Shared by the webview (its Copy /
// Insert / Apply stay disabled on that block) and the host (which refuses them there too). Works on
// markdown-it tokens; no markdown-it import, so either bundle can use it.
import type Token from 'markdown-it/lib/token.mjs';

const isCode = (t: Token): boolean => t.type === 'fence' || t.type === 'code_block';

function lineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

/** Lines of a fence's content as markdown-it collected them (each ends with \n but maybe the last). */
function contentLines(content: string): number {
  if (content === '') return 0;
  return lineBreaks(content) + (content.endsWith('\n') ? 0 : 1);
}

/**
 * Index in `tokens` (parsed from `src`) of the code block that more text could still extend, or -1.
 * Only the last code block can be: one that another block follows is over. Of the last one, an
 * indented block can always take more lines; a fence is over once its closing line is complete
 * (a closing "```" not yet followed by a line break could still become "```js").
 */
export function growingCodeBlock(tokens: readonly Token[], src: string): number {
  let last = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (isCode(tokens[i])) {
      last = i;
      break;
    }
  }
  if (last === -1) return -1;
  const code = tokens[last];
  const [first, end] = code.map ?? [0, 0];
  for (let i = last + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.nesting >= 0 && t.map && t.map[0] >= end) return -1;
  }
  if (code.type === 'code_block') return last;
  // A closed fence spans its opening line, its content and its closing line.
  const closed = end - first - 1 > contentLines(code.content);
  return closed && lineBreaks(src) >= end ? -1 : last;
}

/** The same, as a code-block number (the index Copy / Insert / Apply name), or -1. */
export function growingCodeBlockNumber(tokens: readonly Token[], src: string): number {
  const index = growingCodeBlock(tokens, src);
  if (index === -1) return -1;
  let n = 0;
  for (let i = 0; i < index; i++) if (isCode(tokens[i])) n++;
  return n;
}
