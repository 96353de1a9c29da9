// The Refactor Selection prompt. Pure string work, no `vscode`. The reply's result is found by
// pickRefactorCode (src/code/codeBlocks.ts): the last fenced block labelled `result`, else the last
// fenced block — so the prompt asks for exactly that.
import { fencedBlock, inlineCode, type SelectionContext } from '../chat/prompts';
import { indentsWithTabs } from './replacement';

/**
 * The result fence's label: code/codeBlocks.ts's RESULT_LABEL (not imported: that module is in the
 * lazily loaded markdown bundle). A unit test checks that the two agree.
 */
const RESULT_LABEL = 'result';

export const DEFAULT_REFACTOR_INSTRUCTION = 'Improve readability and naming without changing behaviour';

export const REFACTOR_SYSTEM_PROMPT = [
  'You are a careful refactoring assistant inside a code editor.',
  'You receive code selected from a file and an instruction.',
  `Reply with the complete replacement for the selection in one fenced code block labelled \`${RESULT_LABEL}\` after the language (for example \`\`\`python ${RESULT_LABEL}), as the last code block of your reply:`,
  'every line of the selection, changed or not, so that it can replace the selection as it is.',
  'Do not show the original code or a "before" version in a code block.',
  'A selection may start in the middle of a line: the text before it on that line stays in the file, so the block starts where the selection starts.',
  'Keep the original indentation (tabs stay tabs, as Makefiles require) and the file’s style.',
  'Do not change behaviour unless the instruction asks for it.',
  'Write no commentary outside the code block; if something must be said, one short sentence before it.',
].join(' ');

/** What the prompt says about the selection beyond its text. */
export interface RefactorSelection extends SelectionContext {
  /** The text of the first line before the selection (empty when it starts at column 1). */
  linePrefix: string;
}

/** Longest line prefix quoted in the prompt; a longer one is shown by its end. */
const MAX_PREFIX_CHARS = 120;

function lineRange(sel: SelectionContext): string {
  return sel.startLine === sel.endLine ? `line ${sel.startLine}` : `lines ${sel.startLine}-${sel.endLine}`;
}

/** "The selection starts at column 9 of line 3, after `x = `…" — where the first line begins. */
export function describeSelectionStart(sel: RefactorSelection): string {
  if (sel.linePrefix === '') return `The selection starts at the beginning of line ${sel.startLine}.`;
  const column = sel.linePrefix.length + 1;
  if (sel.linePrefix.trim() === '') {
    const what = sel.linePrefix.includes('\t') ? 'indentation' : `${sel.linePrefix.length} spaces of indentation`;
    return `The selection starts at column ${column} of line ${sel.startLine}, after the line's ${what}: that indentation stays in the file, so the first line of your block must not repeat it.`;
  }
  const shown = sel.linePrefix.length > MAX_PREFIX_CHARS ? `…${sel.linePrefix.slice(-MAX_PREFIX_CHARS)}` : sel.linePrefix;
  return `The selection starts at column ${column} of line ${sel.startLine}, after ${inlineCode(shown)}: that text stays in the file, so your block must not repeat it.`;
}

export function buildRefactorMessage(sel: RefactorSelection, instruction: string): string {
  const what = instruction.trim() || DEFAULT_REFACTOR_INSTRUCTION;
  const info = sel.languageId.replace(/[^A-Za-z0-9_+#.-]/g, '');
  const text = sel.text.replace(/\r\n?/g, '\n');
  return [
    `Refactor ${lineRange(sel)} of ${inlineCode(sel.fileName)} (${sel.languageId}).`,
    describeSelectionStart(sel) + (indentsWithTabs(text, sel.linePrefix) ? ' The code is indented with tabs: keep tabs.' : ''),
    `Instruction: ${what}`,
    `Reply with the complete replacement for the selection, with the same indentation, in one code block labelled \`${RESULT_LABEL}\` ` +
      `(\`\`\`${info} ${RESULT_LABEL}) as the last code block of your reply. No commentary outside the block.`,
    fencedBlock(text, sel.languageId),
  ].join('\n\n');
}
