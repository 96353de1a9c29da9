// A streamed reply, once finished, is shown as a one-shot render and its streaming renderer is let
// go (it held the reply's text twice more for the rest of the session): later updates of the same
// text leave the DOM alone, a changed text renders in full, and streaming it again works.
import assert from 'node:assert/strict';
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
});
