// Turns the user takes back, seen from the workbench: Edit on a question puts it in the prompt and
// sending replaces it and what followed (the server gets the edited history; the conversation as it
// was is in the history list); Regenerate replaces a reply; Copy reply puts its Markdown on the
// clipboard; Escape stops a streaming reply; Up in an empty prompt recalls the last question; the
// view keeps its scroll position, open thinking and "Show all" when the side bar hides and shows it
// again (a new webview page), and the prompt has the cursor when the view opens.
import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import {
  approveHostIfAsked,
  ask,
  chatFrame,
  chatTestHooks,
  closeQuickInput,
  messages,
  messageTexts as texts,
  newChat,
  openChat,
  quickPickRows,
  runCommand,
  session,
  slowPlan,
  until,
  waitForState,
  WAIT,
} from './harness';

/** The text of every user turn of the newest request the fake server got. */
function lastRequestUserTurns(s: Awaited<ReturnType<typeof session>>): string {
  const post = [...s.fake.requests].reverse().find((r) => r.method === 'POST');
  return JSON.stringify((post?.body as { messages?: unknown[] } | undefined)?.messages ?? []);
}

/** Clicks a message's action (shown on hover) the way a user does: hover the message, click the button. */
async function clickAction(message: Locator, testid: string): Promise<void> {
  await message.hover();
  await message.locator(`[data-testid="${testid}"]`).click({ timeout: WAIT });
}

const isFocused = (l: Locator) => l.evaluate((el) => el === el.ownerDocument.activeElement && el.ownerDocument.hasFocus());

