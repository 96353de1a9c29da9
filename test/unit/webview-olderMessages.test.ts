// A long conversation opened in parts (issue 13): the `state` message has the newest messages, and
// `olderMessages` batches (newest batch first) bring the ones before them into the view.
import assert from 'node:assert/strict';
import type { MessageView } from '../../src/protocol/messages';
import { splitNewestFirst } from '../../src/views/conversationParts';
import { setup, state } from './helpers/webviewApp';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

/** m0 … m{n-1}: questions and replies (each reply names a file, so its render posts resolveFiles). */
function conversation(n: number): MessageView[] {
  return Array.from({ length: n }, (_, i): MessageView =>
    i % 2 === 0
      ? { id: `m${i}`, role: 'user', text: `Question ${i}` }
      : { id: `m${i}`, role: 'assistant', text: `Answer ${i}: see src/file${i}.ts.`, state: 'done', model: 'm' },
  );
}
const ids = (t: ReturnType<typeof setup>) => t.$$('[data-testid="message"]').map((el) => el.dataset.id);
const runBackground = (t: ReturnType<typeof setup>) => {
  while (t.deferred.length) t.deferred.splice(0).forEach((cb) => cb());
};
/** The replies in the order they rendered (each asks the host about its file reference once). */
const renderedReplies = (t: ReturnType<typeof setup>) =>
  t.posted.filter((m) => (m as { type: string }).type === 'resolveFiles').map((m) => (m as { id: string }).id);

