import * as assert from 'node:assert/strict';
import { ask, chatTestHooks, messages, openChat, session, WAIT, waitForState } from './harness';

describe('UI: errors', () => {
  // The key is set on first use (01-first-use), or here when that file is not part of the run.
  chatTestHooks();

  it('a 401 from the server shows an error with a Set API Key action', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    const errorsBefore = await messages(frame, 'error').count();
    s.fake.enqueue({ status: 401 });
    const reply = await ask(s, frame, 'Does my key work?');
    await waitForState(reply, 'error');

    const error = messages(frame, 'error').nth(errorsBefore);
    await error.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await error.innerText(), /key/i);
    const action = error.getByRole('button', { name: /Set API Key/ });
    await action.waitFor({ state: 'visible', timeout: WAIT });
    await action.click();
    // The action opens the key box; cancel it (the stored key stays).
    const box = s.page.locator('.quick-input-widget .quick-input-box input[type="password"]');
    await box.waitFor({ state: 'visible', timeout: WAIT });
    await s.page.keyboard.press('Escape');
  });
});
