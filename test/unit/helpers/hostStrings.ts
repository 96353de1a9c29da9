// Finds English the extension host shows without localisation: string literals with words that reach
// a message, a button, a quick pick / input box, a progress title, a status bar item, a tooltip, an
// error or a notice, not inside vscode.l10n.t / l10n.t (whose message is the English to translate).
// Logs are not shown to users as UI and stay English. Used by test/unit/host-l10n.test.ts.
import ts from 'typescript';

export interface UnlocalisedString {
  line: number;
  text: string;
  where: string;
}

/** Calls whose string arguments are shown (every argument: messages, then their buttons). */
const SHOWING_CALLS = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'setStatusBarMessage', 'MarkdownString', 'CodeAction', 'Error', 'GmiError', 'LanguageModelError', 'TreeItem']);
/** Object properties and assignments that are shown. */
const SHOWN_PROPS = new Set([
  'title', 'prompt', 'placeHolder', 'placeholder', 'tooltip', 'detail', 'label', 'description', 'text', 'message',
  'notice', 'sentence', 'validationMessage', 'name', 'status', 'value',
]);
const WORD = /[A-Za-z]{2,}/;
/** Not words: codicon references, command ids, settings keys, URLs and paths on their own. */
const NOT_WORDS = /^(\$\([\w-]+\)|[\w-]+(\.[\w-]+)+|https?:\/\/\S+|[\w./-]+\/[\w./-]*|\w+Error)$/;

const isTranslation = (call: ts.CallExpression): boolean => {
  const callee = call.expression;
  return (ts.isIdentifier(callee) && callee.text === 't') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 't');
};

/** The string pieces of an expression that end up in its value (not keys/messages given to t()). */
export function literalParts(node: ts.Node, out: ts.Node[]): void {
  if (ts.isCallExpression(node)) {
    // l10n.t(message, …args): the message is the English to translate; its arguments may still be words
    if (isTranslation(node)) node.arguments.slice(1).forEach((a) => literalParts(a, out));
    return;
  }
  if (ts.isConditionalExpression(node)) {
    literalParts(node.whenTrue, out);
    literalParts(node.whenFalse, out);
    return;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind !== ts.SyntaxKind.PlusToken && node.operatorToken.kind !== ts.SyntaxKind.BarBarToken && node.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionToken) return;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node);
  else if (ts.isTemplateExpression(node)) {
    out.push(node.head);
    for (const span of node.templateSpans) {
      literalParts(span.expression, out);
      out.push(span.literal);
    }
  } else if (ts.isParenthesizedExpression(node) || ts.isBinaryExpression(node) || ts.isArrayLiteralExpression(node) || ts.isAsExpression(node)) {
    ts.forEachChild(node, (c) => literalParts(c, out));
  }
}

export const textOf = (n: ts.Node): string => (n as ts.LiteralLikeNode).text;

export function findUnlocalisedStrings(source: string, fileName = 'source.ts'): UnlocalisedString[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: UnlocalisedString[] = [];
  const report = (expr: ts.Node, where: string) => {
    const parts: ts.Node[] = [];
    literalParts(expr, parts);
    const words = parts.filter((p) => WORD.test(textOf(p)) && !NOT_WORDS.test(textOf(p).trim()));
    for (const p of words) found.push({ line: file.getLineAndCharacterOfPosition(p.getStart()).line + 1, text: textOf(p), where });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && !(ts.isCallExpression(node) && isTranslation(node))) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (SHOWING_CALLS.has(name) || (ts.isNewExpression(node) && name.endsWith('Error'))) (node.arguments ?? []).forEach((a) => (ts.isObjectLiteralExpression(a) ? undefined : report(a, `${name}()`)));
    }
    if (ts.isPropertyAssignment(node)) {
      const key = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : '';
      if (SHOWN_PROPS.has(key)) report(node.initializer, `${key}:`);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && SHOWN_PROPS.has(node.left.name.text)) {
      report(node.right, `.${node.left.name.text} =`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
