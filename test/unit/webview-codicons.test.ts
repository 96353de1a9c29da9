// The chat view's icons: the build (scripts/codicons.mjs) ships only the CSS rules and font glyphs of
// CHAT_VIEW_CODICONS, so every icon the view can show must be in that list (a type error where
// icon() is called; this test for class names written into HTML strings), every name must be a real
// codicon, and each kept glyph must be the original's outline under the same character.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHAT_VIEW_CODICONS } from '../../src/protocol/codicons';

const ROOT = path.resolve(__dirname, '..', '..');

interface CodiconsScript {
  CODICONS_DIST: string;
  chatViewCodiconNames(): Promise<string[]>;
  codiconCssFor(css: string, names: readonly string[]): string;
  codiconCharacters(css: string): string;
  chatViewCodicons(names?: readonly string[]): Promise<{ css: string; ttf: Uint8Array }>;
}
type HarfBuzz = typeof import('harfbuzzjs');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(ts|css)$/.test(e.name) ? [p] : [];
  });
}

describe('webview: the codicons it ships', function () {
  this.timeout(60_000); // the font subsetter and the shaper are WebAssembly, compiled on first use
  let script: CodiconsScript;
  let hb: HarfBuzz;
  let fullCss: string;
  before(async () => {
    script = (await import(path.join(ROOT, 'scripts', 'codicons.mjs'))) as CodiconsScript;
    hb = (await import('harfbuzzjs')) as HarfBuzz;
    fullCss = fs.readFileSync(path.join(script.CODICONS_DIST, 'codicon.css'), 'utf8');
  });

  it('the build reads the same list the view is typed with', async () => {
    assert.deepEqual(await script.chatViewCodiconNames(), [...CHAT_VIEW_CODICONS]);
  });

  it('the CSS keeps the font face, the base rule and the rule of each listed icon, and no other icon', () => {
    const css = script.codiconCssFor(fullCss, CHAT_VIEW_CODICONS);
    const kept = [...css.matchAll(/^\.codicon-([a-z0-9-]+):before \{/gm)].map((m) => m[1]);
    assert.deepEqual(kept.sort(), [...CHAT_VIEW_CODICONS].sort());
    assert.match(css, /@font-face \{[^}]*font-family: "codicon";[^}]*codicon\.ttf/);
    assert.match(css, /\.codicon\[class\*='codicon-'\] \{[^}]*font: normal normal normal 16px\/1 codicon;/);
    const rulesInFull = fullCss.split('\n').filter((l) => /^\.codicon-[a-z0-9-]+:before \{ content: "\\[0-9a-f]+" \}$/.test(l)).length;
    assert.ok(rulesInFull > 400, `the full file's ${rulesInFull} icon rules are the shape the trim reads`);
  });

  it('a name codicons does not have fails the build (the icon would show as nothing)', async () => {
    assert.throws(() => script.codiconCssFor(fullCss, ['add', 'no-such-icon']), /no rule for no-such-icon/);
    await assert.rejects(script.chatViewCodicons(['no-such-icon']), /no rule for no-such-icon/);
  });

  it('the font keeps exactly the listed icons, each with the outline the full font draws for it', async () => {
    const { css, ttf } = await script.chatViewCodicons();
    const full = fs.readFileSync(path.join(script.CODICONS_DIST, 'codicon.ttf'));
    const fontOf = (bytes: Uint8Array) => {
      const face = new hb.Face(new hb.Blob(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer));
      return { face, font: new hb.Font(face) };
    };
    const original = fontOf(full);
    const subset = fontOf(ttf);
    const characters = [...script.codiconCharacters(css)].map((c) => c.codePointAt(0)!);
    assert.equal(characters.length, CHAT_VIEW_CODICONS.length);
    assert.deepEqual([...subset.face.collectUnicodes()].sort(), [...characters].sort(), 'the characters the font maps');
    for (const cp of characters) {
      const before = original.font.glyphToPath(original.font.nominalGlyph(cp)!);
      const after = subset.font.glyphToPath(subset.font.nominalGlyph(cp) ?? 0);
      assert.ok(before.length > 20, `U+${cp.toString(16)} has an outline in the full font`);
      assert.equal(after, before, `U+${cp.toString(16)} is drawn the same`);
    }
    assert.ok(ttf.byteLength < full.byteLength / 10, `${ttf.byteLength} of ${full.byteLength} bytes`);
  });

  it('every codicon class written in the view, its CSS and the next steps is listed, and every listed one is used', () => {
    const files = [...sources(path.join(ROOT, 'src', 'webview')), path.join(ROOT, 'media', 'chat.css'), path.join(ROOT, 'src', 'actions', 'nextSteps.ts')];
    const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const written = new Set([...text.matchAll(/codicon-([a-z0-9][a-z0-9-]*)/g)].map((m) => m[1]));
    const listed = new Set<string>(CHAT_VIEW_CODICONS);
    assert.deepEqual([...written].filter((n) => !listed.has(n)), [], 'codicon classes not in CHAT_VIEW_CODICONS');
    const unused = CHAT_VIEW_CODICONS.filter((n) => !written.has(n) && !text.includes(`'${n}'`));
    assert.deepEqual(unused, [], 'listed but never shown');
  });
});
