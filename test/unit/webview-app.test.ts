import assert from 'node:assert/strict';
import { PREVIEW_CHARS } from '../../src/webview/messageEntries';
import type { MessageView } from '../../src/protocol/messages';
import { htmlWithoutGroups, oneShotHtml } from './helpers/frozenGroups';
import { setup, state, tick } from './helpers/webviewApp';
import { CORPUS } from './helpers/webviewCorpus';
import { useEnglishWebviewStrings } from './helpers/webviewStrings';

describe('webview chat app', function () {
  before(useEnglishWebviewStrings);

  this.timeout(120_000); // jsdom rendering on a busy machine; nothing here is timed
  it('posts ready on start and renders a full state with the fixed hooks', () => {
    const t = setup();
    t.app.start();
    assert.deepEqual(t.posted, [{ type: 'ready' }]);
    t.send({
      type: 'state',
      state: state([
        { id: 'u1', role: 'user', text: 'Hello `code`' },
        {
          id: 'a1',
          role: 'assistant',
          text: 'Answer\n\n```js\nlet x = 1;\n```',
          thinking: 'secret reasoning',
          state: 'done',
          model: 'anthropic/claude-sonnet-4.5',
          usage: { inputTokens: 1234, outputTokens: 56 },
          notice: 'selection was cut to fit the context',
        },
        { id: 'a2', role: 'assistant', text: 'partial', state: 'stopped', model: 'm' },
        { id: 'e1', role: 'error', text: 'Bad key', actions: ['setApiKey', 'openLog'], replyTo: 'a2' },
      ]),
    });
    const msgs = t.$$('[data-testid="message"]');
    assert.deepEqual(msgs.map((m) => m.dataset.role), ['user', 'assistant', 'assistant', 'error']);
    assert.deepEqual(msgs.map((m) => m.dataset.state), [undefined, 'done', 'stopped', undefined]);
    assert.equal(msgs[1].dataset.id, 'a1');
    assert.equal(msgs[1].querySelector('[data-testid="meta"]')!.textContent, 'anthropic/claude-sonnet-4.5 · 1,234 in · 56 out');
    assert.equal(msgs[1].querySelector('[data-testid="notice"]')!.textContent, 'selection was cut to fit the context');
    const thinking = msgs[1].querySelector('details[data-testid="thinking"]') as HTMLDetailsElement;
    assert.ok(thinking && !thinking.open, 'thinking is a collapsed details');
    assert.equal(thinking.querySelector('summary')!.textContent, 'Thinking');
    assert.ok(!msgs[1].querySelector('.message-body')!.textContent!.includes('secret reasoning'), 'thinking not mixed into the answer');
    // The first frame shows the code as text; the view's next background slice highlights it.
    const code = msgs[1].querySelector('pre code')!;
    assert.equal(code.textContent, 'let x = 1;\n');
    assert.equal(code.querySelector('[class^="hljs-"]'), null, 'not highlighted before the first frame');
    assert.equal(code.getAttribute('data-highlight-later'), 'js');
    t.deferred.splice(0).forEach((cb) => cb());
    assert.equal(msgs[1].querySelector('.message-body')!.innerHTML, oneShotHtml(t.doc, 'Answer\n\n```js\nlet x = 1;\n```'));
    assert.equal(msgs[1].querySelector('[data-testid="retry"]'), null, 'no retry on a done reply');
    assert.ok(msgs[2].querySelector('[data-testid="retry"]'));
    assert.equal(msgs[0].querySelectorAll('[data-testid="copy"]').length, 0, 'user messages have no code actions');
    assert.equal(msgs[3].querySelector('.message-body')!.textContent, 'Bad key');
    assert.deepEqual(
      Array.from(msgs[3].querySelectorAll<HTMLElement>('[data-testid="error-action"]')).map((b) => b.dataset.action),
      ['setApiKey', 'openLog'],
    );
    assert.equal(t.$('[data-testid="model"]')!.textContent, 'anthropic/claude-sonnet-4.5');
    assert.ok(t.$('[data-testid="welcome"]')!.hidden);
  });

  it('a settings message updates the model and welcome without touching the messages', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([{ id: 'u1', role: 'user', text: 'Hello' }]) });
    const before = t.$$('[data-testid="message"]');
    t.send({ type: 'settings', hasApiKey: false, model: 'deepseek-ai/DeepSeek-V3.2' });
    assert.equal(t.$('[data-testid="model"]')!.textContent, 'deepseek-ai/DeepSeek-V3.2');
    assert.ok(!t.$('[data-testid="welcome"]')!.hidden, 'welcome shown once the key is gone');
    const after = t.$$('[data-testid="message"]');
    assert.equal(after.length, 1);
    assert.strictEqual(after[0], before[0], 'the same element: nothing was re-rendered');
    t.send({ type: 'settings', hasApiKey: true, model: 'deepseek-ai/DeepSeek-V3.2' });
    assert.ok(t.$('[data-testid="welcome"]')!.hidden);
  });

  it('ignores malformed host messages', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([{ id: 'a1', role: 'assistant', text: 'hi', state: 'streaming' }]) });
    t.frame();
    const before = t.doc.body.innerHTML;
    const bad: unknown[] = [
      null,
      'state',
      42,
      [],
      {},
      { type: 'nope' },
      { type: 'state' },
      { type: 'state', state: { messages: 'x', hasApiKey: true, model: 'm', busy: false } },
      { type: 'state', state: { messages: [{ id: 'bad id!', role: 'user', text: 'x' }], hasApiKey: true, model: 'm', busy: false } },
      { type: 'messageAdded', message: { id: 'x1', role: 'hacker', text: 'x' } },
      { type: 'messageAdded', message: { id: 'x1', role: 'assistant', text: 5 } },
      { type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: 'x', state: 'weird' } },
      { type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: 'x', usage: { inputTokens: -1 } } },
      { type: 'messageUpdated', message: { id: 'a1', role: 'error', text: 'x', actions: ['rm -rf'] } },
      { type: 'append', id: '../a1', text: 'x' },
      { type: 'append', id: 'a1', text: 7 },
      { type: 'busy', busy: 'yes' },
      { type: 'setPrompt', text: { toString: () => 'x' } },
    ];
    for (const raw of bad) t.send(raw);
    t.frame();
    assert.equal(t.doc.body.innerHTML, before);
    assert.deepEqual(t.types(), ['ready']);
    // An append for an unknown (well-formed) id is ignored too.
    t.send({ type: 'append', id: 'unknown', text: 'x' });
    t.frame();
    assert.equal(t.doc.body.innerHTML, before);
  });

  it('streams a reply: deltas render incrementally and equal a one-shot render; final update adds meta', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([]) });
    assert.ok(!t.$('[data-testid="empty"]')!.hidden);
    t.send({ type: 'busy', busy: true });
    t.send({ type: 'messageAdded', message: { id: 'u1', role: 'user', text: 'q' } });
    t.send({ type: 'messageAdded', message: { id: 'a1', role: 'assistant', text: '', state: 'streaming', model: 'm' } });
    const el = t.$('[data-id="a1"]')!;
    assert.equal(el.dataset.state, 'streaming');
    assert.equal(el.querySelector('[data-testid="meta"]'), null, 'no meta while streaming');
    const body = el.querySelector('.message-body')!;
    assert.equal(body.getAttribute('aria-live'), 'polite');
    const text = CORPUS.mixed + '\n\n' + CORPUS.code;
    t.send({ type: 'append', id: 'a1', thinking: 'Let me ' });
    t.send({ type: 'append', id: 'a1', thinking: 'think.' });
    for (let i = 0; i < text.length; i += 13) {
      t.send({ type: 'append', id: 'a1', text: text.slice(i, i + 13) });
      if (i % 91 === 0) t.frame();
    }
    t.frame();
    // Equal but for the disabled buttons of the last block: its closing fence has not come yet.
    assert.equal(htmlWithoutGroups(body).replace(/ disabled=""/g, ''), oneShotHtml(t.doc, text));
    assert.equal(el.querySelector('[data-testid="thinking"] .thinking-body')!.textContent, 'Let me think.');
    t.send({
      type: 'messageUpdated',
      message: { id: 'a1', role: 'assistant', text, state: 'done', model: 'm', usage: { inputTokens: 10, outputTokens: 2000 }, thinking: 'Let me think.' },
    });
    t.send({ type: 'busy', busy: false });
    assert.equal(el.dataset.state, 'done');
    assert.equal(body.getAttribute('aria-busy'), 'false');
    assert.equal(el.querySelector('[data-testid="meta"]')!.textContent, 'm · 10 in · 2,000 out');
    assert.equal(body.innerHTML, oneShotHtml(t.doc, text));
    // A final text that differs (host correction) replaces the body.
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: 'short', state: 'interrupted' } });
    assert.equal(body.innerHTML, oneShotHtml(t.doc, 'short'));
    assert.ok(el.querySelector('[data-testid="retry"]'));
  });

  it('a code block still streaming: its buttons are disabled and post nothing; once the reply is done they work', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([], { busy: true }) });
    t.send({ type: 'messageAdded', message: { id: 'a1', role: 'assistant', text: '', state: 'streaming' } });
    t.send({ type: 'append', id: 'a1', text: 'Done first:\n\n```ts\nexport const a = 1;\n```\n\nNow:\n\n```ts\nexport function b() {\n' });
    t.frame();
    const buttons = (block: number) => t.$$(`[data-id="a1"] button.code-action[data-block="${block}"]`) as HTMLButtonElement[];
    assert.equal(buttons(1).length, 3);
    assert.ok(buttons(1).every((b) => b.disabled), 'the block being written');
    assert.ok(buttons(0).every((b) => !b.disabled), 'the finished block before it');
    const before = t.posted.length;
    for (const b of buttons(1)) b.dispatchEvent(new t.dom.window.MouseEvent('click', { bubbles: true, cancelable: true }));
    assert.equal(t.posted.length, before, 'a click on a disabled button posts nothing');

    const text = 'Done first:\n\n```ts\nexport const a = 1;\n```\n\nNow:\n\n```ts\nexport function b() {\n  return 2;\n}';
    t.send({ type: 'append', id: 'a1', text: '  return 2;\n}' });
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text, state: 'stopped' } });
    assert.ok(buttons(1).every((b) => !b.disabled), 'enabled once the reply is over');
    assert.equal(t.$('[data-id="a1"] .message-body')!.innerHTML, oneShotHtml(t.doc, text), 'and the body is the one-shot render');
    buttons(1)[0].click();
    assert.deepEqual(t.posted.at(-1), { type: 'copyCode', id: 'a1', block: 1 });
  });

  it('file references: asked about once the reply is done; the ones the host found become buttons that post openFile', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([], { busy: true }) });
    t.send({ type: 'messageAdded', message: { id: 'a1', role: 'assistant', text: '', state: 'streaming' } });
    const text = 'Change src/app.ts:12 and `lib/util.ts`; main.py and gone/old.ts stay text.';
    t.send({ type: 'append', id: 'a1', text });
    t.frame();
    assert.ok(!t.types().includes('resolveFiles'), 'nothing is asked while the reply streams');
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text, state: 'done' } });
    const asked = t.posted.filter((m) => (m as { type: string }).type === 'resolveFiles');
    assert.deepEqual(asked, [{ type: 'resolveFiles', id: 'a1', refs: ['src/app.ts:12', 'lib/util.ts', 'gone/old.ts'] }]);
    assert.equal(t.$$('[data-id="a1"] button.file-link').length, 0);

    t.send({ type: 'fileLinks', id: 'a1', refs: ['src/app.ts:12', 'lib/util.ts'] });
    const buttons = t.$$('[data-id="a1"] button.file-link');
    assert.deepEqual(buttons.map((b) => b.getAttribute('data-ref')), ['src/app.ts:12', 'lib/util.ts']);
    assert.equal(t.$('[data-id="a1"] a'), null, 'no web link anywhere');
    buttons[0].click();
    assert.deepEqual(t.posted.at(-1), { type: 'openFile', id: 'a1', ref: 'src/app.ts:12' });

    // A later update of the same reply (usage, say) keeps the links and asks nothing again.
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text, state: 'done', usage: { outputTokens: 3 } } });
    assert.equal(t.posted.filter((m) => (m as { type: string }).type === 'resolveFiles').length, 1);
    assert.equal(t.$$('[data-id="a1"] button.file-link').length, 2);
  });

  it('file references of a stored conversation are asked about when their reply renders, links kept on re-render', () => {
    const t = setup();
    t.app.start();
    const reply: MessageView = { id: 'a1', role: 'assistant', text: 'See src/sample.ts:3.', state: 'done' };
    t.send({ type: 'state', state: state([reply]) });
    assert.deepEqual(t.posted.filter((m) => (m as { type: string }).type === 'resolveFiles'), [{ type: 'resolveFiles', id: 'a1', refs: ['src/sample.ts:3'] }]);
    t.send({ type: 'fileLinks', id: 'a1', refs: ['src/sample.ts:3'] });
    t.send({ type: 'state', state: state([reply]) });
    assert.equal(t.$$('[data-id="a1"] button.file-link').length, 1, 'a full re-render links it again from what the host said');
  });

  it('Enter sends, Shift+Enter and IME composition do not, empty is not sent, busy means stop first', () => {
    const t = setup();
    t.app.start();
    const prompt = t.$('[data-testid="prompt"]') as HTMLTextAreaElement;
    const key = (init: KeyboardEventInit) => {
      const e = new t.dom.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init });
      prompt.dispatchEvent(e);
      return e;
    };
    prompt.value = '   ';
    key({});
    assert.ok(!t.types().includes('send'), 'blank prompt not sent');
    prompt.value = 'line one';
    const shift = key({ shiftKey: true });
    assert.equal(shift.defaultPrevented, false, 'Shift+Enter inserts a newline');
    key({ isComposing: true });
    assert.ok(!t.types().includes('send'));
    const enter = key({});
    assert.ok(enter.defaultPrevented);
    assert.deepEqual(t.posted.find((m) => (m as { type: string }).type === 'send'), { type: 'send', text: 'line one' });
    assert.equal(prompt.value, '', 'prompt clears after send');

    t.send({ type: 'busy', busy: true });
    assert.ok(t.$('[data-testid="send"]')!.hidden);
    assert.ok(!t.$('[data-testid="stop"]')!.hidden);
    prompt.value = 'next';
    key({});
    assert.equal(t.types().filter((x) => x === 'send').length, 1, 'no send while busy');
    assert.equal(prompt.value, 'next', 'draft kept while busy');
    t.$('[data-testid="stop"]')!.click();
    assert.equal(t.types().at(-1), 'stop');
    t.send({ type: 'busy', busy: false });
    assert.ok(t.$('[data-testid="stop"]')!.hidden);
    t.$('[data-testid="send"]')!.click();
    assert.deepEqual(t.posted.at(-2), { type: 'send', text: 'next' });
  });

  it('keeps the draft in webview state and posts promptDraft; restores it on reload', async () => {
    const t = setup();
    t.app.start();
    const prompt = t.$('[data-testid="prompt"]') as HTMLTextAreaElement;
    prompt.value = 'half a question';
    prompt.dispatchEvent(new t.dom.window.Event('input', { bubbles: true }));
    await tick(t.win);
    assert.deepEqual(JSON.parse(JSON.stringify(t.getSaved())), { draft: 'half a question' });
    assert.deepEqual(t.posted.at(-1), { type: 'promptDraft', text: 'half a question' });

    const again = setup({ draft: 'restored text' });
    again.app.start();
    assert.equal((again.$('[data-testid="prompt"]') as HTMLTextAreaElement).value, 'restored text');
    again.send({ type: 'setPrompt', text: 'from host' });
    assert.equal((again.$('[data-testid="prompt"]') as HTMLTextAreaElement).value, 'from host');
  });

  it('until the first state (the host sends it once the history is open) neither welcome nor "empty" shows', () => {
    const t = setup();
    t.app.start();
    assert.ok(t.$('[data-testid="welcome"]')!.hidden, 'no welcome before the state');
    assert.ok(t.$('[data-testid="empty"]')!.hidden, 'no "empty" before the state');
    t.send({ type: 'state', state: state([{ id: 'u1', role: 'user', text: 'Restored question' }]) });
    assert.ok(t.$('[data-testid="empty"]')!.hidden);
    assert.equal(t.$$('[data-id]').length, 1, 'the restored conversation is the first thing shown');

    const noKey = setup();
    noKey.app.start();
    assert.ok(noKey.$('[data-testid="welcome"]')!.hidden);
    noKey.send({ type: 'state', state: state([], { hasApiKey: false }) });
    assert.ok(!noKey.$('[data-testid="welcome"]')!.hidden, 'the welcome comes with the state');
  });

  it('what is typed before the first state survives the stored draft; a later setPrompt still fills the prompt', () => {
    const t = setup();
    t.app.start();
    const prompt = t.$('[data-testid="prompt"]') as HTMLTextAreaElement;
    prompt.value = 'typed while the history opened';
    prompt.dispatchEvent(new t.dom.window.Event('input', { bubbles: true }));
    t.send({ type: 'state', state: state([]) });
    t.send({ type: 'setPrompt', text: 'draft of the last session', storedDraft: true });
    assert.equal(prompt.value, 'typed while the history opened');
    t.send({ type: 'setPrompt', text: 'a refused question back in the prompt' });
    assert.equal(prompt.value, 'a refused question back in the prompt');

    const untouched = setup();
    untouched.app.start();
    untouched.send({ type: 'state', state: state([]) });
    untouched.send({ type: 'setPrompt', text: 'draft of the last session', storedDraft: true });
    assert.equal((untouched.$('[data-testid="prompt"]') as HTMLTextAreaElement).value, 'draft of the last session');
  });

  it('clicks: links never navigate, code buttons carry (id, block), retry, actions, model, new chat, set key', () => {
    const t = setup();
    t.app.start();
    t.send({
      type: 'state',
      state: state(
        [
          { id: 'a1', role: 'assistant', text: 'See [docs](https://example.com/x).\n\n```py\nA\n```\n\n    indented\n\n```\nC\n```', state: 'done' },
          { id: 'a2', role: 'assistant', text: 'cut', state: 'interrupted' },
          { id: 'e1', role: 'error', text: 'oops', actions: ['selectModel', 'retry', 'openSettings'], replyTo: 'a2' },
          { id: 'a3', role: 'assistant', text: 'stopped here', state: 'stopped' },
        ],
        { hasApiKey: false },
      ),
    });
    t.posted.length = 0;
    const link = t.$('[data-id="a1"] a')!;
    const ev = new t.dom.window.MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(ev);
    assert.ok(ev.defaultPrevented, 'link click prevented');
    assert.deepEqual(t.posted.at(-1), { type: 'openLink', href: 'https://example.com/x' });

    const blocks = t.$$('[data-id="a1"] [data-testid="apply"]');
    assert.equal(blocks.length, 3);
    blocks[1].click();
    assert.deepEqual(t.posted.at(-1), { type: 'applyCode', id: 'a1', block: 1 });
    t.$$('[data-id="a1"] [data-testid="insert"]')[2].click();
    assert.deepEqual(t.posted.at(-1), { type: 'insertCode', id: 'a1', block: 2 });
    t.$$('[data-id="a1"] [data-testid="copy"]')[0].querySelector('span')!.click();
    assert.deepEqual(t.posted.at(-1), { type: 'copyCode', id: 'a1', block: 0 });

    assert.equal(t.$('[data-id="a2"] [data-testid="retry"]'), null, 'one Retry: the error below offers it');
    t.$('[data-id="a3"] [data-testid="retry"]')!.click();
    assert.deepEqual(t.posted.at(-1), { type: 'retry', id: 'a3' });
    const actions = t.$$('[data-id="e1"] [data-testid="error-action"]');
    actions[0].click();
    assert.deepEqual(t.posted.at(-1), { type: 'action', action: 'selectModel' });
    actions[1].click();
    assert.deepEqual(t.posted.at(-1), { type: 'retry', id: 'a2' });
    actions[2].click();
    assert.deepEqual(t.posted.at(-1), { type: 'action', action: 'openSettings' });

    assert.ok(!t.$('[data-testid="welcome"]')!.hidden, 'welcome shown without a key');
    t.$('[data-testid="set-api-key"]')!.click();
    assert.deepEqual(t.posted.at(-1), { type: 'action', action: 'setApiKey' });
    t.$('[data-testid="model"]')!.click();
    assert.deepEqual(t.posted.at(-1), { type: 'action', action: 'selectModel' });
    t.$('[data-testid="new-chat"]')!.click();
    assert.deepEqual(t.posted.at(-1), { type: 'newChat' });
  });

  it('a very long question shows its beginning and renders the rest only on "Show all"', () => {
    const t = setup();
    t.app.start();
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} of the pasted file`);
    const long = `Explain this:\n\n\`\`\`\n${lines.join('\n')}\n\`\`\``;
    t.send({ type: 'state', state: state([{ id: 'u1', role: 'user', text: long }, { id: 'u2', role: 'user', text: 'short' }]) });
    const body = t.$('[data-id="u1"] .message-body')!;
    assert.ok(body.textContent!.length <= PREVIEW_CHARS + 200, `preview only: ${body.textContent!.length} characters`);
    assert.ok(body.textContent!.includes('line 0 of the pasted file'));
    assert.ok(!body.textContent!.includes('line 19999 of'));
    const button = t.$('[data-id="u1"] [data-testid="show-all"]')!;
    assert.match(button.textContent!, /Show all — [\d,]+ more lines \([\d,]+ KB\)/);
    assert.equal(t.$('[data-id="u2"] [data-testid="show-all"]'), null, 'short messages are whole');
    t.posted.length = 0;
    button.click();
    assert.deepEqual(t.posted, [], 'nothing to ask the host');
    assert.equal(t.$('[data-id="u1"] [data-testid="show-all"]'), null);
    assert.equal(t.$('[data-id="u1"] .message-body')!.innerHTML, oneShotHtml(t.doc, long, false), 'now the whole message, as a one-shot render');
  });

  it('a failed reply shows one Retry: its own, until an error message below offers one', () => {
    const t = setup();
    t.app.start();
    t.send({ type: 'state', state: state([{ id: 'u1', role: 'user', text: 'q' }]) });
    t.send({ type: 'messageAdded', message: { id: 'a1', role: 'assistant', text: '', state: 'streaming' } });
    t.send({ type: 'append', id: 'a1', text: 'partial' });
    t.send({ type: 'messageUpdated', message: { id: 'a1', role: 'assistant', text: 'partial', state: 'error' } });
    t.frame();
    assert.equal(t.$$('[data-testid="retry"]').length, 1, 'the reply offers Retry while no error message is shown');
    t.send({ type: 'messageAdded', message: { id: 'e1', role: 'error', text: 'Server error', actions: ['retry', 'openLog'], replyTo: 'a1' } });
    assert.equal(t.$$('[data-testid="retry"]').length, 0, "the reply's own Retry is gone");
    const retries = t.$$('[data-testid="error-action"][data-action="retry"]');
    assert.equal(retries.length, 1);
    retries[0].click();
    assert.deepEqual(t.posted.at(-1), { type: 'retry', id: 'a1' });
    // an error without Retry (e.g. a bad key) leaves the reply's own
    t.send({ type: 'messageAdded', message: { id: 'a2', role: 'assistant', text: 'x', state: 'error' } });
    t.send({ type: 'messageAdded', message: { id: 'e2', role: 'error', text: 'Bad key', actions: ['setApiKey'], replyTo: 'a2' } });
    assert.ok(t.$('[data-id="a2"] [data-testid="retry"]'));
  });
});
