// The chat view for keyboard and screen-reader users: what is announced, what can take the focus,
// and that every control has a name.
import assert from 'node:assert/strict';
import { PREVIEW_CHARS } from '../../src/webview/messageEntries';
import type { MessageView } from '../../src/protocol/messages';
import { setup, state } from './helpers/webviewApp';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

describe('webview chat app: accessibility', function () {
  before(useEnglishWebviewStrings);

  this.timeout(120_000); // jsdom rendering on a busy machine; nothing here is timed
  it('a new error is announced (role="alert"); the errors of a conversation reopened are not announced again', () => {
    const t = setup();
    t.app.start();
    const old: MessageView = { id: 'e0', role: 'error', text: 'Old failure.', actions: ['retry'] };
    t.send({ type: 'state', state: state([old]) });
    assert.equal(t.$('[data-id="e0"] [role="alert"]'), null);
    t.send({ type: 'messageAdded', message: { id: 'e1', role: 'error', text: 'GMI rejected the API key.', actions: ['setApiKey'] } });
    const alert = t.$('[data-id="e1"] [role="alert"]');
    assert.equal(alert?.textContent, 'GMI rejected the API key.');
  });

  it('the prompt takes the focus when the view is focused, but not from a click on the conversation', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([{ id: 'a1', role: 'assistant', text: 'Some text to select.', state: 'done' }]) });
    const prompt = t.$('[data-testid="prompt"]')!;
    assert.notEqual(t.doc.activeElement, prompt);
    t.win.dispatchEvent(new t.dom.window.FocusEvent('focus'));
    assert.equal(t.doc.activeElement, prompt, 'focused from the workbench: typing goes to the prompt');

    prompt.blur();
    const text = t.$('[data-id="a1"] p')!;
    text.dispatchEvent(new t.dom.window.MouseEvent('pointerdown', { bubbles: true }));
    t.win.dispatchEvent(new t.dom.window.FocusEvent('focus'));
    assert.notEqual(t.doc.activeElement, prompt, 'a click (selecting text) keeps its focus');
  });

  it('after Stop the focus is in the prompt, whether Stop was clicked or Escape pressed', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([], { busy: true }) });
    const prompt = t.$('[data-testid="prompt"]')! as HTMLTextAreaElement;
    const stop = t.$('[data-testid="stop"]')! as HTMLButtonElement;
    assert.equal(stop.hidden, false);
    stop.focus();
    stop.click();
    assert.deepEqual(t.posted.at(-1), { type: 'stop' });
    assert.equal(t.doc.activeElement, prompt);

    prompt.dispatchEvent(new t.dom.window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    assert.deepEqual(t.posted.at(-1), { type: 'stop' }, 'Escape in the prompt stops the reply');
    t.send({ type: 'busy', busy: false });
    const before = t.posted.length;
    prompt.dispatchEvent(new t.dom.window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    assert.equal(t.posted.length, before, 'Escape does nothing when no reply streams');
  });

  it('the focus is never lost when the button it is on disappears', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([], { busy: true }) });
    const prompt = t.$('[data-testid="prompt"]')!;
    t.$('[data-testid="stop"]')!.focus();
    t.send({ type: 'busy', busy: false }); // the reply ended by itself: Stop goes away
    assert.equal(t.doc.activeElement, prompt);
    t.$('[data-testid="send"]')!.focus();
    t.send({ type: 'busy', busy: true }); // Ask GMI from the editor: Send goes away
    assert.equal(t.doc.activeElement, prompt);
  });

  it('every button has an accessible name, and everything is reachable by keyboard', () => {
    const t = setup();
    t.app.start();
    const long = 'q'.repeat(PREVIEW_CHARS + 100);
    t.send({
      type: 'state',
      state: state(
        [
          { id: 'u1', role: 'user', text: long },
          { id: 'a1', role: 'assistant', text: 'See src/app.ts:3 and:\n\n```ts\nx()\n```', thinking: 'hmm', state: 'interrupted' },
          { id: 'e1', role: 'error', text: 'Failed.', replyTo: 'a1', actions: ['setApiKey', 'selectModel', 'retry', 'openSettings', 'openLog'] },
          { id: 'a2', role: 'assistant', text: 'Cut.', state: 'stopped' },
        ],
        { hasApiKey: false },
      ),
    });
    t.send({ type: 'fileLinks', id: 'a1', refs: ['src/app.ts:3'] });
    const buttons = t.$$('button');
    const kinds = new Set(buttons.map((b) => b.getAttribute('data-testid')));
    for (const kind of ['model', 'new-chat', 'set-api-key', 'show-all', 'copy', 'insert', 'apply', 'file-link', 'error-action', 'retry', 'send', 'stop']) {
      assert.ok(kinds.has(kind), `the state shows a ${kind} button`);
    }
    for (const b of buttons) {
      const visibleText = Array.from(b.childNodes)
        .filter((n) => !(n instanceof t.dom.window.Element && n.getAttribute('aria-hidden') === 'true'))
        .map((n) => n.textContent)
        .join('')
        .trim();
      const name = b.getAttribute('aria-label')?.trim() || visibleText;
      assert.ok(name, `a ${b.getAttribute('data-testid')} button has no accessible name`);
      assert.notEqual(b.getAttribute('tabindex'), '-1');
    }
    // The conversation itself can take the focus (to scroll and read with the keyboard).
    assert.equal(t.$('main.conversation')!.getAttribute('tabindex'), '0');
    assert.ok(t.$('main.conversation')!.getAttribute('aria-label'));
  });
});
