// The Commit Message prompt: the diff cut to fit, the request, and cleaning the streamed reply for
// the Source Control input box. Pure string work, no `vscode`.
//
// Cutting the diff (README, "Commit message"): the diff is split per file; lock files and minified
// or generated files are named with their contents left out; then files are taken whole, smallest
// first (so that as many as possible are described in full), while they fit; the first file that
// does not fit is cut at a line break if at least a quarter of the budget is left; every file after
// that is named only. Files keep git's order in what is sent. The notice says how many files were
// sent in full.
import * as l10n from '../l10n';
import { cutText, estimateTokens, formatCount } from '../chat/context';
import { fencedBlock, inlineCode } from '../chat/prompts';

/** Files whose diff says nothing a commit message needs. */
const LEFT_OUT = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|Gemfile\.lock|composer\.lock|go\.sum|flake\.lock|packages\.lock\.json)$|\.(min\.js|min\.css|map|snap)$/;

export const COMMIT_SYSTEM_PROMPT = [
  'You write git commit messages from diffs.',
  'Use the Conventional Commits format: a subject line `type(scope): summary`, where type is one of feat, fix, docs, style, refactor, perf, test, build, ci, chore or revert,',
  'the scope is optional (a module or area, in the repository’s own words), and the summary is in the imperative mood, starts lower case, has no final period, and keeps the whole line within 72 characters.',
  'When the change needs explaining, add a blank line and a body wrapped at 72 columns that says what changed and why (not how), as short paragraphs or `-` bullets.',
  'Mark a breaking change with `!` after the type and a `BREAKING CHANGE:` footer.',
  'Describe only what the diff shows. Reply with the commit message only: no code fence, no quotes, no commentary.',
].join(' ');

export interface FittedDiff {
  /** The diff to send (whole files, maybe one cut, placeholders for left-out ones). */
  text: string;
  /** Files whose diff was not sent, or not whole (their names are still sent). */
  notShown: string[];
  /** How many files the diff has. */
  files: number;
  /** Set when not every file was sent in full. */
  notice?: string;
}

/** One file's part of a `git diff`. */
interface FileDiff {
  file: string;
  text: string;
}

/** Splits a `git diff` into its files ("diff --git a/x b/y" starts each). */
export function splitDiff(diff: string): FileDiff[] {
  const parts: FileDiff[] = [];
  const starts: number[] = [];
  if (diff.startsWith('diff --git ')) starts.push(0);
  for (let i = diff.indexOf('\ndiff --git '); i >= 0; i = diff.indexOf('\ndiff --git ', i + 1)) starts.push(i + 1);
  if (starts.length === 0) return diff.trim() ? [{ file: '(diff)', text: diff }] : [];
  if (starts[0] > 0 && diff.slice(0, starts[0]).trim()) parts.push({ file: '(diff)', text: diff.slice(0, starts[0]) });
  starts.forEach((s, k) => {
    const text = diff.slice(s, k + 1 < starts.length ? starts[k + 1] : diff.length);
    const header = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
    const m = / b\/(.+)$/.exec(header);
    parts.push({ file: m ? m[1] : header.slice('diff --git '.length), text });
  });
  return parts;
}

/** The diff cut to `budgetTokens` by the rule at the top of this file. */
export function fitDiff(diff: string, budgetTokens: number): FittedDiff {
  const files = splitDiff(diff);
  const parts: string[] = files.map(() => '');
  const notShown: string[] = [];
  let left = budgetTokens;
  const counted: number[] = [];
  files.forEach((f, i) => {
    if (LEFT_OUT.test(f.file)) {
      parts[i] = `diff --git a/${f.file} b/${f.file}\n(changed; contents left out)\n`;
      left -= estimateTokens(parts[i]);
    } else {
      counted.push(i);
    }
  });
  // Smallest first, so that as many files as possible are described in full.
  const bySize = counted.map((i) => ({ i, cost: estimateTokens(files[i].text) })).sort((a, b) => a.cost - b.cost || a.i - b.i);
  let full = 0;
  let stopped = false;
  for (const { i, cost } of bySize) {
    if (!stopped && cost <= left) {
      parts[i] = files[i].text;
      left -= cost;
      full++;
      continue;
    }
    if (!stopped && left >= budgetTokens / 4) {
      const cut = cutText(files[i].text, left - 20, l10n.t('Diff'));
      parts[i] = `${cut.text}\n[… the rest of this file's diff was cut]\n`;
    }
    stopped = true;
    notShown.push(files[i].file);
  }
  const result: FittedDiff = { text: parts.join(''), notShown, files: files.length };
  if (notShown.length > 0) {
    result.notice = l10n.t("The changes were cut to fit the model's context: {0} of {1} files were sent in full; the others by name only.", formatCount(full), formatCount(counted.length));
  }
  return result;
}

export interface CommitRequest {
  diff: FittedDiff;
  /** Whether the diff is of the staged changes (else of every change, nothing being staged). */
  staged: boolean;
  /** New files git does not track yet (their contents are not in the diff). */
  untracked: readonly string[];
  branch?: string;
  /** Subjects of recent commits, for the repository's scopes and wording. */
  recentSubjects: readonly string[];
  /** What the user had typed in the input box, taken as notes. */
  draft?: string;
}

/** The user message for Commit Message. */
export function buildCommitPrompt(r: CommitRequest): string {
  const parts = [
    r.staged
      ? 'Write the commit message for the staged changes below.'
      : 'Write the commit message for the changes below (nothing is staged, so this is every change in the working tree).',
  ];
  if (r.branch) parts.push(`Branch: ${inlineCode(r.branch)}.`);
  if (r.draft?.trim()) parts.push(`The author's notes for this message (use them):\n\n${r.draft.trim().split(/\r?\n/).map((l) => `> ${l}`).join('\n')}`);
  if (r.recentSubjects.length > 0) {
    parts.push(`Recent commit subjects in this repository, for its scopes and wording (the format stays Conventional Commits):\n\n${r.recentSubjects.map((s) => `- ${s}`).join('\n')}`);
  }
  if (r.untracked.length > 0) parts.push(`New files (contents not shown): ${r.untracked.map((f) => inlineCode(f)).join(', ')}.`);
  if (r.diff.text.trim()) parts.push(fencedBlock(r.diff.text, 'diff'));
  if (r.diff.notShown.length > 0) parts.push(`Also changed, not shown to fit: ${r.diff.notShown.map((f) => inlineCode(f)).join(', ')}.`);
  return parts.join('\n\n');
}

/**
 * The commit message in a (possibly partial) reply: a model that wraps it in a code fence or
 * starts with blank lines anyway gets those removed, so the input box shows only the message.
 */
export function cleanCommitMessage(reply: string): string {
  let text = reply.replace(/\r\n?/g, '\n').replace(/^\s*\n/, '');
  const fence = /^ {0,3}(`{3,}|~{3,})[^\n]*(\n|$)/.exec(text);
  if (fence) {
    text = text.slice(fence[0].length);
    const close = text.search(new RegExp(`(^|\\n) {0,3}${fence[1][0] === '`' ? '`' : '~'}{${fence[1].length},}[ \\t]*(\\n|$)`));
    if (close >= 0) text = text.slice(0, close);
    // A closing fence still arriving ("`", "``") is not shown.
    else text = text.replace(/(^|\n) {0,3}(`+|~+)$/, '$1');
  } else if (/^ {0,3}(`{1,2}|~{1,2})$/.test(text)) {
    text = '';
  }
  return text.trimEnd();
}
