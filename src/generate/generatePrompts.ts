// Prompts for Document (doc comments for the selected code, proposed through the refactor diff) and
// Write Tests (a new test file). Pure string work, no `vscode`. Both replies are read by
// pickRefactorCode (src/code/codeBlocks.ts): the last block labelled `result`, else the last block.
import { fencedBlock, inlineCode, type SelectionContext } from '../chat/prompts';
import { RESULT_LABEL } from '../problems/problemPrompts';
import { indentsWithTabs } from '../refactor/replacement';

/** Each language's documentation-comment convention, as the prompt names it. */
const DOC_CONVENTIONS: Record<string, string> = {
  typescript: 'TSDoc comments (`/** … */`) directly above each declaration, with @param and @returns where they help; no types in the tags (the signature has them)',
  typescriptreact: 'TSDoc comments (`/** … */`) directly above each declaration and component, with @param and @returns where they help; no types in the tags',
  javascript: 'JSDoc comments (`/** … */`) directly above each declaration, with @param {type} and @returns {type}',
  javascriptreact: 'JSDoc comments (`/** … */`) directly above each declaration and component, with @param {type} and @returns {type}',
  python: 'docstrings (PEP 257, triple double quotes) as the first statement of each function, class and method, with Args/Returns/Raises sections where they help',
  java: 'Javadoc comments (`/** … */`) directly above each class, method and field, with @param, @return and @throws',
  kotlin: 'KDoc comments (`/** … */`) directly above each declaration, with @param, @return and @throws',
  scala: 'Scaladoc comments (`/** … */`) directly above each declaration, with @param, @return and @throws',
  csharp: 'XML documentation comments (`///` with <summary>, <param>, <returns> and <exception>) directly above each member',
  fsharp: 'XML documentation comments (`///`) directly above each declaration',
  go: 'Go doc comments: `//` lines directly above each declaration, starting with the declared name (“// Sum returns …”)',
  rust: 'rustdoc comments: `///` Markdown lines directly above each item, with # Errors / # Panics / # Examples sections where they apply',
  c: 'Doxygen comments (`/** … */` with @brief, @param and @return) directly above each function and type',
  cpp: 'Doxygen comments (`/** … */` with @brief, @param, @return and @throws) directly above each function, class and member',
  'objective-c': 'HeaderDoc/Doxygen comments (`/** … */`) directly above each declaration',
  swift: 'Swift Markdown doc comments (`///` with - Parameters:, - Returns: and - Throws:) directly above each declaration',
  php: 'PHPDoc comments (`/** … */` with @param, @return and @throws) directly above each class, method and function',
  ruby: 'YARD comments (`#` lines with @param, @return and @raise) directly above each method and class',
  dart: 'Dart doc comments (`///` Markdown lines) directly above each declaration',
  elixir: '@moduledoc and @doc attributes (heredoc strings) for each module and public function',
  lua: 'LuaLS/EmmyLua annotations (`---` lines with @param and @return) directly above each function',
  r: "roxygen2 comments (`#'` lines with @param and @return) directly above each function",
  shellscript: '`#` comment blocks directly above each function describing its arguments, output and exit status',
  powershell: 'comment-based help (`<# .SYNOPSIS .DESCRIPTION .PARAMETER .OUTPUTS #>`) at the start of each function',
  sql: '`--` comments above each statement or object describing its purpose',
  haskell: 'Haddock comments (`-- |` lines) directly above each top-level declaration',
  perl: 'POD sections (`=head2` … `=cut`) above each subroutine',
};

/** The documentation convention for a language (a sensible default for unlisted ones). */
export function docConvention(languageId: string): string {
  return DOC_CONVENTIONS[languageId] ?? `the documentation-comment convention usual for ${languageId}, directly above (or at the start of) each declaration`;
}

