// The chat view's icons as shipped in dist/codicons/: codicon.css with the rules of the icons the view
// shows (src/protocol/codicons.ts) and codicon.ttf with their glyphs only (subset-font, i.e.
// HarfBuzz's subsetter). ~126 KB of font and ~34 KB of CSS become a few KB. Used by build.mjs and
// test/unit/webview-codicons.test.ts.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import subsetFont from 'subset-font';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CODICONS_DIST = path.join(ROOT, 'node_modules', '@vscode', 'codicons', 'dist');

/** One icon's rule in codicon.css: `.codicon-<name>:before { content: "\<hex>" }`, a line of its own. */
const ICON_RULE = /^\.codicon-([a-z0-9-]+):before \{ content: "\\([0-9a-f]+)" \}\n?/gm;

/** The names in src/protocol/codicons.ts (a TypeScript module, loaded through esbuild). */
export async function chatViewCodiconNames() {
  const { outputFiles } = await esbuild.build({ entryPoints: [path.join(ROOT, 'src', 'protocol', 'codicons.ts')], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
  const { CHAT_VIEW_CODICONS } = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
  return CHAT_VIEW_CODICONS;
}

/**
 * codicon.css with the rules of `names` only (the font face, the base rule and the modifiers stay).
 * Throws when a name has no rule: the icon would show as nothing.
 */
export function codiconCssFor(css, names) {
  const wanted = new Set(names);
  const found = new Set();
  const trimmed = css.replace(ICON_RULE, (rule, name) => {
    if (!wanted.has(name)) return '';
    found.add(name);
    return rule;
  });
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) throw new Error(`codicon.css has no rule for ${missing.join(', ')}`);
  return trimmed;
}

/** The characters the icon rules of `css` show (what the font must keep). */
export function codiconCharacters(css) {
  return [...css.matchAll(ICON_RULE)].map((m) => String.fromCodePoint(parseInt(m[2], 16))).join('');
}

/** What dist/codicons/ holds: `{ css, ttf }` for `names` (default: the chat view's). */
export async function chatViewCodicons(names) {
  names ??= await chatViewCodiconNames();
  const css = codiconCssFor(readFileSync(path.join(CODICONS_DIST, 'codicon.css'), 'utf8'), names);
  const ttf = await subsetFont(readFileSync(path.join(CODICONS_DIST, 'codicon.ttf')), codiconCharacters(css), { targetFormat: 'truetype' });
  return { css, ttf };
}
