// Following a streaming reply: the view keeps the newest text in view until the user scrolls away
// (a scroll the user did not make never unpins it).
import assert from 'node:assert/strict';
import { setup, state } from './helpers/webviewApp';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

/** jsdom has no layout: gives the conversation a 500 px view over a height that grows with its text. */
function withFakeScrollGeometry(list: HTMLElement): HTMLElement {
  let top = 0;
  Object.defineProperty(list, 'clientHeight', { get: () => 500 });
  Object.defineProperty(list, 'scrollHeight', { get: () => 500 + list.textContent!.length });
  Object.defineProperty(list, 'scrollTop', { get: () => top, set: (v: number) => { top = Math.max(0, Math.min(v, list.scrollHeight - 500)); } });
  return list;
}

describe('webview chat app: following the bottom', function () {
  before(useEnglishWebviewStrings);

  this.timeout(120_000); // jsdom rendering on a busy machine; nothing here is timed

  it('keeps the newest text in view while streaming, unless the user scrolled up', () => {
    const t = setup();
    t.app.start();
    const list = withFakeScrollGeometry(t.$('.conversation')!);
    const userScroll = (to: number) => {
      list.dispatchEvent(new t.dom.window.WheelEvent('wheel', { deltaY: to - list.scrollTop }));
      list.scrollTop = to;
      list.dispatchEvent(new t.dom.window.Event('scroll'));
    };
    const layoutScroll = (to: number) => {
      // e.g. scroll anchoring while off-screen messages change size: not the user's doing
      list.scrollTop = to;
      list.dispatchEvent(new t.dom.window.Event('scroll'));
    };
    t.send({ type: 'state', state: state([]) });
    t.send({ type: 'messageAdded', message: { id: 'a1', role: 'assistant', text: '', state: 'streaming' } });
    const bottom = () => list.scrollHeight - list.clientHeight;
    t.send({ type: 'append', id: 'a1', text: 'word '.repeat(400) });
    t.frame();
    assert.ok(bottom() > 1000);
    assert.equal(list.scrollTop, bottom(), 'pinned to the bottom while streaming');
    layoutScroll(bottom() - 300);
    t.send({ type: 'append', id: 'a1', text: 'x '.repeat(100) });
    t.frame();
    assert.equal(list.scrollTop, bottom(), 'a scroll the user did not make does not stop the follow');
    userScroll(100);
    t.send({ type: 'append', id: 'a1', text: '\n\nmore '.repeat(200) });
    t.frame();
    assert.equal(list.scrollTop, 100, 'left where the user scrolled to');
    userScroll(bottom());
    t.send({ type: 'append', id: 'a1', text: 'and more '.repeat(200) });
    t.frame();
    assert.equal(list.scrollTop, bottom(), 'pinned again once the user is back at the bottom');
  });

  it('a press in the conversation released outside the view does not leave the view unpinned', () => {
    const t = setup();
    t.app.start();
    const list = withFakeScrollGeometry(t.$('.conversation')!);
    const bottom = () => list.scrollHeight - list.clientHeight;
    const layoutScroll = () => {
      list.scrollTop = bottom() - 300;
      list.dispatchEvent(new t.dom.window.Event('scroll'));
    };
    t.send({ type: 'state', state: state([]) });
    t.send({ type: 'messageAdded', message: { id: 'a1', role: 'assistant', text: '', state: 'streaming' } });
    t.send({ type: 'append', id: 'a1', text: 'word '.repeat(400) });
    t.frame();
    // Pressed in the conversation, released outside the view (no pointerup reaches it), focus gone.
    list.dispatchEvent(new t.dom.window.MouseEvent('pointerdown', { bubbles: true }));
    t.win.dispatchEvent(new t.dom.window.Event('blur'));
    layoutScroll();
    t.send({ type: 'append', id: 'a1', text: 'more '.repeat(200) });
    t.frame();
    assert.equal(list.scrollTop, bottom(), 'still following the bottom');
    // While the press lasts, a scroll is the user's (dragging the scroll bar).
    list.dispatchEvent(new t.dom.window.MouseEvent('pointerdown', { bubbles: true }));
    layoutScroll();
    t.send({ type: 'append', id: 'a1', text: 'and more '.repeat(200) });
    t.frame();
    assert.notEqual(list.scrollTop, bottom(), 'a drag unpins');
  });
});
