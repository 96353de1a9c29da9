// The chat webview's words come from the host: the table (every key the webview uses is sent, none
// unused), its check on receipt, the HTML that carries it, a pseudo-language that leaves no English
// on screen, and a scan of the webview sources for hard-coded words (shown to catch planted ones).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import ts from 'typescript';
import { parseWebviewStrings, WEBVIEW_STRING_KEYS, type WebviewStrings } from '../../src/protocol/webviewStrings';
import { renderChatHtml } from '../../src/views/chatHtml';
import { ChatApp } from '../../src/webview/app';
import { loadWebviewStrings, setWebviewStrings, t } from '../../src/webview/l10n';
import { linkFileRefs } from '../../src/webview/fileLinks';
import { PREVIEW_CHARS } from '../../src/webview/messageEntries';
import type { ChatStateView, MessageView } from '../../src/protocol/messages';
import { findHardCodedEnglish } from './helpers/hardCodedEnglish';
import { englishWebviewStrings, useEnglishWebviewStrings } from './helpers/webviewStrings';

const WEBVIEW_DIR = join(__dirname, '../../src/webview');
const webviewSources = () =>
  readdirSync(WEBVIEW_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: readFileSync(join(WEBVIEW_DIR, f), 'utf8') }));
/** The webview's sources and the page shell (which puts the table's page title in <title>). */
const keyUsers = () => [...webviewSources(), { file: 'chatHtml.ts', text: readFileSync(join(__dirname, '../../src/views/chatHtml.ts'), 'utf8') }];
const KEY_SHAPE = /^[a-z][A-Za-z]*\.[A-Za-z.]+$/;

/** Every string literal in the webview sources shaped like a table key (t('…') and the key maps). */
function keysNamedInWebview(): Set<string> {
  const keys = new Set<string>();
  for (const { file, text } of keyUsers()) {
    const visit = (node: ts.Node): void => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && KEY_SHAPE.test(node.text)) keys.add(node.text);
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  }
  return keys;
}

const pseudo = (): WebviewStrings =>
  Object.fromEntries(WEBVIEW_STRING_KEYS.map((k) => [k, `⟪${k}${'{0}{1}'}⟫`])) as unknown as WebviewStrings;

function mountApp() {
  const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>');
  const win = dom.window as unknown as Window;
  const frames: Array<() => void> = [];
  const app = new ChatApp(dom.window.document.getElementById('root')!, { postMessage: () => undefined, getState: () => undefined, setState: () => undefined }, win, {
    schedule: (cb) => frames.push(cb),
    defer: (cb) => cb(),
    draftDelayMs: 0,
  });
  const send = (data: unknown) => app.receive(data);
  const frame = () => {
    while (frames.length) frames.splice(0).forEach((cb) => cb());
  };
  return { dom, doc: dom.window.document, app, send, frame };
}

/** Every kind of message the view has words for, its content in Cyrillic (no Latin words of its own). */
const question = 'вопрос\n'.repeat(Math.ceil((PREVIEW_CHARS * 1.5) / 7));
const MESSAGES: MessageView[] = [
  { id: 'u1', role: 'user', text: question },
  { id: 'u2', role: 'user', text: `${'а'.repeat(PREVIEW_CHARS - 10)}\n${'б'.repeat(100)}` },
  {
    id: 'a1', role: 'assistant', state: 'done', text: 'ответ ![картинка](https://x/кот.png)\n\n```\nкод\n```\n\n    отступ\n', thinking: 'думаю', model: 'м/м',
    usage: { inputTokens: 1234, cachedTokens: 1000, cacheWriteTokens: 10, outputTokens: 56, reasoningTokens: 20, costUsd: 0.0042, pricesAsOf: '2026-01-01' },
  },
  { id: 'a2', role: 'assistant', state: 'stopped', text: 'стоп', model: 'м/м', usage: { inputTokens: 5, outputTokens: 6, costUsd: 0.01 } },
  { id: 'a3', role: 'assistant', state: 'interrupted', text: 'прервано' },
  { id: 'a4', role: 'assistant', state: 'error', text: 'ошибка' },
  { id: 'e1', role: 'error', text: 'ошибка', replyTo: 'a4', actions: ['setApiKey', 'selectModel', 'retry', 'openSettings', 'openLog', 'dropOldestTurns'] },
];
const chatState = (extra: Partial<ChatStateView> = {}): ChatStateView => ({ messages: MESSAGES, stateId: 1, hasApiKey: true, model: '', busy: false, ...extra });

