/**
 * Makes a model's replacement end the way the replaced text did. A selection of whole lines ends
 * with a line break, but code taken from a fenced block does not (the fence's last newline is
 * dropped), so applying it as-is would join the next line onto the last replaced one.
 */
export function matchTrailingLineBreak(original: string, replacement: string): string {
  const eol = /\r?\n$/.exec(original)?.[0];
  const replacementEol = /\r?\n$/.exec(replacement)?.[0];
  if (eol && !replacementEol) return replacement + eol;
  if (!eol && replacementEol) return replacement.slice(0, -replacementEol.length);
  return replacement;
}
