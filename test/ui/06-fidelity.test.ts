// What a careful user sees: code buttons only on finished blocks, focus kept on the prompt, file
// names in replies that open the file, Apply/Discard only in the proposal's diff editor.
import * as assert from 'node:assert/strict';
import {
  answerInputBox,
  approveHostIfAsked,
  ask,
  chatTestHooks,
  focusEditor,
  messages,
  notification,
  openChat,
  openFile,
  pickInQuickPick,
  runCommand,
  selectLines,
  session,
  slowPlan,
  until,
  WAIT,
  waitForState,
} from './harness';

describe('UI: fidelity', () => {
  chatTestHooks();

  it('Copy / Insert / Apply are disabled while their code block streams, enabled once it is complete', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    const code = Array.from({ length: 30 }, (_, i) => `export const value${i} = ${i} * 2;`).join('\n');
    s.fake.enqueue(slowPlan(`Here they are:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`, { chunkSize: 4, delayMs: 20 }));
    const reply = await ask(s, frame, 'Write thirty constants.');
    const block = reply.locator('.code-block').first();
    await block.waitFor({ state: 'attached', timeout: WAIT });

    // Read the buttons' state and the code shown together, until the reply is done. While less than
    // the whole code is shown the block is surely still open.
    const samples: Array<{ disabled: boolean[]; shown: number; streaming: boolean }> = [];
    for (;;) {
      const sample = await block.evaluate((el) => ({
        disabled: Array.from(el.querySelectorAll('button.code-action')).map((b) => (b as HTMLButtonElement).disabled),
        shown: (el.querySelector('pre > code')?.textContent ?? '').replace(/\n$/, '').length,
        streaming: el.closest('[data-testid="message"]')?.getAttribute('data-state') === 'streaming',
      }));
      samples.push(sample);
      if (!sample.streaming) break;
    }
    const open = samples.filter((x) => x.streaming && x.shown < code.length);
    assert.ok(open.length > 0, 'the block was seen while it streamed');
    for (const x of open) assert.deepEqual(x.disabled, [true, true, true], `disabled with ${x.shown} of ${code.length} characters shown`);

    await waitForState(reply, 'done');
    const buttons = reply.locator('.code-block').first().locator('button.code-action');
    assert.equal(await buttons.count(), 3);
    for (let i = 0; i < 3; i++) assert.equal(await buttons.nth(i).isEnabled(), true);
  });

  it('a file named in a reply opens at its line; bare names and missing files stay text', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    s.fake.enqueue({ text: 'The loop is in `src/sample.ts:4`. Compare with main.py and lib/missing.ts.', usage: { input: 5, output: 9 } });
    const reply = await ask(s, frame, 'Where is the loop?');
    await waitForState(reply, 'done');
    const link = reply.locator('[data-testid="file-link"]');
    await link.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await link.count(), 1, 'only the file that exists');
    assert.equal(await reply.locator('a').count(), 0, 'main.py is no web link');
    assert.match(await reply.locator('.message-body').innerText(), /main\.py and lib\/missing\.ts/);

    await link.click();
    await s.page.locator('.tabs-container .tab.active[aria-label^="sample.ts"]').waitFor({ state: 'visible', timeout: WAIT });
    const position = s.page.locator('.statusbar-item[id="status.editor.selection"]');
    await until('the cursor on line 4', async () => /Ln 4, Col 1/.test(await position.innerText()));
  });

  it('Apply / Discard show in the proposal’s diff editor, not in any other diff editor', async () => {
    const s = await session();
    const { page } = s;
    await openFile(page, 'sample.ts');
    await selectLines(page, 4, 6);
    s.fake.enqueue({ text: '```ts result\n  for (const price of prices) {\n    sum += price;\n  }\n```\n' });
    await runCommand(page, 'GMI: Refactor Selection');
    await answerInputBox(page, 'Use a for-of loop');
    await approveHostIfAsked(s);
    const prompt = notification(page, 'Apply the proposed change');
    await prompt.waitFor({ state: 'visible', timeout: WAIT });

    const titleAction = (label: string) => page.locator(`.editor-group-container.active .editor-actions [aria-label^="${label}"]`);
    await titleAction('Apply Refactor').waitFor({ state: 'visible', timeout: WAIT });
    await titleAction('Discard Refactor').waitFor({ state: 'visible', timeout: WAIT });

    // Another diff editor while the proposal is still pending: notes.ts against sample.ts.
    await openFile(page, 'notes.ts');
    await pickInQuickPick(page, () => runCommand(page, 'File: Compare Active File With...'), 'sample.ts', /^sample\.ts(?!:)/); // the file, not the proposal's diff editor
    await page.locator('.editor-group-container.active .tab.active[aria-label*="notes.ts"][aria-label*="sample.ts"]').waitFor({ state: 'visible', timeout: WAIT });
    await page.locator('.editor-group-container.active .monaco-diff-editor').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await titleAction('Apply Refactor').count(), 0, 'no Apply in an unrelated diff editor');
    assert.equal(await titleAction('Discard Refactor').count(), 0);

    // The toast may have gone to the notification center by now: discard from the palette.
    await runCommand(page, 'GMI: Discard Refactor');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'View: Close All Editors');
  });

  it('keyboard only: the prompt has the focus when the chat opens and after Stop; Shift+Tab and Enter retry', async () => {
    const s = await session();
    const { page } = s;
    const frame = await openChat(page);
    const prompt = frame.locator('[data-testid="prompt"]');
    // Nothing focused in the view (an iframe keeps its activeElement while the workbench has focus).
    await prompt.evaluate((el) => (el as HTMLElement).blur());
    await focusEditor(page);
    await runCommand(page, 'GMI: Focus on Chat View');
    const focused = (locator: typeof prompt) => locator.evaluate((el) => el === el.ownerDocument.activeElement);
    await until('the prompt to have the focus', () => focused(prompt));

    const story = 'Once upon a time there was a very long story that kept going. '.repeat(12);
    s.fake.enqueue(slowPlan(story, { chunkSize: 2, delayMs: 40 }));
    const sent = s.fake.requests.length;
    await page.keyboard.type('Tell me a long story, keyboard only.');
    await page.keyboard.press('Enter');
    await approveHostIfAsked(s);
    const reply = messages(frame, 'user').filter({ hasText: 'keyboard only' }).last().locator('xpath=following-sibling::*[@data-testid="message"][1]');
    await until('some streamed text', async () => (await reply.locator('.message-body').innerText()).length > 20);
    if (!(await focused(prompt))) await prompt.focus(); // the host-approval dialog may have taken it
    await page.keyboard.press('Escape');
    await waitForState(reply, 'stopped');
    assert.equal(await focused(prompt), true, 'the focus stays in the prompt after Stop');

    // Back from the prompt into the conversation: the stopped reply's Retry, pressed with Enter.
    s.fake.enqueue({ text: 'A short one.' });
    await page.keyboard.press('Shift+Tab');
    const retry = reply.locator('[data-testid="retry"]');
    assert.equal(await focused(retry), true, 'Shift+Tab from the prompt reaches Retry');
    await page.keyboard.press('Enter');
    await until('the retried request', async () => s.fake.requests.slice(sent).filter((r) => r.method === 'POST').length === 2);
  });

  it('the focus is not lost when Stop is clicked and disappears', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    s.fake.enqueue(slowPlan('Streaming slowly so that there is time to click Stop. '.repeat(10), { chunkSize: 2, delayMs: 40 }));
    const reply = await ask(s, frame, 'Stream slowly, please.');
    await until('some streamed text', async () => (await reply.locator('.message-body').innerText()).length > 20);
    await frame.locator('[data-testid="stop"]').click();
    await waitForState(reply, 'stopped');
    await frame.locator('[data-testid="stop"]').waitFor({ state: 'hidden', timeout: WAIT });
    const prompt = frame.locator('[data-testid="prompt"]');
    assert.equal(await prompt.evaluate((el) => el === el.ownerDocument.activeElement), true);
  });
});

