// The composer's attachments in the webview: the Add context button and `#`, chips from the host
// with labelled remove buttons, the notice, chips under a sent question. jsdom, no host.
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { parseWebviewMessage, type AttachmentView } from '../../src/protocol/messages';
import { ChatApp } from '../../src/webview/app';
import { PNG_1PX } from './helpers/images';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

function setup() {
  const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>');
  const doc = dom.window.document;
  const posted: Array<{ type: string; [k: string]: unknown }> = [];
  const api = {
    postMessage: (m: unknown) => {
      assert.ok(parseWebviewMessage(m), `malformed message posted: ${JSON.stringify(m)}`);
      posted.push(m as { type: string });
    },
    getState: () => undefined,
    setState: () => undefined,
  };
  const app = new ChatApp(doc.getElementById('root')!, api, dom.window as unknown as Window, { schedule: (cb) => cb(), defer: (cb) => cb(), draftDelayMs: 0 });
  app.start();
  const send = (data: unknown) => dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data }));
  const $ = (sel: string) => doc.querySelector<HTMLElement>(sel);
  const $$ = (sel: string) => Array.from(doc.querySelectorAll<HTMLElement>(sel));
  const type = (text: string) => {
    const prompt = app.composer.prompt;
    for (const ch of text) {
      prompt.value += ch;
      prompt.setSelectionRange(prompt.value.length, prompt.value.length);
      prompt.dispatchEvent(new dom.window.InputEvent('input', { data: ch, inputType: 'insertText' }));
    }
  };
  return { dom, doc, app, posted, send, $, $$, type };
}

const chips: AttachmentView[] = [
  { id: 'f1', kind: 'file', name: 'app.ts', size: 2048, detail: 'src/app.ts' },
  { id: 'i1', kind: 'image', name: 'shot.png', size: 70, thumbnail: `data:image/png;base64,${PNG_1PX}` },
];

