// A streamed reply, once finished, is shown as a one-shot render and its streaming renderer is let
// go (it held the reply's text twice more for the rest of the session): later updates of the same
// text leave the DOM alone, a changed text renders in full, and streaming it again works.
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { MessageEntries, textKey } from '../../src/webview/messageEntries';
import { oneShotHtml } from './helpers/frozenGroups';
import { setup, state } from './helpers/webviewApp';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

const TEXT = 'Intro\n\n```ts\nconst a = 1;\n```\n\n' + Array.from({ length: 30 }, (_, i) => `Paragraph ${i} with *emphasis*.`).join('\n\n');

describe('webview: a finished reply', function () {
  before(useEnglishWebviewStrings);

  it('keeps its DOM through later updates of the same text; a new text or a new stream renders again', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([{ id: 'u1', role: 'user', text: 'Q' }]) });
    t.send({ type: 'messageAdded', message: { id: 'a1', role: 'assistant', text: '', state: 'streaming', model: 'm' } });
    for (const piece of TEXT.match(/[\s\S]{1,40}/g)!) t.send({ type: 'append', id: 'a1', text: piece });
    t.frame();
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: TEXT, state: 'done', model: 'm' } });
    const body = t.$('[data-id="a1"] .message-body')!;
    assert.equal(body.innerHTML, oneShotHtml(t.doc, TEXT), 'finished: exactly the one-shot render');
    const first = body.firstElementChild;

    // Usage arrives later: same text, nothing rendered again.
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: TEXT, state: 'done', model: 'm', usage: { inputTokens: 3, outputTokens: 4 } } });
    t.frame();
    assert.equal(body.firstElementChild, first, 'the same nodes: no new render');
    assert.match(t.$('[data-id="a1"] [data-testid="meta"]')!.textContent!, /m/);

    // A different text for the finished reply renders in full.
    const changed = `${TEXT}\n\nA last line.`;
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: changed, state: 'done', model: 'm' } });
    assert.equal(body.innerHTML, oneShotHtml(t.doc, changed));

    // Streamed again in place (Retry): starts from its new text and ends as a one-shot render.
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: '', state: 'streaming', model: 'm' } });
    t.send({ type: 'append', id: 'a1', text: 'Second **answer**' });
    t.frame();
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: 'Second **answer**', state: 'done', model: 'm' } });
    assert.equal(body.innerHTML, oneShotHtml(t.doc, 'Second **answer**'));
  });

  it('keeps the text of questions and of a streaming reply, not of a finished reply (the DOM and the host have it)', () => {
    const doc = new JSDOM('<!doctype html><body></body>').window.document;
    const entries = new MessageEntries(doc, { schedule: (cb) => cb(), onStreamRender: () => undefined });
    const question = entries.create({ id: 'u1', role: 'user', text: 'A question' }, false);
    const reply = entries.create({ id: 'a1', role: 'assistant', text: 'Part', state: 'streaming' }, false);
    entries.append(reply, ' two');
    assert.equal(question.view.text, 'A question', 'Edit and Up need it');
    assert.equal(reply.view.text, 'Part two', 'a streaming reply keeps growing');
    entries.update(reply, { id: 'a1', role: 'assistant', text: 'Part two.', state: 'done' });
    assert.equal(reply.view.text, '', 'finished: not kept');
    assert.equal(reply.body.textContent?.trim(), 'Part two.');
    entries.append(reply, ' stray delta');
    assert.equal(reply.body.textContent?.trim(), 'Part two.', 'a finished reply does not grow');
    // Left for later (an old message of a long conversation): kept until it renders, then dropped.
    const old = entries.create({ id: 'a0', role: 'assistant', text: 'Old answer', state: 'done' }, true);
    assert.equal(old.view.text, 'Old answer');
    entries.renderPending(old);
    assert.equal(old.view.text, '');
    assert.equal(old.body.textContent?.trim(), 'Old answer');
  });

  it('textKey tells texts apart by length and content', () => {
    assert.equal(textKey('same text'), textKey('same text'));
    assert.notEqual(textKey('same text'), textKey('same test'));
    assert.notEqual(textKey('ab'), textKey('ba'));
    assert.notEqual(textKey(''), textKey(' '));
  });
});
