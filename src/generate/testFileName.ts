// Where Write Tests proposes the test file: named and placed after the project's own test files when
// there are any, else after the language's usual convention. Pure path work (posix, workspace-
// relative), no `vscode`. The rule (README, "Write Tests"):
// 1. the convention (foo.test.ts, foo.spec.ts, test_foo.py, foo_test.go, FooTest.java, …) is the one
//    most of the project's test files of that language follow; with none, the language's usual one;
// 2. the folder: Go tests always sit beside the code; otherwise beside the code when a test file of
//    that convention already sits there or most of them sit beside code (no `test`/`tests`/`spec`/…
//    folder in their path); otherwise the folder holding most of them (a Maven/Gradle `src/main/`
//    path maps to `src/test/`); with none found, beside the code (Maven/Gradle: `src/test/`; Rust:
//    `tests/`);
// 3. a name that is taken (a file on disk or an open editor) gets 2, 3, … after the code's name.
import * as path from 'node:path';

interface Convention {
  id: string;
  /** The test file's name for a code file's base name and extension. */
  name(base: string, ext: string): string;
  /** Whether a file name follows the convention. */
  matches(fileName: string): boolean;
  /** A glob of such files for an extension pattern ("ts" or "{ts,tsx}"). */
  glob(exts: string): string;
}

const JS_EXT = '(?:[cm]?[jt]sx?)';
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const C = {
  dotTest: { id: 'dotTest', name: (b, e) => `${b}.test.${e}`, matches: (f) => new RegExp(`\\.test\\.${JS_EXT}$`).test(f), glob: (x) => `**/*.test.${x}` },
  dotSpec: { id: 'dotSpec', name: (b, e) => `${b}.spec.${e}`, matches: (f) => new RegExp(`\\.spec\\.${JS_EXT}$`).test(f), glob: (x) => `**/*.spec.${x}` },
  testPrefix: { id: 'testPrefix', name: (b, e) => `test_${b}.${e}`, matches: (f) => /^test_.+\.\w+$/.test(f), glob: (x) => `**/test_*.${x}` },
  underscoreTest: { id: 'underscoreTest', name: (b, e) => `${b}_test.${e}`, matches: (f) => /_test\.\w+$/.test(f), glob: (x) => `**/*_test.${x}` },
  underscoreSpec: { id: 'underscoreSpec', name: (b, e) => `${b}_spec.${e}`, matches: (f) => /_spec\.\w+$/.test(f), glob: (x) => `**/*_spec.${x}` },
  classTest: { id: 'classTest', name: (b, e) => `${upperFirst(b)}Test.${e}`, matches: (f) => /Test\.\w+$/.test(f), glob: (x) => `**/*Test.${x}` },
  classTests: { id: 'classTests', name: (b, e) => `${upperFirst(b)}Tests.${e}`, matches: (f) => /Tests\.\w+$/.test(f), glob: (x) => `**/*Tests.${x}` },
  // Rust's integration tests: any file under tests/.
  plain: { id: 'plain', name: (b, e) => `${b}.${e}`, matches: () => false, glob: (x) => `**/tests/**/*.${x}` },
} satisfies Record<string, Convention>;

interface LanguageTests {
  /** Conventions in order of preference (the first is the default). */
  conventions: Convention[];
  /** Extensions whose test files count for this language. */
  extensions: string[];
  /** Where tests go when the project has none: beside the code unless said otherwise. */
  defaultFolder?: 'mavenTest' | 'rustTests';
  /** Tests must sit beside the code (Go's package rule). */
  alwaysBeside?: boolean;
}

const JS: LanguageTests = { conventions: [C.dotTest, C.dotSpec], extensions: ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'] };
const JVM = (ext: string): LanguageTests => ({ conventions: [C.classTest, C.classTests], extensions: [ext], defaultFolder: 'mavenTest' });

const LANGUAGES: Record<string, LanguageTests> = {
  typescript: JS,
  typescriptreact: JS,
  javascript: JS,
  javascriptreact: JS,
  vue: JS,
  python: { conventions: [C.testPrefix, C.underscoreTest], extensions: ['py'] },
  go: { conventions: [C.underscoreTest], extensions: ['go'], alwaysBeside: true },
  java: JVM('java'),
  kotlin: JVM('kt'),
  scala: { ...JVM('scala'), conventions: [C.classTest, C.classTests] },
  groovy: JVM('groovy'),
  csharp: { conventions: [C.classTests, C.classTest], extensions: ['cs'] },
  fsharp: { conventions: [C.classTests, C.classTest], extensions: ['fs'] },
  swift: { conventions: [C.classTests, C.classTest], extensions: ['swift'] },
  php: { conventions: [C.classTest], extensions: ['php'] },
  ruby: { conventions: [C.underscoreSpec, C.underscoreTest, C.testPrefix], extensions: ['rb'] },
  rust: { conventions: [C.plain, C.underscoreTest], extensions: ['rs'], defaultFolder: 'rustTests' },
  dart: { conventions: [C.underscoreTest], extensions: ['dart'] },
  elixir: { conventions: [C.underscoreTest], extensions: ['exs', 'ex'] },
  c: { conventions: [C.testPrefix, C.underscoreTest], extensions: ['c'] },
  cpp: { conventions: [C.underscoreTest, C.testPrefix], extensions: ['cpp', 'cc', 'cxx'] },
  lua: { conventions: [C.underscoreSpec, C.underscoreTest], extensions: ['lua'] },
  shellscript: { conventions: [C.dotTest, C.underscoreTest], extensions: ['sh', 'bats'] },
};

/** File extensions by language, for code without a file name (an untitled editor). */
const DEFAULT_EXT: Record<string, string> = {
  typescript: 'ts', typescriptreact: 'tsx', javascript: 'js', javascriptreact: 'jsx', python: 'py', go: 'go', java: 'java',
  kotlin: 'kt', csharp: 'cs', rust: 'rs', ruby: 'rb', php: 'php', swift: 'swift', c: 'c', cpp: 'cpp', dart: 'dart',
};

/** Path segments that mark a folder of tests. */
const TEST_FOLDERS = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'testing', 'Tests', 'UnitTests']);

