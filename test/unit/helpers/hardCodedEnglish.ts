// Finds words a webview source shows without the host's table: string literals that reach a
// user-visible place (textContent/title/placeholder…, setAttribute of such an attribute, h()'s
// visible attributes and text children, createTextNode, append and friends, and HTML text inside
// templates). A key passed to t() is not a word. Used by test/unit/webview-l10n.test.ts.
import ts from 'typescript';
import { literalParts, textOf } from './hostStrings';

export interface HardCodedWord {
  line: number;
  text: string;
  where: string;
}

const VISIBLE_PROPS = new Set(['textContent', 'innerText', 'title', 'placeholder', 'ariaLabel', 'alt', 'label', 'data']);
const VISIBLE_ATTRS = new Set(['title', 'aria-label', 'placeholder', 'alt', 'aria-description', 'aria-roledescription', 'aria-valuetext']);
const NODE_METHODS = new Set(['append', 'prepend', 'replaceChildren', 'before', 'after', 'replaceWith', 'createTextNode', 'appendData', 'insertData']);
const WORD = /[A-Za-z]{2,}/;
const HOLE = '\u0001';
const HTML_TAG = /<\/?[A-Za-z][^>]*>/g;
const HTML_VISIBLE_ATTR = /\b(?:title|aria-label|placeholder|alt)="([^"]*)"/g;

/** The literal text of a `+` chain / template, with a hole for each expression in it. */
function joinedText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => HOLE + s.literal.text).join('');
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return (joinedText(node.left) ?? HOLE) + (joinedText(node.right) ?? HOLE);
  }
  if (ts.isParenthesizedExpression(node)) return joinedText(node.expression);
  return undefined;
}

/** HTML built as text: words between its tags, or in a visible attribute of one. */
function htmlWords(text: string): string[] {
  if (!/<\/?[A-Za-z]/.test(text)) return [];
  const words: string[] = [];
  for (const m of text.matchAll(HTML_VISIBLE_ATTR)) if (WORD.test(m[1].split(HOLE).join(' '))) words.push(m[0]);
  const between = text.replace(HTML_TAG, HOLE).replace(/&\w+;/g, '').split(HOLE).filter((s) => WORD.test(s));
  return [...words, ...between];
}


export function findHardCodedEnglish(source: string, fileName = 'source.ts'): HardCodedWord[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: HardCodedWord[] = [];
  const report = (expr: ts.Node, where: string) => {
    const parts: ts.Node[] = [];
    literalParts(expr, parts);
    for (const p of parts) {
      const text = textOf(p);
      if (WORD.test(text)) found.push({ line: file.getLineAndCharacterOfPosition(p.getStart()).line + 1, text, where });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = node.left;
      if (ts.isPropertyAccessExpression(target) && VISIBLE_PROPS.has(target.name.text)) report(node.right, `.${target.name.text} =`);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const args = node.arguments;
      if (name === 'setAttribute' && args.length === 2 && ts.isStringLiteral(args[0]) && VISIBLE_ATTRS.has(args[0].text)) {
        report(args[1], `setAttribute('${args[0].text}')`);
      } else if (name === 'h' && args.length >= 2) {
        const attrs = args[2];
        if (attrs && ts.isObjectLiteralExpression(attrs)) {
          for (const prop of attrs.properties) {
            if (!ts.isPropertyAssignment(prop)) continue;
            const key = ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) ? prop.name.text : '';
            if (VISIBLE_ATTRS.has(key)) report(prop.initializer, `h() ${key}`);
          }
        }
        args.slice(3).forEach((child) => report(child, 'h() child'));
      } else if (NODE_METHODS.has(name)) {
        args.forEach((a) => report(a, `${name}()`));
      }
    }
    const outermost = node.parent !== undefined && !(ts.isBinaryExpression(node.parent) && node.parent.operatorToken.kind === ts.SyntaxKind.PlusToken) && !ts.isParenthesizedExpression(node.parent);
    const joined = outermost ? joinedText(node) : undefined;
    if (joined !== undefined) {
      for (const text of htmlWords(joined)) found.push({ line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1, text, where: 'HTML text' });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
