// A new user: no key yet. Runs first (files load in name order), before any key is stored.
import * as assert from 'node:assert/strict';
import { answerInputBox, commandInputBox, docScreenshot, notification, openChat, runCommand, session, UI_KEY, WAIT } from './harness';

describe('UI: first use', () => {
  it('without a key the chat shows the welcome; "GMI: Set API Key" from the palette stores it', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    const welcome = frame.locator('[data-testid="welcome"]');
    await welcome.waitFor({ state: 'visible', timeout: WAIT });
    await welcome.getByRole('button', { name: /Set API Key/ }).waitFor({ state: 'visible', timeout: WAIT });
    await docScreenshot(s.page, 'welcome');

    await runCommand(s.page, 'GMI: Set API Key');
    const box = await commandInputBox(s.page);
    assert.equal(await box.getAttribute('type'), 'password', 'the key is typed into a password box');
    await answerInputBox(s.page, UI_KEY);
    await notification(s.page, 'GMI API key saved').waitFor({ state: 'visible', timeout: WAIT });
    s.keySet = true;

    // The welcome gives way to the chat.
    await welcome.waitFor({ state: 'hidden', timeout: WAIT });
    await frame.locator('[data-testid="prompt"]').waitFor({ state: 'visible', timeout: WAIT });
  });
});
