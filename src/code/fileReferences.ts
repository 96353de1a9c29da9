// File references in replies: `src/app.ts`, `src/app.ts:12`, `app.ts:12:5`, `src/app.ts#L12`.
// The webview marks them (they stay text until the host says the file exists in the workspace);
// the host checks every reference it is asked about against this same grammar and the reply's
// text before it looks anything up. Pure: no DOM, no `vscode`.
import { MAX_FILE_REF_CHARS } from '../protocol/messages';

export interface FileReference {
  /** Relative path with `/` separators, no `.` or `..` segments. */
  path: string;
  /** 1-based. */
  line?: number;
  column?: number;
}


/** A file or folder name: letters, digits, `_ @ + - .`; a leading dot allowed (`.github`), `..` not. */
const NAME = String.raw`\.?[\w@+-][\w@+.-]*`;
/** A file name with an extension: `app.ts`, `.eslintrc.json`. */
const FILE = String.raw`\.?[\w@+-][\w@+.-]*\.[A-Za-z0-9]{1,12}`;
const LINE = String.raw`(?::(\d{1,7})(?::(\d{1,7}))?|#L(\d{1,7})(?:-L?\d{1,7})?)`;

/**
 * A reference in prose: a path with at least one `/` ending in a file with an extension
 * (optionally `./`-prefixed), or a bare file name followed by a line. Not part of a longer word,
 * path or address: an absolute path (`/etc/x.conf`) or `a/../b.ts` never matches.
 */
const IN_TEXT = new RegExp(
  String.raw`(?<![\w@+./\\:#~-])((?:\./)?(?:${NAME}/)+${FILE}${LINE}?|${FILE}${LINE})(?![\w@+/\\-]|\.\w|:\d)`,
  'g',
);
const WHOLE = new RegExp(String.raw`^(?:\./)?((?:${NAME}/)*${FILE})${LINE}?$`);

/** Parses a whole reference; undefined for anything else (absolute paths, `..`, schemes, spaces). */
export function parseFileRef(ref: string): FileReference | undefined {
  if (ref.length > MAX_FILE_REF_CHARS) return undefined;
  const m = WHOLE.exec(ref);
  if (!m) return undefined;
  const path = m[1];
  if (path.split('/').some((s) => s === '.' || s === '..')) return undefined;
  const line = Number(m[2] ?? m[4] ?? NaN);
  const column = Number(m[3] ?? NaN);
  return {
    path,
    ...(line >= 1 ? { line } : {}),
    ...(line >= 1 && column >= 1 ? { column } : {}),
  };
}

/** True for a reference that may stand alone in prose or a code span: a path with `/` or a line. */
export function isProseFileRef(ref: string): boolean {
  const parsed = parseFileRef(ref);
  return parsed !== undefined && (parsed.path.includes('/') || parsed.line !== undefined);
}

/** The references in a run of prose, with their offsets. */
export function findFileRefs(text: string): Array<{ start: number; end: number; ref: string }> {
  const out: Array<{ start: number; end: number; ref: string }> = [];
  if (!text.includes('/') && !text.includes(':') && !text.includes('#')) return out;
  for (const m of text.matchAll(IN_TEXT)) {
    const ref = m[1];
    if (!parseFileRef(ref)) continue;
    out.push({ start: m.index!, end: m.index! + ref.length, ref });
  }
  return out;
}