describe('webview: attachments', () => {
  before(useEnglishWebviewStrings);

  it('the Add context button asks the host for the pick', () => {
    const t = setup();
    const button = t.$('[data-testid="add-context"]')!;
    assert.equal(button.getAttribute('aria-label'), 'Add context');
    button.click();
    assert.deepEqual(t.posted.at(-1), { type: 'pickContext', via: 'button' });
  });

  it('`#` starting a word opens the pick; once something is attached it leaves the prompt, else it stays', () => {
    const t = setup();
    t.type('Explain #');
    assert.deepEqual(t.posted.filter((m) => m.type === 'pickContext'), [{ type: 'pickContext', via: 'hash' }]);
    t.send({ type: 'contextPicked', added: true });
    assert.equal(t.app.composer.prompt.value, 'Explain ');
    t.type('#');
    t.send({ type: 'contextPicked', added: false });
    assert.equal(t.app.composer.prompt.value, 'Explain #', 'cancelled: the # the user typed stays');
    const picks = t.posted.filter((m) => m.type === 'pickContext').length;
    t.type(' C#');
    t.type(' #include');
    assert.equal(t.posted.filter((m) => m.type === 'pickContext').length, picks + 1, 'only the # that starts a word');
  });

  it('chips show name and size; each remove button is labelled and asks the host; the host list replaces them', () => {
    const t = setup();
    assert.equal(t.$('[data-testid="attachments"]')!.hidden, true);
    t.send({ type: 'attachments', attachments: chips });
    assert.equal(t.$('[data-testid="attachments"]')!.hidden, false);
    const file = t.$('[data-testid="context-chip"]')!;
    assert.match(file.textContent!, /app\.ts\s*2 KB/);
    assert.equal(file.title, 'src/app.ts');
    const image = t.$('[data-testid="image-chip"] img')!;
    assert.equal(image.getAttribute('src'), `data:image/png;base64,${PNG_1PX}`);
    const remove = t.$$('[data-testid="remove-attachment"]');
    assert.deepEqual(remove.map((b) => b.getAttribute('aria-label')), ['Remove app.ts', 'Remove shot.png']);
    remove[0].click();
    assert.deepEqual(t.posted.at(-1), { type: 'removeAttachment', id: 'f1' });
    t.send({ type: 'attachments', attachments: [chips[1]] });
    assert.equal(t.$$('[data-testid="context-chip"]').length, 0);
    assert.equal(t.$$('[data-testid="image-chip"]').length, 1);
  });

  it('the notice shows a refusal and clears', () => {
    const t = setup();
    t.send({ type: 'composerNotice', text: 'big.bin is a binary file, so it was not attached.' });
    const notice = t.$('[data-testid="composer-notice"]')!;
    assert.equal(notice.hidden, false);
    assert.equal(notice.getAttribute('role'), 'alert');
    assert.equal(notice.textContent, 'big.bin is a binary file, so it was not attached.');
    t.send({ type: 'composerNotice', text: '' });
    assert.equal(notice.hidden, true);
  });

  describe('pasted files', () => {
    const paste = (t: ReturnType<typeof setup>, file: File) => {
      const event = new t.dom.window.Event('paste', { cancelable: true });
      Object.defineProperty(event, 'clipboardData', { value: { files: [file] } });
      t.app.composer.prompt.dispatchEvent(event);
      return event;
    };
    const until = async (what: string, check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
      assert.ok(check(), what);
    };

    it('an image is sent as a data: URL of the type its bytes say (not the name or clipboard type)', async () => {
      const t = setup();
      const file = new t.dom.window.File([Buffer.from(PNG_1PX, 'base64')], 'clip.jpg', { type: 'image/jpeg' });
      assert.equal(paste(t, file).defaultPrevented, true);
      await until('addImage posted', () => t.posted.some((m) => m.type === 'addImage'));
      assert.deepEqual(t.posted.at(-1), { type: 'addImage', name: 'clip.jpg', dataUrl: `data:image/png;base64,${PNG_1PX}` });
    });

    it('a file that is no image, or one over 5 MB, is only named to the host with the reason', async () => {
      const t = setup();
      paste(t, new t.dom.window.File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }));
      await until('imageRefused posted', () => t.posted.some((m) => m.type === 'imageRefused'));
      assert.deepEqual(t.posted.at(-1), { type: 'imageRefused', name: 'logo.svg', reason: 'notImage', bytes: 6 });
      const big = new t.dom.window.File([new Uint8Array(5 * 1024 * 1024 + 1)], 'huge.png', { type: 'image/png' });
      paste(t, big);
      assert.deepEqual(t.posted.at(-1), { type: 'imageRefused', name: 'huge.png', reason: 'tooLarge', bytes: 5 * 1024 * 1024 + 1 });
    });

    it('a dropped image goes the same way as a pasted one', async () => {
      const t = setup();
      const over = new t.dom.window.Event('dragover', { cancelable: true });
      Object.defineProperty(over, 'dataTransfer', { value: { types: ['Files'], files: [] } });
      t.app.composer.prompt.dispatchEvent(over);
      assert.equal(over.defaultPrevented, true, 'the prompt accepts the drag');
      const drop = new t.dom.window.Event('drop', { cancelable: true });
      const file = new t.dom.window.File([Buffer.from(PNG_1PX, 'base64')], 'dropped.png', { type: 'image/png' });
      Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [file] } });
      t.app.composer.prompt.dispatchEvent(drop);
      assert.equal(drop.defaultPrevented, true);
      await until('addImage posted', () => t.posted.some((m) => m.type === 'addImage'));
      assert.deepEqual(t.posted.at(-1), { type: 'addImage', name: 'dropped.png', dataUrl: `data:image/png;base64,${PNG_1PX}` });
    });

    it('a paste without files is left to the prompt', () => {
      const t = setup();
      const event = new t.dom.window.Event('paste', { cancelable: true });
      Object.defineProperty(event, 'clipboardData', { value: { files: [] } });
      t.app.composer.prompt.dispatchEvent(event);
      assert.equal(event.defaultPrevented, false);
    });
  });

  it('a sent question shows its chips without remove buttons', () => {
    const t = setup();
    t.send({ type: 'state', state: { messages: [{ id: 'u1', role: 'user', text: 'Why?', attachments: chips }], stateId: 1, hasApiKey: true, model: 'm', busy: false } });
    const message = t.$('[data-testid="message"][data-role="user"]')!;
    assert.equal(message.querySelectorAll('[data-testid="context-chip"]').length, 1);
    assert.equal(message.querySelectorAll('[data-testid="image-chip"]').length, 1);
    assert.equal(message.querySelectorAll('[data-testid="remove-attachment"]').length, 0);
  });
});