/** Globs (for `vscode.workspace.findFiles`) of the test files that count for a language: one per convention. */
export function testFileGlobs(languageId: string): string[] {
  const lang = LANGUAGES[languageId];
  if (!lang) return [];
  const exts = lang.extensions.length === 1 ? lang.extensions[0] : `{${lang.extensions.join(',')}}`;
  return lang.conventions.map((c) => c.glob(exts));
}

/** Whether `file` (a path) is a test file for the language, by any of its conventions or a test folder. */
export function isTestFile(languageId: string, file: string): boolean {
  const lang = LANGUAGES[languageId];
  if (!lang) return false;
  const base = path.posix.basename(file);
  if (!lang.extensions.includes(extension(base))) return false;
  return lang.conventions.some((c) => c.matches(base)) || (lang.conventions[0] === C.plain && inTestFolder(file));
}

export interface TestFileChoice {
  /** Workspace-relative path of the proposed test file. */
  path: string;
  /** Whether it follows test files found in the project (else the language's default). */
  fromProject: boolean;
}

/**
 * The test file for `source` (workspace-relative, posix), given the project's test files of that
 * language (`testFiles`, workspace-relative) and whether a path is taken (see the rule above).
 */
export function chooseTestFile(source: string, languageId: string, testFiles: readonly string[], taken: (p: string) => boolean = () => false): TestFileChoice {
  const dir = path.posix.dirname(source);
  const file = path.posix.basename(source);
  const ext = extension(file) || DEFAULT_EXT[languageId] || 'txt';
  const base = extension(file) ? file.slice(0, -(ext.length + 1)) : file;
  const lang = LANGUAGES[languageId] ?? { conventions: [C.dotTest], extensions: [ext] };

  const relevant = testFiles.filter((f) => lang.extensions.includes(extension(f)));
  const counts = lang.conventions.map((c) => relevant.filter((f) => c.matches(path.posix.basename(f)) || (c === C.plain && inTestFolder(f))).length);
  const best = counts.reduce((bi, n, i) => (n > counts[bi] ? i : bi), 0);
  const convention = lang.conventions[best];
  const followed = relevant.filter((f) => convention.matches(path.posix.basename(f)) || (convention === C.plain && inTestFolder(f)));
  const fromProject = followed.length > 0;

  let folder: string;
  if (lang.alwaysBeside) folder = dir;
  else if (!fromProject) folder = defaultFolder(dir, lang);
  else if (followed.some((f) => path.posix.dirname(f) === dir)) folder = dir;
  else if (followed.filter((f) => !inTestFolder(f)).length * 2 > followed.length) folder = dir;
  else if (lang.defaultFolder === 'mavenTest' && /(^|\/)src\/main\//.test(`${dir}/`)) folder = mavenTestFolder(dir);
  else folder = mostCommonFolder(followed.filter(inTestFolder));

  const join = (name: string) => (folder === '.' ? name : `${folder}/${name}`);
  let candidate = join(convention.name(base, ext));
  for (let n = 2; taken(candidate) || candidate === source; n++) candidate = join(convention.name(`${base}${n}`, ext));
  return { path: candidate, fromProject };
}

/**
 * How the test file reaches the code, for the prompt: a relative module specifier without the
 * extension for JavaScript/TypeScript ("../src/foo"); undefined for other languages.
 */
export function importSpecifier(testFile: string, source: string, languageId: string): string | undefined {
  if (LANGUAGES[languageId] !== JS) return undefined;
  const target = source.replace(/\.[cm]?[jt]sx?$/, '');
  let rel = path.posix.relative(path.posix.dirname(testFile), target);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

function extension(file: string): string {
  const base = path.posix.basename(file);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1) : '';
}

function inTestFolder(file: string): boolean {
  return path.posix.dirname(file).split('/').some((s) => TEST_FOLDERS.has(s));
}

function defaultFolder(dir: string, lang: LanguageTests): string {
  if (lang.defaultFolder === 'mavenTest' && /(^|\/)src\/main\//.test(`${dir}/`)) return mavenTestFolder(dir);
  if (lang.defaultFolder === 'rustTests') return 'tests';
  return dir;
}

function mavenTestFolder(dir: string): string {
  return `${dir}/`.replace(/(^|\/)src\/main\//, '$1src/test/').replace(/\/$/, '');
}

/** The folder holding most of `files` (ties: the shorter path, then alphabetical). */
function mostCommonFolder(files: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const f of files) counts.set(path.posix.dirname(f), (counts.get(path.posix.dirname(f)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || a[0].localeCompare(b[0]))[0]?.[0] ?? '.';
}
