// The chat view's turn actions and memory: Edit (the question to the prompt, resent in place of the
// old one, the user's draft kept aside), Regenerate and Copy reply, Escape and Up in the prompt,
// and what the view remembers while the sidebar hides it (webview state).
import assert from 'node:assert/strict';
import type { MessageView } from '../../src/protocol/messages';
import type { MessageEntries } from '../../src/webview/messageEntries';
import { scrollAnchor, ViewMemory, type ScrollAnchor } from '../../src/webview/viewMemory';
import { JSDOM } from 'jsdom';
import { setup, state, tick } from './helpers/webviewApp';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

const CONVERSATION: MessageView[] = [
  { id: 'u1', role: 'user', text: 'First question' },
  { id: 'a1', role: 'assistant', text: 'First **answer**', state: 'done', model: 'm', thinking: 'Reasoning one' },
  { id: 'u2', role: 'user', text: 'Second question' },
  { id: 'a2', role: 'assistant', text: 'Second answer', state: 'done', model: 'm' },
];

function key(t: ReturnType<typeof setup>, target: Element, key: string): KeyboardEvent {
  const e = new t.dom.window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e as unknown as KeyboardEvent;
}

const click = (el: Element | null) => {
  assert.ok(el, 'the button is there');
  (el as HTMLElement).click();
};

