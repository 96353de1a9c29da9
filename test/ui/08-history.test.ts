// Many conversations, seen from the workbench: New Chat empties the sidebar and keeps the old
// conversation; the history button in the view's title bar lists it; typing a word that is only in
// its answer finds it; Enter shows it in the sidebar again; the view's "…" menu exports it as
// Markdown; a reload keeps every conversation.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  ask,
  chatTestHooks,
  closeQuickInput,
  contextMenu,
  editorText,
  messages,
  messageTexts,
  newChat,
  openChat,
  quickPickRows as rows,
  runCommand,
  session,
  until,
  waitForState,
  waitForWorkbench,
  WAIT,
} from './harness';

const FIRST_Q = 'UI history: the first conversation';
const FIRST_A = 'The first answer mentions heapsortzebra once.';
const SECOND_Q = 'UI history: a second conversation';

/** Clicks the history button in the chat view's title bar and waits for the list. */
async function openHistoryFromTitleBar(page: Page): Promise<void> {
  await closeQuickInput(page);
  await page.locator('.part.sidebar a.action-label[aria-label^="Show Chat History"]').first().click({ timeout: WAIT });
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'GMI: Chat History' }).waitFor({ state: 'visible', timeout: WAIT });
}

const bodies = async (page: Page, role: 'user' | 'assistant'): Promise<string[]> => messageTexts(await openChat(page), role);

describe('UI: chat history', () => {
  chatTestHooks();

  it('New Chat keeps the conversation; the history finds it by its text and shows it again; a reload keeps both', async () => {
    const s = await session();
    let frame = await newChat(s.page);
    s.fake.enqueue({ text: FIRST_A });
    await waitForState(await ask(s, frame, FIRST_Q), 'done');

    await newChat(s.page);
    s.fake.enqueue({ text: 'The second answer.' });
    await waitForState(await ask(s, frame, SECOND_Q), 'done');

    await openHistoryFromTitleBar(s.page);
    await until('both conversations listed, newest first', async () => {
      const texts = await rows(s.page).allInnerTexts();
      return texts[0]?.includes(SECOND_Q) === true && texts.some((t) => t.includes(FIRST_Q));
    });
    assert.match((await rows(s.page).first().innerText()).replace(/\s+/g, ' '), /current · .*2 messages/);

    // A word only the first conversation's answer has: no title contains it.
    await s.page.locator('.quick-input-widget .quick-input-box input').fill('heapsortzebra');
    await until('only the first conversation is listed', async () => {
      const texts = await rows(s.page).allInnerTexts();
      return texts.length === 1 && texts[0].includes(FIRST_Q);
    });
    await s.page.keyboard.press('Enter');
    await until('the sidebar shows the first conversation', async () => (await bodies(s.page, 'user')).join('|') === FIRST_Q);
    assert.deepEqual(await bodies(s.page, 'assistant'), [FIRST_A]);

    await s.page.reload();
    await waitForWorkbench(s.page);
    frame = await openChat(s.page);
    await messages(frame, 'assistant').filter({ hasText: FIRST_A }).waitFor({ state: 'visible', timeout: WAIT });
    assert.deepEqual(await bodies(s.page, 'user'), [FIRST_Q], 'the conversation shown last comes back');
    await openHistoryFromTitleBar(s.page);
    await until('both conversations are still listed', async () => {
      const texts = await rows(s.page).allInnerTexts();
      return texts.some((t) => t.includes(FIRST_Q)) && texts.some((t) => t.includes(SECOND_Q));
    });
  });

  it('the view\'s "…" menu exports the conversation as Markdown', async () => {
    const s = await session();
    await openChat(s.page);
    await until('the first conversation in the sidebar', async () => (await bodies(s.page, 'user')).includes(FIRST_Q));
    await contextMenu(s.page, ['Export Chat as Markdown'], async () => {
      await closeQuickInput(s.page);
      await s.page.locator('.part.sidebar .actions-container a.action-label.codicon-toolbar-more').first().click({ timeout: WAIT });
    });
    // An untitled editor is named after its first line: the exported title.
    await s.page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor({ state: 'visible', timeout: WAIT });
    await until('the exported text', async () => (await editorText(s.page)).includes(FIRST_A));
    const text = await editorText(s.page);
    assert.match(text, new RegExp(`^# ${FIRST_Q}`));
    assert.match(text, /## Question/);
    assert.match(text, /## Answer/);
    await runCommand(s.page, 'View: Revert and Close Editor');
  });
});
