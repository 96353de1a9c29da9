// Where the developer already is: the light bulb on a problem, and the "Get started with GMI" walkthrough.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  activeEditor,
  answerInputBox,
  approveHostIfAsked,
  ask,
  docScreenshot,
  editorText,
  ensureKey,
  goToLine,
  notification,
  openChat,
  openFile,
  pickInQuickPick,
  runCommand,
  session,
  UI_KEY,
  until,
  waitForState,
  WAIT,
  type Session,
} from './harness';

/** Text of the last user turn the fake server received. */
function lastUserText(body: unknown): string {
  const msgs = (body as { messages?: Array<{ role: string; content: unknown }> })?.messages ?? [];
  const user = [...msgs].reverse().find((m) => m.role === 'user');
  if (!user) return '';
  return typeof user.content === 'string' ? user.content : JSON.stringify(user.content);
}

/** Clicks Apply in the "Apply the proposed change?" notification once the diff editor shows the proposal. */
async function applyProposal(page: Page): Promise<void> {
  await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: WAIT });
  const apply = notification(page, 'Apply the proposed change').getByRole('button', { name: 'Apply' });
  await apply.waitFor({ state: 'visible', timeout: WAIT });
  await apply.click();
  await page.locator('.monaco-diff-editor').first().waitFor({ state: 'hidden', timeout: WAIT });
}

/** Closes the active editor without saving what the test changed (later files expect clean editors). */
async function revertAndClose(page: Page): Promise<void> {
  await runCommand(page, 'View: Revert and Close Editor');
}

describe('UI: where the developer already is', () => {
  it('light bulb on a JSON syntax error → Fix with GMI → diff → Apply fixes the file', async () => {
    const s = await session();
    await ensureKey(s);
    s.fake.reset();
    fs.writeFileSync(path.join(s.folder, 'broken.json'), '{\n  "name": "demo",\n  "version": "1.0.0"\n  "private": true\n}\n');
    await openFile(s.page, 'broken.json');
    // The JSON language service marks the missing comma.
    await activeEditor(s.page).locator('xpath=ancestor::*[contains(@class,"monaco-editor")][1]').locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: WAIT });
    await goToLine(s.page, 4, 3);

    s.fake.enqueue({ text: 'Added the missing comma.\n\n```json result\n{\n  "name": "demo",\n  "version": "1.0.0",\n  "private": true\n}\n```\n', chunkSize: 8, delayMs: 5 });
    const sent = s.fake.requests.length;
    const bulb = s.page.locator('.lightBulbWidget').filter({ visible: true }).first();
    await bulb.waitFor({ state: 'visible', timeout: WAIT });
    await bulb.click();
    const rows = s.page.locator('.action-widget .monaco-list-row');
    await rows.filter({ hasText: 'Fix with GMI' }).first().waitFor({ state: 'visible', timeout: WAIT });
    await rows.filter({ hasText: 'Explain this problem with GMI' }).first().waitFor({ state: 'visible', timeout: WAIT });
    await docScreenshot(s.page, 'fix-with-gmi');
    // The list takes keys (a pointer block covers it until the mouse moves): go to the row, Enter.
    await until('"Fix with GMI" highlighted', async () => {
      const focused = await rows.and(s.page.locator('.focused')).first().innerText({ timeout: 1000 }).catch(() => '');
      if (focused.trim() === 'Fix with GMI') return true;
      await s.page.keyboard.press('ArrowDown');
      return false;
    });
    await s.page.keyboard.press('Enter');
    await approveHostIfAsked(s);
    await applyProposal(s.page);

    await until('the fixed JSON in the editor', async () => (await editorText(s.page)).includes('"version": "1.0.0",'));
    assert.equal((await editorText(s.page)).trim(), '{\n  "name": "demo",\n  "version": "1.0.0",\n  "private": true\n}');
    const text = lastUserText(s.fake.requests.slice(sent).find((r) => r.method === 'POST')?.body);
    assert.match(text, /Fix this error reported by json/);
    assert.match(text, /broken\.json/);
    await revertAndClose(s.page);
  });

  describe('"Get started with GMI" walkthrough', () => {
    /** Opens the walkthrough (GMI: Get Started) and expands `step`. */
    async function openStep(s: Session, step: string): Promise<void> {
      await runCommand(s.page, 'GMI: Get Started');
      const title = s.page.locator(`button.getting-started-step[data-step-id$="#${step}"]`);
      await title.waitFor({ state: 'visible', timeout: WAIT });
      if ((await title.getAttribute('aria-expanded')) !== 'true') await title.click();
      await until(`step ${step} expanded`, async () => (await title.getAttribute('aria-expanded')) === 'true');
    }

    /** Clicks the expanded step's button (a command link in its description). */
    async function clickStepButton(s: Session, label: string): Promise<void> {
      const button = s.page.locator('.gettingStartedContainer .getting-started-step.expanded').getByRole('button', { name: label, exact: true });
      await button.waitFor({ state: 'visible', timeout: WAIT });
      await button.click();
    }

    async function waitDone(s: Session, step: string): Promise<void> {
      await runCommand(s.page, 'GMI: Get Started');
      const check = s.page.locator(`[data-done-step-id$="#${step}"]`).first();
      await until(`the step "${step}" checked`, async () => (await check.getAttribute('aria-checked')) === 'true', WAIT);
    }

    it('each step’s button does the step, and the step checks itself', async () => {
      const s = await session();
      s.fake.reset();

      // 1. The key (the button opens the same password box as the command).
      await openStep(s, 'setApiKey');
      await docScreenshot(s.page, 'walkthrough');
      await clickStepButton(s, 'Set API Key');
      await answerInputBox(s.page, UI_KEY);
      await notification(s.page, 'GMI API key saved').waitFor({ state: 'visible', timeout: WAIT });
      s.keySet = true;
      await waitDone(s, 'setApiKey');

      // 2. A model, picked in the model list.
      await openStep(s, 'selectModel');
      await pickInQuickPick(s.page, () => clickStepButton(s, 'Select Model'), 'anthropic/claude-sonnet-4.5', 'anthropic/claude-sonnet-4.5');
      await waitDone(s, 'selectModel');

      // 3. A question in the chat the button opens.
      await openStep(s, 'askQuestion');
      await clickStepButton(s, 'Open Chat');
      const frame = await openChat(s.page);
      s.fake.enqueue({ text: 'Hello from the walkthrough.' });
      const reply = await ask(s, frame, 'Walkthrough: first question');
      await waitForState(reply, 'done');
      await waitDone(s, 'askQuestion');

      // 4. A refactor of the sample the button opens, applied.
      await openStep(s, 'applyRefactor');
      s.fake.enqueue({ text: '```javascript result\nfunction total(items) {\n  return items.reduce((sum, i) => sum + (i.price ?? 0) * (i.quantity ?? 0), 0);\n}\n```\n' });
      await clickStepButton(s, 'Try Refactor');
      await answerInputBox(s.page, 'Use reduce');
      await approveHostIfAsked(s);
      await applyProposal(s.page);
      await until('the refactored sample', async () => (await editorText(s.page)).includes('items.reduce('));
      await revertAndClose(s.page);
      await waitDone(s, 'applyRefactor');

      // All four, checked on the page at once.
      for (const step of ['setApiKey', 'selectModel', 'askQuestion', 'applyRefactor']) {
        assert.equal(await s.page.locator(`[data-done-step-id$="#${step}"]`).first().getAttribute('aria-checked'), 'true', step);
      }
    });
  });
});