describe('webview: a long conversation comes in parts, newest first', function () {
  this.timeout(120_000);
  before(useEnglishWebviewStrings);

  it('batches go before the first message in order, as shells rendered newest first after what was queued', () => {
    const t = setup(undefined, 1); // only the newest message renders at once
    t.app.start();
    const all = conversation(8);
    t.send({ type: 'state', state: state(all.slice(6), { stateId: 40, olderCount: 6 }) });
    assert.deepEqual(ids(t), ['m6', 'm7']);
    assert.deepEqual(renderedReplies(t), ['m7']);
    t.send({ type: 'olderMessages', stateId: 40, messages: all.slice(3, 6) });
    assert.deepEqual(ids(t), ['m3', 'm4', 'm5', 'm6', 'm7']);
    assert.deepEqual(t.$$('.message.pending').map((el) => el.dataset.id), ['m3', 'm4', 'm5', 'm6'], 'the batch is shells');
    t.send({ type: 'olderMessages', stateId: 40, messages: all.slice(0, 3) });
    assert.deepEqual(ids(t), all.map((m) => m.id));
    runBackground(t);
    assert.equal(t.$$('.message.pending').length, 0);
    assert.deepEqual(renderedReplies(t), ['m7', 'm5', 'm3', 'm1'], 'rendered newest first');
    assert.equal(t.$('[data-id="m1"] .message-body')!.textContent!.trim(), 'Answer 1: see src/file1.ts.');
  });

  it('a batch for a state no longer shown is ignored, and so are messages the view has already', () => {
    const t = setup();
    t.app.start();
    const all = conversation(6);
    t.send({ type: 'state', state: state(all.slice(4), { stateId: 1, olderCount: 4 }) });
    t.send({ type: 'state', state: state(all.slice(2), { stateId: 2, olderCount: 2 }) });
    t.send({ type: 'olderMessages', stateId: 1, messages: all.slice(0, 4) });
    assert.deepEqual(ids(t), ['m2', 'm3', 'm4', 'm5'], 'the first state’s batch came after the second state');
    t.send({ type: 'olderMessages', stateId: 2, messages: [...all.slice(0, 2), all[3]] });
    assert.deepEqual(ids(t), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'], 'm3 is not shown twice');
    t.send({ type: 'state', state: state([{ id: 'n1', role: 'user', text: 'New chat' }], { stateId: 3 }) });
    t.send({ type: 'olderMessages', stateId: 2, messages: all.slice(0, 2) });
    runBackground(t);
    assert.deepEqual(ids(t), ['n1']);
  });

  it('a remembered position in a batch that comes later is restored when it comes; an edit of a question in it goes on', () => {
    const all = conversation(8);
    const t = setup({ scroll: { id: 'm1', offset: 12, last: 'm7' }, editing: { id: 'm2', text: 'Question 2, edited' } });
    t.app.start();
    const list = t.$('.conversation')!;
    let scrollTop = 0;
    Object.defineProperty(list, 'scrollTop', { get: () => scrollTop, set: (v: number) => (scrollTop = v) });
    Object.defineProperty(list, 'scrollHeight', { get: () => 5000 });
    // jsdom has no layout: the list's top is at 0, and m1 is 1000 px below the top of the content.
    t.dom.window.HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement) {
      return { top: this.dataset.id === 'm1' ? 1000 - scrollTop : 0 } as DOMRect;
    };
    t.send({ type: 'state', state: state(all.slice(6), { stateId: 7, olderCount: 6 }) });
    t.frame();
    assert.equal(scrollTop, 5000, 'at the bottom until the position’s message is in');
    assert.equal(t.$('[data-testid="edit-bar"]')!.hidden, false, 'still editing: the question may come in a batch');
    t.send({ type: 'olderMessages', stateId: 7, messages: all.slice(3, 6) });
    t.frame();
    assert.equal(scrollTop, 5000);
    assert.equal(t.$('[data-testid="edit-bar"]')!.hidden, false);
    t.send({ type: 'olderMessages', stateId: 7, messages: all.slice(0, 3) });
    t.frame();
    assert.equal(t.$$('.message.pending').length, 0, 'everything above the position renders at once');
    assert.equal(scrollTop, 1012, '12 px into m1 at the top of the view, as remembered');
    assert.equal(t.$('[data-testid="edit-bar"]')!.hidden, false, 'editing m2 goes on');
    assert.equal((t.$('[data-testid="prompt"]') as HTMLTextAreaElement).value, 'Question 2, edited');
  });

  it('a batch keeps the view where it was: at the bottom while it follows it, on the same messages once the user scrolled up', () => {
    const all = conversation(12);
    const t = setup();
    t.app.start();
    // jsdom has no layout: every message 100 px high, one after the other; the view shows 500 px.
    const list = t.$('.conversation')!;
    const content = t.$('.messages')!;
    let scrollTop = 0;
    Object.defineProperty(list, 'scrollTop', { get: () => scrollTop, set: (v: number) => (scrollTop = Math.max(0, Math.min(v, content.children.length * 100 - 500))) });
    Object.defineProperty(list, 'scrollHeight', { get: () => content.children.length * 100 });
    Object.defineProperty(list, 'clientHeight', { get: () => 500 });
    t.dom.window.HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement) {
      const index = Array.prototype.indexOf.call(content.children, this);
      return { top: index < 0 ? 0 : index * 100 - scrollTop, bottom: index < 0 ? 500 : index * 100 + 100 - scrollTop } as DOMRect;
    };
    t.send({ type: 'state', state: state(all.slice(6), { stateId: 3, olderCount: 6 }) });
    t.frame();
    assert.equal(scrollTop, 100, 'at the bottom');
    t.send({ type: 'olderMessages', stateId: 3, messages: all.slice(3, 6) });
    t.frame();
    assert.equal(scrollTop, 400, 'still at the bottom');
    // The user scrolls up to the top: m3 is the first message on screen.
    list.dispatchEvent(new t.dom.window.WheelEvent('wheel', { deltaY: -400 }));
    scrollTop = 0;
    list.dispatchEvent(new t.dom.window.Event('scroll'));
    t.send({ type: 'olderMessages', stateId: 3, messages: all.slice(0, 3) });
    t.frame();
    assert.equal(scrollTop, 300, 'm3 still at the top of the view, the batch above it');
  });

  it('once every batch is in, the view is the one a single state of the whole conversation gives', () => {
    const long = `Explain:\n\n\`\`\`ts\n${'const x = compute();\n'.repeat(1500)}\`\`\``;
    const messages: MessageView[] = [
      { id: 'u0', role: 'user', text: long },
      { id: 'a0', role: 'assistant', text: 'It computes.\n\n```ts\nx()\n```', thinking: 'Hmm.', state: 'done', model: 'm', usage: { inputTokens: 10, outputTokens: 5 } },
      { id: 'u1', role: 'user', text: 'And then?' },
      { id: 'a1', role: 'assistant', text: 'Cut off', state: 'stopped', model: 'm' },
      { id: 'e1', role: 'error', text: 'Rate limit.', actions: ['retry', 'openLog'], replyTo: 'a1' },
      { id: 'a2', role: 'assistant', text: 'Interrupted here', state: 'interrupted' },
      ...conversation(30).map((m) => ({ ...m, id: `x${m.id}` })),
      { id: 'u9', role: 'user', text: 'Last question, with **markdown**' },
      { id: 'a9', role: 'assistant', text: 'Last answer', state: 'done', model: 'm' },
    ];
    const whole = setup();
    whole.app.start();
    whole.send({ type: 'state', state: state(messages, { stateId: 1 }) });
    whole.app.renderAllPending();

    const parts = splitNewestFirst(messages, { newestChars: 200, batchChars: 100 });
    assert.ok(parts.older.length >= 5, `${parts.older.length} batches`);
    const olderCount = parts.older.reduce((n, b) => n + b.length, 0);
    const inParts = setup();
    inParts.app.start();
    inParts.send({ type: 'state', state: state(parts.newest, { stateId: 2, olderCount }) });
    inParts.send({ type: 'olderMessages', stateId: 2, messages: parts.older[0] });
    inParts.app.renderAllPending(); // e.g. halfway
    for (const batch of parts.older.slice(1)) inParts.send({ type: 'olderMessages', stateId: 2, messages: batch });
    inParts.app.renderAllPending();

    assert.equal(inParts.$('.messages')!.innerHTML, whole.$('.messages')!.innerHTML);
    assert.deepEqual(new Set(renderedReplies(inParts)), new Set(renderedReplies(whole)));
  });
});