describe('UI: edit and resend, regenerate, copy reply, Escape, Up, the view remembers', () => {
  chatTestHooks();

  it('Edit puts a question in the prompt; sending replaces it and what followed; the old branch is in the history; the draft comes back', async () => {
    const s = await session();
    const frame = await newChat(s.page);
    s.fake.enqueue({ text: 'Merge sort is stable.' }, { text: 'Did you mean in place?' });
    await waitForState(await ask(s, frame, 'Which sort is stable?'), 'done');
    await waitForState(await ask(s, frame, 'And which one sorts in plaice?'), 'done');

    const prompt = frame.locator('[data-testid="prompt"]');
    await prompt.fill('a draft I was typing');
    await clickAction(messages(frame, 'user').nth(1), 'edit');
    await until('the question in the prompt', async () => (await prompt.inputValue()) === 'And which one sorts in plaice?');
    await frame.locator('[data-testid="edit-bar"]').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await isFocused(prompt), true, 'the prompt has the cursor');

    s.fake.enqueue({ text: 'Heapsort sorts in place.' });
    await prompt.fill('And which one sorts in place?');
    await prompt.press('Enter');
    await until('the edited turn replaced the old one', async () =>
      JSON.stringify(await texts(frame, 'user')) === JSON.stringify(['Which sort is stable?', 'And which one sorts in place?']) &&
      JSON.stringify(await texts(frame, 'assistant')) === JSON.stringify(['Merge sort is stable.', 'Heapsort sorts in place.']));
    const sent = lastRequestUserTurns(s);
    assert.ok(sent.includes('sorts in place?') && !sent.includes('plaice') && !sent.includes('Did you mean'), `the edited history was sent: ${sent}`);
    assert.equal(await prompt.inputValue(), 'a draft I was typing', 'the draft is back');
    await frame.locator('[data-testid="edit-bar"]').waitFor({ state: 'hidden', timeout: WAIT });

    await runCommand(s.page, 'GMI: Show Chat History');
    const row = quickPickRows(s.page, 'Which sort is stable? (before edit');
    await row.first().waitFor({ state: 'visible', timeout: WAIT });
    assert.match((await row.first().innerText()).replace(/\s+/g, ' '), /4 messages/);
    await closeQuickInput(s.page);
    await prompt.fill('');
  });

  it('Regenerate replaces the last reply; Copy reply copies its Markdown through the host', async () => {
    const s = await session();
    const frame = await newChat(s.page);
    s.fake.enqueue({ text: 'The first **try**.' });
    const first = await ask(s, frame, 'Give me an answer to regenerate');
    await waitForState(first, 'done');

    s.fake.enqueue({ text: 'The second **try**, with `code`.' });
    const posts = s.fake.requests.filter((r) => r.method === 'POST').length;
    await clickAction(first, 'regenerate');
    await until('the new reply in place of the old', async () => JSON.stringify(await texts(frame, 'assistant')) === JSON.stringify(['The second try, with code.']));
    await waitForState(messages(frame, 'assistant').first(), 'done');
    assert.equal(s.fake.requests.filter((r) => r.method === 'POST').length, posts + 1);
    assert.deepEqual(await texts(frame, 'user'), ['Give me an answer to regenerate']);

    const origin = new URL(s.page.url()).origin;
    await s.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await clickAction(messages(frame, 'assistant').first(), 'copy-reply');
    await until('the reply’s Markdown on the clipboard', async () =>
      (await s.page.evaluate(() => navigator.clipboard.readText().catch(() => ''))) === 'The second **try**, with `code`.');
  });

  it('Escape in the view stops a streaming reply; Up in the empty prompt recalls the last question', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    s.fake.enqueue(slowPlan('A reply that streams slowly enough to be stopped with Escape. '.repeat(12), { chunkSize: 2, delayMs: 40 }));
    const reply = await ask(s, frame, 'Stream until I press Escape');
    await until('some streamed text', async () => (await reply.locator('.message-body').innerText()).length > 20);
    // The focus in the conversation, not in the prompt.
    await frame.locator('main.conversation').focus();
    await s.page.keyboard.press('Escape');
    await waitForState(reply, 'stopped');

    const prompt = frame.locator('[data-testid="prompt"]');
    await prompt.fill('');
    await prompt.press('ArrowUp');
    await until('the last question in the prompt', async () => (await prompt.inputValue()) === 'Stream until I press Escape');
    await prompt.fill('');
  });

  it('hiding and showing the side bar keeps the scroll position, open thinking and "Show all"; the prompt has the cursor when the view opens', async () => {
    const s = await session();
    let frame = await newChat(s.page);
    s.fake.enqueue({ text: 'Short answer.', thinking: 'Reasoning the user opens to read.' });
    await waitForState(await ask(s, frame, 'A question with thinking'), 'done');
    const lines = Array.from({ length: 80 }, (_, i) => `Line ${i + 1} of a long answer.`).join('\n\n');
    s.fake.enqueue({ text: lines });
    await waitForState(await ask(s, frame, 'A question with a long answer'), 'done');
    const paste = `A long paste:\n${Array.from({ length: 1500 }, (_, i) => `pasted line ${i + 1}`).join('\n')}\nthe very end of the paste`;
    s.fake.enqueue({ text: 'Got the paste.' });
    // Put in at once, as a paste does (typing 25 KB through fill() takes seconds).
    const prompt = frame.locator('[data-testid="prompt"]');
    await prompt.evaluate((el, text) => {
      (el as HTMLTextAreaElement).value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, paste);
    await prompt.press('Enter');
    await approveHostIfAsked(s);
    await messages(frame, 'assistant').filter({ hasText: 'Got the paste.' }).waitFor({ state: 'visible', timeout: WAIT });

    // Open the thinking, show the whole paste, then scroll up into the long answer.
    await messages(frame, 'assistant').first().locator('[data-testid="thinking"] summary').click();
    await messages(frame, 'user').last().locator('[data-testid="show-all"]').click();
    await messages(frame, 'user').last().filter({ hasText: 'the very end of the paste' }).waitFor({ state: 'visible', timeout: WAIT });
    const list = frame.locator('main.conversation');
    await list.hover();
    const target = messages(frame, 'assistant').nth(1);
    // A user's scroll: a wheel event, then the position (the view unpins from the bottom).
    await target.evaluate((el) => {
      const list = el.closest('main')!;
      list.dispatchEvent(new WheelEvent('wheel', { deltaY: -100 }));
      list.scrollTop += el.getBoundingClientRect().top - list.getBoundingClientRect().top + 300;
    });
    const anchor = () =>
      list.evaluate((el) => {
        const top = el.getBoundingClientRect().top;
        const first = [...el.querySelectorAll('[data-testid="message"]')].find((m) => m.getBoundingClientRect().bottom > top)!;
        return { id: first.getAttribute('data-id'), offset: Math.round(top - first.getBoundingClientRect().top), bottom: el.scrollHeight - el.scrollTop - el.clientHeight };
      });
    const before = await anchor();
    assert.equal(before.id, await target.getAttribute('data-id'));
    assert.ok(before.bottom > 200, 'scrolled up, away from the bottom');
    await s.page.locator('iframe.webview.ready[src*="gmi-cloud.gmi-vscode"]').evaluate((el) => el.setAttribute('data-before-hide', '1'));

    // Hidden: VS Code discards the webview (no retainContextWhenHidden); shown: a new page.
    await runCommand(s.page, 'View: Toggle Primary Side Bar Visibility');
    await s.page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: WAIT });
    await s.page.locator('.activitybar a.action-label[aria-label^="GMI"]').first().click();
    frame = chatFrame(s.page);
    await frame.locator('[data-testid="prompt"]').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await s.page.locator('iframe.webview.ready[src*="gmi-cloud.gmi-vscode"][data-before-hide]').count(), 0, 'a new webview page');
    await until('the prompt to have the cursor', () => isFocused(frame.locator('[data-testid="prompt"]')));

    await until('the same message at the top, as far into it', async () => {
      const after = await anchor();
      return after.id === before.id && Math.abs(after.offset - before.offset) <= 2;
    });
    assert.equal(await messages(frame, 'assistant').first().locator('[data-testid="thinking"]').evaluate((d) => (d as HTMLDetailsElement).open), true);
    assert.equal(await messages(frame, 'user').last().locator('[data-testid="show-all"]').count(), 0, 'still shown in full');
    // textContent: the message is off-screen (content-visibility: auto leaves innerText empty there).
    assert.match((await messages(frame, 'user').last().textContent()) ?? '', /the very end of the paste/);
  });
});