/** What the view shows as words: text nodes and the attributes people (or screen readers) get. */
function shownWords(doc: Document): string[] {
  const shown: string[] = [];
  const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) shown.push(n.textContent ?? '');
  for (const el of Array.from(doc.body.querySelectorAll('*'))) {
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      const v = el.getAttribute(name);
      if (v !== null) shown.push(v);
    }
  }
  return shown;
}

describe('webview localisation', () => {
  after(useEnglishWebviewStrings);

  describe('the string table', () => {
    it('the host sends every key, each with words, and nothing else', () => {
      const table = englishWebviewStrings();
      assert.deepEqual(Object.keys(table).sort(), [...WEBVIEW_STRING_KEYS].sort());
      for (const [key, text] of Object.entries(table)) assert.ok(text.trim() !== '' && text !== key, `${key}: ${JSON.stringify(text)}`);
      assert.equal(new Set(WEBVIEW_STRING_KEYS).size, WEBVIEW_STRING_KEYS.length, 'keys are unique');
    });

    it('every key the webview names is in the table, and every key in the table is used by the webview', () => {
      const named = keysNamedInWebview();
      const known = new Set<string>(WEBVIEW_STRING_KEYS);
      assert.deepEqual([...named].filter((k) => !known.has(k)), [], 'named in the webview but not sent by the host');
      assert.deepEqual(WEBVIEW_STRING_KEYS.filter((k) => !named.has(k)), [], 'sent by the host but never used');
    });

    it('templates keep their placeholders for the webview, which fills them', () => {
      const table = englishWebviewStrings();
      assert.equal(table['model.ariaLabel'], 'Model: {0}. Select Model');
      setWebviewStrings(table);
      assert.equal(t('showAll.lines', '1,204', 35), 'Show all — 1,204 more lines (35 KB)');
      assert.equal(t('fileLink.title', 'a{1}.ts'), 'Open a{1}.ts', 'an argument is not filled again');
    });

    it('is checked on receipt: missing, extra, non-string or over-long entries and bad JSON are refused', () => {
      const table = englishWebviewStrings();
      assert.deepEqual(parseWebviewStrings(JSON.stringify(table)), table);
      const { ['newChat.label']: _gone, ...missing } = table;
      for (const bad of [
        missing,
        { ...table, extra: 'x' },
        { ...table, 'newChat.label': 5 },
        { ...table, 'newChat.label': 'x'.repeat(2001) },
        '{not json',
        null,
        [table],
      ]) {
        assert.equal(parseWebviewStrings(typeof bad === 'string' ? bad : JSON.stringify(bad)), undefined, JSON.stringify(bad)?.slice(0, 80));
      }
      assert.equal(parseWebviewStrings(table), table, 'an already parsed value');
    });
  });

  describe('the page', () => {
    const options = { cspSource: 'https://x', nonce: 'abc', scriptUri: 's', styleUri: 'c', codiconsUri: 'i' };

    it('carries the table on #root (as data, not script), the language and the title, and the view reads it', () => {
      const strings = { ...englishWebviewStrings(), 'welcome.heading': '"</div><script>alert(1)</script>&' };
      const html = renderChatHtml({ ...options, strings, language: 'de' });
      const doc = new JSDOM(html).window.document;
      assert.equal(doc.documentElement.lang, 'de');
      assert.equal(doc.title, 'GMI Chat');
      assert.equal(doc.querySelectorAll('script').length, 1);
      const root = doc.getElementById('root')!;
      assert.ok(loadWebviewStrings(root));
      assert.equal(t('welcome.heading'), strings['welcome.heading']);
      root.setAttribute('data-l10n', '{}');
      assert.equal(loadWebviewStrings(root), false);
      assert.equal(t('welcome.heading'), 'welcome.heading', 'a refused table is not used');
    });
  });

  describe('on screen', () => {
    it('in a pseudo-language no English word is left in any text, title, label or placeholder', () => {
      setWebviewStrings(pseudo());
      const { doc, app, send, frame } = mountApp();
      const shown: string[] = shownWords(doc);
      send({ type: 'state', state: chatState({ hasApiKey: false, messages: [] }) });
      shown.push(...shownWords(doc));
      send({ type: 'state', state: chatState({ messages: [] }) });
      shown.push(...shownWords(doc));
      send({ type: 'state', state: chatState({ busy: true }) });
      send({ type: 'attachments', attachments: [{ id: 'c1', kind: 'file', name: 'файл.ts', size: 10, detail: 'файл.ts' }] });
      send({ type: 'messageAdded', message: { id: 'a5', role: 'assistant', state: 'streaming', text: '```\nрастёт' } });
      frame();
      app.renderAllPending();
      const reply = doc.querySelector('[data-id="a1"] .message-body')!;
      reply.append(Object.assign(doc.createElement('span'), { className: 'file-ref' }));
      reply.lastElementChild!.setAttribute('data-ref', 'файл.ts');
      linkFileRefs(reply, new Set(['файл.ts']));
      shown.push(...shownWords(doc));
      assert.ok(doc.querySelector('[data-testid="show-all"]') && doc.querySelector('[data-testid="file-link"]') && doc.querySelector('[data-testid="stop"]:not([hidden])'));
      const english = shown
        .map((s) => s.replace(/⟪[^⟫]*⟫/g, '').replace(/https:\/\/x\/\S*/g, '').replace(/\bts\b/g, ''))
        .filter((s) => /[A-Za-z]{2,}/.test(s));
      assert.deepEqual(english, []);
      // and the table was used everywhere it should be: every key shows up somewhere
      const seen = shown.join('\n');
      const unseen = WEBVIEW_STRING_KEYS.filter((k) => k !== 'page.title' && !seen.includes(`⟪${k}`));
      assert.deepEqual(unseen, []);
    });

    it('in English no key is shown', () => {
      useEnglishWebviewStrings();
      const { doc, app, send } = mountApp();
      send({ type: 'state', state: chatState() });
      app.renderAllPending();
      const keys = shownWords(doc).filter((s) => WEBVIEW_STRING_KEYS.some((k) => s.includes(k)));
      assert.deepEqual(keys, []);
      assert.ok(doc.body.textContent!.includes('Drop oldest turns and retry'));
    });
  });

  describe('no hard-coded English in the webview sources', () => {
    it('finds none in src/webview', () => {
      const found = webviewSources().flatMap(({ file, text }) => findHardCodedEnglish(text, file).map((w) => `${file}:${w.line} ${w.where} ${JSON.stringify(w.text)}`));
      assert.deepEqual(found, []);
    });

    it('finds planted words in every visible place, and not keys, classes or test ids', () => {
      const planted = `
        el.textContent = 'Hello there';
        button.title = \`Open \${ref}\`;
        prompt.placeholder = cond ? 'Ask me' : t('composer.placeholder');
        el.setAttribute('aria-label', 'Stop');
        h(doc, 'button', { title: 'New Chat', class: 'icon-button', 'data-testid': 'new-chat' }, icon(doc, 'add'), 'Send now');
        parent.append(doc.createTextNode('Thinking'));
        footer.replaceChildren(\`\${n} more lines\`);
        const html = \`<button title="Copy" data-block="\${i}">\`;
        const html2 = '<span>Retry</span>';
        const html3 = \`<span class="x">\` + \`image: \${escapeHtml(alt)}</span>\`;
      `;
      const found = findHardCodedEnglish(planted).map((w) => w.text);
      assert.deepEqual(found, ['Hello there', 'Open ', 'Ask me', 'Stop', 'New Chat', 'Send now', 'Thinking', ' more lines', 'title="Copy"', 'Retry', 'image: ']);
      const clean = `
        el.textContent = t('welcome.heading');
        button.title = t('fileLink.title', ref);
        el.setAttribute('aria-label', t('composer.stop'));
        el.setAttribute('data-testid', 'stop-button');
        h(doc, 'button', { title: t('newChat.label'), class: 'icon-button', 'data-testid': 'new-chat' }, icon(doc, 'add'), t('composer.send'));
        el.className = 'state-label';
        const html = \`<button title="\${escapeHtml(t('code.copy'))}" data-block="\${i}">\`;
        const html3 = \`<span class="x" aria-hidden="true">\` + \`\${escapeHtml(t('code.plainLanguage'))} — &amp; \${x}</span>\`;
      `;
      assert.deepEqual(findHardCodedEnglish(clean), []);
    });

    it('finds a word planted in the real app source', () => {
      const app = readFileSync(join(WEBVIEW_DIR, 'app.ts'), 'utf8');
      assert.ok(app.includes("t('welcome.heading')"));
      const found = findHardCodedEnglish(app.replace("t('welcome.heading')", "'Welcome to GMI Chat'"), 'app.ts');
      assert.deepEqual(found.map((w) => w.text), ['Welcome to GMI Chat']);
    });
  });
});
