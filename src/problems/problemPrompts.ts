// Prompts for a problem (a diagnostic): Fix with GMI (a replacement for the lines around it, proposed
// through the refactor diff) and Explain this problem (a question in the sidebar chat). Pure string
// work, no `vscode`. The Fix reply's result is found by pickRefactorCode (src/code/codeBlocks.ts):
// the last fenced block labelled `result`, else the last fenced block.
import { fencedBlock, inlineCode } from '../chat/prompts';
import { indentsWithTabs } from '../refactor/replacement';

/** codeBlocks.ts's RESULT_LABEL (that module is in the lazily loaded bundle); a unit test keeps them equal. */
export const RESULT_LABEL = 'result';

/** A diagnostic, as the prompt describes it. Lines and columns are 1-based and inclusive. */
export interface ProblemInfo {
  message: string;
  severity: 'error' | 'warning';
  /** Who reported it, e.g. "ts", "json", "eslint". */
  source?: string;
  /** Its code, e.g. "2304" or "no-unused-vars". */
  code?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The code sent with a problem: whole lines of the file. */
export interface ProblemCode {
  /** The lines' text, without the last line's line break. */
  text: string;
  /** Workspace-relative path (or the file name of an untitled file). */
  fileName: string;
  languageId: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Whether the lines are the enclosing function (else lines around the problem). */
  isFunction: boolean;
}

/** Longest problem line quoted in the prompt. */
const MAX_QUOTED_LINE = 200;

export const FIX_SYSTEM_PROMPT = [
  'You fix problems reported by compilers, linters and language servers, inside a code editor.',
  'You receive one problem (its message, who reported it, its code and position) and whole lines of the file around it.',
  `Reply with the complete replacement for those lines in one fenced code block labelled \`${RESULT_LABEL}\` after the language (for example \`\`\`python ${RESULT_LABEL}), as the last code block of your reply:`,
  'every line, changed or not, so that it can replace them as they are.',
  'Fix the problem with the smallest correct change; keep everything else as it is: names, comments, formatting and indentation (tabs stay tabs).',
  'Do not show the original code or a "before" version in a code block.',
  'If the problem cannot be fixed within these lines, still reply with the lines and say why in one short sentence before the block.',
  'Write at most two short sentences before the block saying what you changed; nothing after it.',
].join(' ');

/** "error TS2304 (ts)" / "warning from eslint (no-unused-vars)" — who says what kind of problem. */
export function problemKind(p: ProblemInfo): string {
  const by = p.source ? ` reported by ${p.source}` : '';
  const code = p.code ? ` (${p.code})` : '';
  return `${p.severity}${by}${code}`;
}

/** "line 5, columns 3-9" / "lines 5-7" */
export function problemPosition(p: ProblemInfo): string {
  if (p.endLine > p.line) return `lines ${p.line}-${p.endLine} (from column ${p.column})`;
  return p.endColumn > p.column ? `line ${p.line}, columns ${p.column}-${p.endColumn}` : `line ${p.line}, column ${p.column}`;
}

/** The message as a Markdown quote (a message may have several lines). */
function quote(message: string): string {
  return message
    .trim()
    .split(/\r?\n/)
    .map((l) => `> ${l}`)
    .join('\n');
}

/** Where the problem is within the code block, with its line quoted. */
function locate(p: ProblemInfo, code: ProblemCode): string {
  const lines = code.text.split(/\r?\n/);
  const index = p.line - code.startLine;
  const line = lines[index];
  if (line === undefined || line.trim() === '') return `The problem is on line ${p.line} of the file.`;
  const trimmed = line.trim();
  const shown = trimmed.length > MAX_QUOTED_LINE ? `${trimmed.slice(0, MAX_QUOTED_LINE)}…` : trimmed;
  return `The problem is on line ${p.line} of the file (line ${index + 1} of the code below): ${inlineCode(shown)}`;
}

function describeCode(code: ProblemCode): string {
  const lines = code.startLine === code.endLine ? `line ${code.startLine}` : `lines ${code.startLine}-${code.endLine}`;
  return `${code.isFunction ? 'The enclosing function' : 'The code around it'}, ${lines} of ${inlineCode(code.fileName)} (${code.languageId})`;
}

/** The user message for Fix with GMI. */
export function buildFixMessage(p: ProblemInfo, code: ProblemCode): string {
  const info = code.languageId.replace(/[^A-Za-z0-9_+#.-]/g, '');
  const text = code.text.replace(/\r\n?/g, '\n');
  return [
    `Fix this ${problemKind(p)} at ${problemPosition(p)} of ${inlineCode(code.fileName)}:`,
    quote(p.message),
    locate(p, code),
    `${describeCode(code)}, whole lines${indentsWithTabs(text, '') ? ', indented with tabs (keep tabs)' : ''}:`,
    fencedBlock(text, code.languageId),
    `Reply with the complete replacement for these ${code.endLine - code.startLine + 1} line(s), with the same indentation, ` +
      `in one code block labelled \`${RESULT_LABEL}\` (\`\`\`${info} ${RESULT_LABEL}) as the last code block of your reply.`,
  ].join('\n\n');
}

/** The question for Explain this problem (sent to the sidebar chat). */
export function buildExplainProblemMessage(p: ProblemInfo, code: ProblemCode): string {
  return [
    `Explain this ${problemKind(p)} at ${problemPosition(p)} of ${inlineCode(code.fileName)}: ` +
      'what it means, why it happens in this code, and how to fix it.',
    quote(p.message),
    locate(p, code),
    `${describeCode(code)}:`,
    fencedBlock(code.text.replace(/\r\n?/g, '\n'), code.languageId),
  ].join('\n\n');
}

/** A problem's message cut to one short line, for a code action's title. */
export function shortMessage(message: string, max = 60): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
