import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { findFileRefs, isProseFileRef, parseFileRef } from '../../src/code/fileReferences';
import { renderMarkdown } from '../../src/webview/markdown';
import { fileRefsIn, linkFileRefs } from '../../src/webview/fileLinks';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
const render = (md: string): HTMLElement => {
  const div = dom.window.document.createElement('div');
  div.innerHTML = renderMarkdown(md, false);
  return div;
};
const links = (el: Element) => Array.from(el.querySelectorAll('a')).map((a) => a.getAttribute('href'));
const refs = (text: string) => findFileRefs(text).map((r) => r.ref);

describe('links: web links and file names in replies', () => {
  describe('linkify: only addresses with a scheme become web links', () => {
    it('bare file names in prose are not links (they are valid domain names)', () => {
      const el = render('Edit main.py, then README.md and lib.rs; see also docs.rs and example.com.');
      assert.deepEqual(links(el), []);
      assert.equal(el.textContent?.trim(), 'Edit main.py, then README.md and lib.rs; see also docs.rs and example.com.');
    });
    it('www. addresses without a scheme stay text too', () => {
      assert.deepEqual(links(render('Go to www.example.com/x today.')), []);
    });
    it('http(s) and mailto addresses still become links', () => {
      assert.deepEqual(links(render('See https://example.com/a and <mailto:a@example.com>.')), ['https://example.com/a', 'mailto:a@example.com']);
    });
  });

  describe('the grammar of a file reference', () => {
    it('paths with a slash, and file names with a line', () => {
      assert.deepEqual(refs('Open src/app.ts or lib/util/index.js:12:3, also app.ts:40 and .github/workflows/ci.yml.'), [
        'src/app.ts',
        'lib/util/index.js:12:3',
        'app.ts:40',
        '.github/workflows/ci.yml',
      ]);
      assert.deepEqual(refs('Lines src/a.ts#L3-L9 matter.'), ['src/a.ts#L3-L9']);
      assert.deepEqual(parseFileRef('./src/a.ts:3:4'), { path: 'src/a.ts', line: 3, column: 4 });
      assert.deepEqual(parseFileRef('src/a.ts#L7'), { path: 'src/a.ts', line: 7 });
    });
    it('not bare names, absolute paths, parent folders, home, URLs, times or versions', () => {
      assert.deepEqual(refs('main.py README.md lib.rs /etc/hosts.conf ../up/x.ts a/../b.ts ~/x/y.ts C:\\x\\y.ts'), []);
      assert.deepEqual(refs('https://example.com/src/app.ts at 12:30, v1.2.3, and/or read/write'), []);
      assert.equal(parseFileRef('../a.ts'), undefined);
      assert.equal(parseFileRef('/abs/a.ts'), undefined);
      assert.equal(parseFileRef('src/./a.ts'), undefined);
      assert.equal(parseFileRef('src/a b.ts'), undefined);
      assert.equal(parseFileRef('command:workbench.action.x'), undefined);
      assert.equal(isProseFileRef('main.py'), false, 'a bare name alone');
      assert.equal(isProseFileRef('main.py:3'), true);
    });
  });

  describe('rendering: references are marked, still text', () => {
    it('prose, code spans and relative Markdown links; not inside web links', () => {
      const el = render('Open src/app.ts:12, `lib/util.ts`, [the app](src/app.ts), [docs](https://d.example/src/x.ts) and `main.py`.');
      assert.deepEqual(fileRefsIn(el), ['src/app.ts:12', 'lib/util.ts', 'src/app.ts']);
      assert.deepEqual(links(el), ['https://d.example/src/x.ts'], 'the relative link is no <a> any more');
      assert.equal(el.querySelectorAll('button').length, 0, 'nothing is clickable before the host answers');
      assert.equal(el.textContent?.trim(), 'Open src/app.ts:12, lib/util.ts, the app, docs and main.py.');
    });
    it('code blocks are left alone', () => {
      assert.deepEqual(fileRefsIn(render('```\nsrc/app.ts:12\n```')), []);
    });
    it('the host’s answer turns exactly the resolved ones into buttons, content kept', () => {
      const el = render('Open src/app.ts:12 and `lib/util.ts` and missing/file.ts.');
      linkFileRefs(el, new Set(['src/app.ts:12', 'lib/util.ts']));
      const buttons = Array.from(el.querySelectorAll('button.file-link'));
      assert.deepEqual(buttons.map((b) => b.getAttribute('data-ref')), ['src/app.ts:12', 'lib/util.ts']);
      assert.equal(buttons[1].querySelector('code')?.textContent, 'lib/util.ts');
      assert.equal(buttons[0].getAttribute('type'), 'button');
      assert.equal(el.querySelector('span.file-ref')?.getAttribute('data-ref'), 'missing/file.ts', 'unresolved stays text');
      assert.deepEqual(fileRefsIn(el), ['src/app.ts:12', 'lib/util.ts', 'missing/file.ts']);
    });
  });
});