describe('webview: edit, regenerate, copy reply, Escape, Up, remembered view', function () {
  this.timeout(60_000);
  before(useEnglishWebviewStrings);

  it('Edit puts the question in the prompt; Enter posts the edit; the user’s draft comes back after it and after Escape', async () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state(CONVERSATION) });
    const prompt = t.$('[data-testid="prompt"]') as HTMLTextAreaElement;
    prompt.value = 'my half-typed draft';
    prompt.dispatchEvent(new t.dom.window.Event('input', { bubbles: true }));

    click(t.$('[data-id="u2"] [data-testid="edit"]'));
    assert.equal(prompt.value, 'Second question');
    assert.equal(t.$('[data-testid="edit-bar"]')!.hidden, false);
    assert.equal(t.doc.activeElement, prompt);
    assert.deepEqual(t.posted.at(-1), { type: 'promptDraft', text: 'my half-typed draft' }, 'the stored draft stays the user’s own');

    assert.equal(key(t, prompt, 'Escape').defaultPrevented, true);
    assert.equal(prompt.value, 'my half-typed draft', 'Escape leaves editing with the draft back');
    assert.equal(t.$('[data-testid="edit-bar"]')!.hidden, true);

    click(t.$('[data-id="u1"] [data-testid="edit"]'));
    prompt.value = 'First question, better';
    key(t, prompt, 'Enter');
    assert.deepEqual(t.posted.at(-1), { type: 'promptDraft', text: 'my half-typed draft' });
    assert.ok(t.posted.some((m) => JSON.stringify(m) === JSON.stringify({ type: 'edit', id: 'u1', text: 'First question, better' })));
    assert.equal(prompt.value, 'my half-typed draft');
    assert.equal(t.$('[data-testid="edit-bar"]')!.hidden, true);

    click(t.$('[data-id="u1"] [data-testid="edit"]'));
    click(t.$('[data-testid="cancel-edit"]'));
    assert.equal(prompt.value, 'my half-typed draft', 'the cancel button does what Escape does');
    await tick(t.win);
  });

  it('Regenerate on a finished reply, Copy reply on any reply with text; Edit and Regenerate are disabled while a reply streams', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state(CONVERSATION) });
    click(t.$('[data-id="a2"] [data-testid="regenerate"]'));
    assert.deepEqual(t.posted.at(-1), { type: 'regenerate', id: 'a2' });
    click(t.$('[data-id="a1"] [data-testid="copy-reply"]'));
    assert.deepEqual(t.posted.at(-1), { type: 'copyReply', id: 'a1' });
    for (const b of t.$$('[data-testid="edit"], [data-testid="regenerate"], [data-testid="copy-reply"]')) {
      assert.ok(b.getAttribute('aria-label'), 'an accessible name');
      assert.ok(b.querySelector('.codicon'), 'a codicon');
    }

    t.send({ type: 'busy', busy: true });
    t.send({ type: 'messageAdded', message: { id: 'u3', role: 'user', text: 'Third' } });
    t.send({ type: 'messageAdded', message: { id: 'a3', role: 'assistant', text: 'stre', state: 'streaming' } });
    assert.ok(t.$$('[data-testid="edit"], [data-testid="regenerate"]').every((b) => (b as HTMLButtonElement).disabled), 'all disabled, new ones too');
    assert.equal(t.$('[data-id="a3"] [data-testid="copy-reply"]'), null, 'nothing to copy or regenerate while it streams');
    const before = t.posted.length;
    click(t.$('[data-id="a2"] [data-testid="regenerate"]'));
    click(t.$('[data-id="u1"] [data-testid="edit"]'));
    assert.equal(t.posted.length, before, 'a disabled button posts nothing');
    assert.equal(t.$('[data-testid="edit-bar"]')!.hidden, true);

    t.send({ type: 'messageUpdated', message: { id: 'a3', role: 'assistant', text: 'stopped here', state: 'stopped' } });
    t.send({ type: 'busy', busy: false });
    assert.ok(t.$$('[data-testid="edit"], [data-testid="regenerate"]').every((b) => !(b as HTMLButtonElement).disabled));
    assert.ok(t.$('[data-id="a3"] [data-testid="copy-reply"]'));
    assert.equal(t.$('[data-id="a3"] [data-testid="regenerate"]'), null, 'a stopped reply offers Retry instead');
    const footerButtons = t.$$('[data-id="a3"] .message-footer button').map((b) => b.dataset.testid);
    assert.deepEqual(footerButtons, ['copy-reply', 'retry'], 'Retry stays last: Shift+Tab from the prompt reaches it first');
  });

  it('Edit and Regenerate follow busy after the conversation is shown again and in messages rendered later', () => {
    const t = setup(undefined, 1); // a tiny eager budget: older messages render later, in slices
    t.app.start();
    t.send({ type: 'state', state: state(CONVERSATION) });
    t.send({ type: 'state', state: state(CONVERSATION) }); // shown again: new elements, new buttons
    t.send({ type: 'busy', busy: true });
    t.app.renderAllPending();
    const changing = () => t.$$('[data-testid="edit"], [data-testid="regenerate"]') as HTMLButtonElement[];
    assert.equal(changing().length, 4, 'two Edits, two Regenerates');
    assert.ok(changing().every((b) => b.disabled), 'all disabled, those rendered later too');
    t.send({ type: 'busy', busy: false });
    assert.ok(changing().every((b) => !b.disabled), 'all enabled again');
  });

  it('Escape anywhere in the view stops a streaming reply; Up in an empty prompt recalls the last question', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state(CONVERSATION, { busy: true }) });
    const list = t.$('.conversation')!;
    assert.equal(key(t, list, 'Escape').defaultPrevented, true);
    assert.deepEqual(t.posted.at(-1), { type: 'stop' });
    t.send({ type: 'busy', busy: false });
    const before = t.posted.length;
    assert.equal(key(t, list, 'Escape').defaultPrevented, false, 'nothing to stop: Escape is left alone');
    assert.equal(t.posted.length, before);

    const prompt = t.$('[data-testid="prompt"]') as HTMLTextAreaElement;
    prompt.value = 'typed';
    assert.equal(key(t, prompt, 'ArrowUp').defaultPrevented, false, 'Up moves the cursor in a prompt with text');
    assert.equal(prompt.value, 'typed');
    prompt.value = '';
    assert.equal(key(t, prompt, 'ArrowUp').defaultPrevented, true);
    assert.equal(prompt.value, 'Second question');
    assert.equal(prompt.selectionStart, prompt.value.length);
  });

  it('the view remembers open thinking, "Show all" and editing across a hide and show (a new webview with the saved state)', async () => {
    const long = `${'a line of a long paste\n'.repeat(2000)}`;
    const messages: MessageView[] = [...CONVERSATION, { id: 'u3', role: 'user', text: long }];
    const t = setup(undefined, 1e9);
    t.app.start();
    t.send({ type: 'state', state: state(messages) });
    const details = t.$('[data-id="a1"] [data-testid="thinking"]') as HTMLDetailsElement;
    details.open = true;
    details.dispatchEvent(new t.dom.window.Event('toggle'));
    click(t.$('[data-id="u3"] [data-testid="show-all"]'));
    click(t.$('[data-id="u2"] [data-testid="edit"]'));
    (t.$('[data-testid="prompt"]') as HTMLTextAreaElement).value = 'Second question, edited';
    t.$('[data-testid="prompt"]')!.dispatchEvent(new t.dom.window.Event('input', { bubbles: true }));
    await tick(t.win);

    const saved = JSON.parse(JSON.stringify(t.getSaved()));
    // Opened again with the default budget: the older messages wait to render, the remembered ones do not.
    const again = setup(saved);
    again.app.start();
    again.send({ type: 'state', state: state(messages) });
    again.send({ type: 'setPrompt', text: 'draft from the host' });
    assert.equal((again.$('[data-id="a1"] [data-testid="thinking"]') as HTMLDetailsElement).open, true);
    assert.equal(again.$('[data-id="u3"] [data-testid="show-all"]'), null, 'the long question is still shown in full');
    assert.equal(again.$('[data-testid="edit-bar"]')!.hidden, false, 'still editing');
    assert.equal((again.$('[data-testid="prompt"]') as HTMLTextAreaElement).value, 'Second question, edited');
    key(again, again.$('[data-testid="prompt"]')!, 'Escape');
    assert.equal((again.$('[data-testid="prompt"]') as HTMLTextAreaElement).value, 'draft from the host', 'the host’s draft waited aside');

    // Another conversation: nothing of this one stays open.
    again.send({ type: 'state', state: state([{ id: 'x1', role: 'user', text: 'Other' }]) });
    again.send({ type: 'state', state: state(messages) });
    again.app.renderAllPending();
    assert.equal((again.$('[data-id="a1"] [data-testid="thinking"]') as HTMLDetailsElement).open, false);
    assert.ok(again.$('[data-id="u3"] [data-testid="show-all"]'));
  });

  it('a question sent forgets the remembered scroll position: a reload then opens at the bottom, on the newest reply', () => {
    const t = setup({ scroll: { id: 'u1', offset: 12 } });
    t.app.start();
    t.send({ type: 'state', state: state(CONVERSATION) });
    assert.deepEqual((t.getSaved() as { scroll?: unknown }).scroll, { id: 'u1', offset: 12 }, 'kept until something changes');
    t.send({ type: 'messageAdded', message: { id: 'u3', role: 'user', text: 'A new question' } });
    assert.equal((t.getSaved() as { scroll?: unknown }).scroll ?? undefined, undefined);
  });

  it('the scroll position is remembered as the message at the top of the view and how far into it', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state(CONVERSATION) });
    const list = t.$('.conversation')!;
    const rect = (top: number, height: number) => ({ top, bottom: top + height, left: 0, right: 0, width: 0, height, x: 0, y: top, toJSON: () => ({}) });
    list.getBoundingClientRect = () => rect(100, 400);
    // Messages of 150 px from y = -200: u1 -200…-50, a1 -50…100, u2 100…250 (the first below the top), a2 250…400.
    t.$$('[data-testid="message"]').forEach((el, i) => (el.getBoundingClientRect = () => rect(-200 + i * 150, 150)));
    assert.deepEqual(scrollAnchor(list, t.$('.messages')!), { id: 'u2', offset: 0, last: 'a2' });
    list.getBoundingClientRect = () => rect(130, 400);
    assert.deepEqual(scrollAnchor(list, t.$('.messages')!), { id: 'u2', offset: 30, last: 'a2' });
  });

  it('a remembered position comes back only while the newest message is the one it was remembered with', () => {
    const win = new JSDOM('<!doctype html><main></main>').window as unknown as Window;
    const list = win.document.querySelector('main')!;
    const els = new Map(CONVERSATION.map((m) => [m.id, win.document.createElement('div')]));
    const entries = { get: (id: string) => (els.has(id) ? { el: els.get(id)! } : undefined) } as unknown as MessageEntries;
    const restoreWith = (saved: unknown, messages: readonly MessageView[]) => {
      let state = saved;
      let renderedAll = false;
      const memory = new ViewMemory({ getState: () => state, setState: (s) => (state = s) });
      const restored = memory.restore({ win, list, content: list, entries, renderAll: () => (renderedAll = true) }, messages);
      assert.equal(renderedAll, restored, 'everything above the position renders only when it is restored');
      return restored;
    };
    assert.equal(restoreWith({ scroll: { id: 'u2', offset: 5, last: 'a2' } }, CONVERSATION), true, 'same conversation: back where the user was');
    // A reply added since (while hidden, or state saved before the last change came back with a reload).
    const added: MessageView[] = [...CONVERSATION, { id: 'u3', role: 'user', text: 'Asked since' }];
    els.set('u3', win.document.createElement('div'));
    assert.equal(restoreWith({ scroll: { id: 'u2', offset: 5, last: 'a2' } }, added), false, 'something new: at the bottom');
    assert.equal(restoreWith({ scroll: { id: 'u2', offset: 5 } }, CONVERSATION), false, 'a position saved without its newest message: at the bottom');
    assert.equal(restoreWith({ scroll: { id: 'gone', offset: 5, last: 'a2' } }, CONVERSATION), false, 'its message is not shown: at the bottom');
    assert.equal(restoreWith({ scroll: { id: 'u2', offset: 5, last: 7 } }, CONVERSATION), false, 'a malformed saved state is ignored');
  });

  it('the scroll position is saved only when it changed: following a streaming reply writes no state', () => {
    const timers: Array<() => void> = [];
    const win = { setTimeout: (cb: () => void) => timers.push(cb) } as unknown as Window;
    const saved: unknown[] = [];
    let state: unknown = { thinkingOpen: ['a1'] };
    const memory = new ViewMemory({ getState: () => state, setState: (s) => saved.push((state = s)) });
    const scrollAndSave = (where: ScrollAnchor | undefined) => {
      memory.rememberScroll(win, () => where);
      memory.rememberScroll(win, () => where); // several scrolls in one interval: one timer
      timers.splice(0).forEach((run) => run());
    };
    for (let i = 0; i < 20; i++) scrollAndSave(undefined); // at the bottom, render after render
    assert.equal(saved.length, 0, 'nothing remembered and still at the bottom: no write');
    scrollAndSave({ id: 'u2', offset: 5, last: 'a2' });
    scrollAndSave({ id: 'u2', offset: 5, last: 'a2' });
    assert.deepEqual(saved, [{ thinkingOpen: ['a1'], scroll: { id: 'u2', offset: 5, last: 'a2' } }], 'the user scrolled up: one write');
    scrollAndSave({ id: 'u2', offset: 9, last: 'a2' });
    scrollAndSave(undefined);
    scrollAndSave(undefined);
    assert.equal(saved.length, 3, 'moved, then back at the bottom: one write each');
    assert.deepEqual(state, { thinkingOpen: ['a1'], scroll: null });
  });
});
