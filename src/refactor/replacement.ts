// Fitting a model's code to the exact range it replaces. Pure string work, no `vscode`.
// Code taken from a fenced block has lost what the selection had around it: the text before the
// selection on its first line, the indentation a model drops or turns into spaces, the line break
// a whole-line selection ended with, and the document's CRLF line ends (markdown-it reads \n only).

/** The selection a replacement is for. */
export interface ReplacedText {
  /** The selected text, as in the document. */
  text: string;
  /** The first line's text before the selection ('' when the selection starts at column 1). */
  linePrefix: string;
  /** The document's line break. */
  eol: '\n' | '\r\n';
}

const leadingSpace = (line: string): string => /^[ \t]*/.exec(line)![0];
const isBlank = (line: string): boolean => line.trim() === '';

/**
 * True when the selection's indented lines (the first counted with the text before it) are
 * indented with tabs and none with spaces — a Makefile recipe, a Go file, a tab-indented project.
 */
export function indentsWithTabs(text: string, linePrefix: string): boolean {
  const indents = (linePrefix + text)
    .split(/\r?\n/)
    .filter((l) => !isBlank(l))
    .map(leadingSpace)
    .filter((i) => i !== '');
  return indents.length > 0 && indents.every((i) => i.startsWith('\t'));
}

/**
 * Leading spaces become tabs: the smallest space indentation in the replacement is taken as one
 * level (a model writes 4 or 8 spaces for a Makefile's one tab); spaces left over after whole
 * levels stay (alignment).
 */
function spacesToTabs(lines: string[]): string[] {
  const widths = lines.filter((l) => !isBlank(l)).map((l) => /^\t* */.exec(l)![0].replace(/\t/g, '').length).filter((n) => n > 0);
  if (widths.length === 0) return lines;
  const unit = Math.min(...widths);
  return lines.map((line) => {
    const m = /^(\t*)( *)/.exec(line)!;
    if (m[2] === '' || isBlank(line)) return line;
    const levels = Math.floor(m[2].length / unit);
    return m[1] + '\t'.repeat(levels) + ' '.repeat(m[2].length - levels * unit) + line.slice(m[0].length);
  });
}

/** The indentation of the least indented non-blank line, or undefined when there is none. */
function smallestIndent(lines: string[]): string | undefined {
  let best: string | undefined;
  for (const l of lines) {
    if (isBlank(l)) continue;
    const i = leadingSpace(l);
    if (best === undefined || i.length < best.length) best = i;
  }
  return best;
}

/**
 * Makes a model's replacement fit the range it replaces:
 * 1. tabs: when the selection indents with tabs, leading spaces in the replacement become tabs;
 * 2. a selection starting mid-line: a first line repeating the text before the selection (or,
 *    when that text is only indentation, any indentation) loses it;
 * 3. indentation: when every line after the first (every line, for a whole-line selection) lost
 *    its indentation, the selection's is put back;
 * 4. the line break a whole-line selection ended with is kept, and none is added;
 * 5. line breaks are the document's.
 */
export function fitReplacement(replacement: string, replaced: ReplacedText): string {
  const original = replaced.text.replace(/\r\n?/g, '\n');
  const prefix = replaced.linePrefix;
  let lines = replacement.replace(/\r\n?/g, '\n').split('\n');

  if (indentsWithTabs(original, prefix)) lines = spacesToTabs(lines);

  if (prefix !== '') {
    const first = lines[0];
    if (prefix.trim() === '') {
      // The selection starts after (or inside) the indentation: its first line carries none.
      if (!/^[ \t]/.test(original)) lines[0] = first.trimStart();
    } else if (first.startsWith(prefix)) {
      lines[0] = first.slice(prefix.length);
    } else if (prefix.trimStart() !== '' && first.trimStart().startsWith(prefix.trimStart())) {
      lines[0] = first.trimStart().slice(prefix.trimStart().length);
    }
  }

  // Lines whose indentation is absolute in the file: all for a whole-line selection, else all but
  // the first (whose indentation is the prefix's). A one-line selection after indentation gives
  // its prefix as the indentation new lines need.
  const originalLines = original.split('\n');
  const from = prefix === '' ? 0 : 1;
  const want = smallestIndent(originalLines.slice(from)) ?? (prefix.trim() === '' && prefix !== '' ? prefix : undefined);
  const have = smallestIndent(lines.slice(from));
  if (want && have === '') {
    for (let i = from; i < lines.length; i++) if (!isBlank(lines[i])) lines[i] = want + lines[i];
  }

  let text = lines.join('\n');
  const endsWithBreak = original.endsWith('\n');
  if (endsWithBreak && !text.endsWith('\n')) text += '\n';
  else if (!endsWithBreak && text.endsWith('\n')) text = text.slice(0, -1);
  return replaced.eol === '\n' ? text : text.replace(/\n/g, replaced.eol);
}