export const DOCUMENT_SYSTEM_PROMPT = [
  'You write documentation comments for code inside a code editor.',
  'You receive whole lines of a file and its language.',
  'Add a documentation comment, in the language’s convention, to every function, method, class, type and exported constant in them that lacks one;',
  'keep existing comments, improving them only when they are wrong.',
  'Say what each thing does, its parameters, what it returns and what it throws, briefly; do not restate the obvious.',
  'Do not change any code: only comments may be added or changed.',
  `Reply with the complete replacement for the lines in one fenced code block labelled \`${RESULT_LABEL}\` after the language (for example \`\`\`python ${RESULT_LABEL}), as the last code block of your reply:`,
  'every line, so that it can replace them as they are, with the original indentation (tabs stay tabs).',
  'Do not show the original code in a code block. No commentary outside the block.',
].join(' ');

function lineRange(sel: SelectionContext): string {
  return sel.startLine === sel.endLine ? `line ${sel.startLine}` : `lines ${sel.startLine}-${sel.endLine}`;
}

/** The user message for Document. */
export function buildDocumentMessage(sel: SelectionContext): string {
  const info = sel.languageId.replace(/[^A-Za-z0-9_+#.-]/g, '');
  const text = sel.text.replace(/\r\n?/g, '\n');
  return [
    `Document ${lineRange(sel)} of ${inlineCode(sel.fileName)} (${sel.languageId}), whole lines${indentsWithTabs(text, '') ? ', indented with tabs (keep tabs)' : ''}.`,
    `Convention: ${docConvention(sel.languageId)}.`,
    `Reply with the complete lines, documented, in one code block labelled \`${RESULT_LABEL}\` (\`\`\`${info} ${RESULT_LABEL}) as the last code block of your reply. No commentary outside the block.`,
    fencedBlock(text, sel.languageId),
  ].join('\n\n');
}

export const TESTS_SYSTEM_PROMPT = [
  'You write unit tests inside a code editor.',
  'You receive code from a file, the path the new test file will have, and, when the project has one, an existing test file to follow.',
  'Write one complete, runnable test file for that code: the imports it needs, the project’s test framework and style (from the example; else the language’s most common framework),',
  'tests for the normal cases, the edge cases and the errors, each with a name that says what it checks. Test behaviour through the public interface; do not invent functions the code does not have.',
  `Reply with the whole test file in one fenced code block labelled \`${RESULT_LABEL}\` after the language (for example \`\`\`python ${RESULT_LABEL}), as the last code block of your reply.`,
  'At most one short sentence before the block; nothing after it.',
].join(' ');

export interface TestsRequest {
  /** The code to test (a selection, or the file). */
  code: SelectionContext;
  /** Whether `code` is the whole file. */
  wholeFile: boolean;
  /** Workspace-relative path of the test file to be. */
  testFile: string;
  /** How the test file imports the code, when it can be said (JavaScript/TypeScript). */
  importSpecifier?: string;
  /** An existing test file of the project (its beginning), for the framework and style. */
  example?: { fileName: string; text: string };
}

/** The user message for Write Tests. */
export function buildTestsMessage(r: TestsRequest): string {
  const what = r.wholeFile ? `the file ${inlineCode(r.code.fileName)}` : `${lineRange(r.code)} of ${inlineCode(r.code.fileName)}`;
  const parts = [
    `Write unit tests for ${what} (${r.code.languageId}).`,
    `The tests will be saved as ${inlineCode(r.testFile)}` +
      (r.importSpecifier ? `; from there the code is imported as ${inlineCode(r.importSpecifier)}.` : '.'),
    fencedBlock(r.code.text.replace(/\r\n?/g, '\n'), r.code.languageId),
  ];
  if (r.example) {
    parts.push(
      `An existing test file of this project, ${inlineCode(r.example.fileName)} (its beginning): follow its framework, imports and style.`,
      fencedBlock(r.example.text.replace(/\r\n?/g, '\n'), r.code.languageId),
    );
  }
  parts.push(`Reply with the whole test file in one code block labelled \`${RESULT_LABEL}\` as the last code block of your reply.`);
  return parts.join('\n\n');
}
