// Context and images in the sidebar chat, seen from the workbench: Add context attaches the current
// file as a chip, `#` in the prompt opens the same pick and a workspace file found by typing is
// attached, a chip's remove button takes it off before sending; an image pasted into the prompt shows
// as a thumbnail chip and reaches the loopback GMI as an image part.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { ask, chatTestHooks, openChat, openFile, quickPickRows, session, until, waitForState, WAIT } from './harness';

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Clicks the row of the open quick pick that shows `text`, once it is listed. */
async function pickRow(page: Page, text: string): Promise<void> {
  const row = quickPickRows(page, text).first();
  await row.waitFor({ state: 'visible', timeout: WAIT });
  await row.click();
  await row.waitFor({ state: 'hidden', timeout: WAIT });
}

const chips = (frame: FrameLocator) => frame.locator('.composer [data-testid="context-chip"]');

type Body = { messages: Array<{ role: string; content: unknown }> };
const lastUserContent = (body: unknown): unknown => (body as Body).messages.filter((m) => m.role === 'user').at(-1)?.content;
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p: { text?: string }) => p.text ?? '').join('') : '';

describe('UI: attachments', () => {
  chatTestHooks();

  it('context chip added (Add context, and # with a workspace search) and removed before sending', async () => {
    const s = await session();
    await openFile(s.page, 'notes.ts');
    const frame = await openChat(s.page);

    await frame.locator('[data-testid="add-context"]').click();
    await pickRow(s.page, 'Current file');
    const notes = chips(frame).filter({ hasText: 'notes.ts' });
    await notes.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await notes.innerText(), /notes\.ts\s*\d+(\.\d)? ?(bytes|KB)/, 'name and size');

    const prompt = frame.locator('[data-testid="prompt"]');
    await prompt.click();
    await prompt.pressSequentially('Compare these #');
    await s.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Add context' }).waitFor({ state: 'visible', timeout: WAIT });
    await pickRow(s.page, 'Workspace file');
    const input = s.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('sampl');
    await pickRow(s.page, 'sample.ts');
    const sample = chips(frame).filter({ hasText: 'sample.ts' });
    await sample.waitFor({ state: 'visible', timeout: WAIT });
    await until('the # that opened the pick is gone', async () => (await prompt.inputValue()) === 'Compare these ');

    // Removed before sending: its labelled button takes the chip off, the other stays.
    await frame.getByRole('button', { name: 'Remove notes.ts' }).click();
    await notes.waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await chips(frame).count(), 1);

    s.fake.enqueue({ text: 'Only sample.ts was attached.' });
    const reply = await ask(s, frame, 'Compare these files.');
    await waitForState(reply, 'done');
    await until('the composer has no chips after sending', async () => (await chips(frame).count()) === 0);
    const question = frame.locator('[data-testid="message"][data-role="user"]').filter({ hasText: 'Compare these files.' }).last();
    assert.equal(await question.locator('[data-testid="context-chip"]').count(), 1, 'the question shows what was attached');

    const req = s.fake.requests.filter((r) => r.method === 'POST').at(-1)!;
    const sent = textOf(lastUserContent(req.body));
    assert.match(sent, /Attached file `src\/sample\.ts` \(typescript\):\n\n```typescript\n/);
    assert.ok(!sent.includes('notes.ts'), 'the removed attachment was not sent');
  });

  it('a binary workspace file is refused with the reason shown above the prompt', async () => {
    const s = await session();
    fs.mkdirSync(path.join(s.folder, 'build'), { recursive: true });
    fs.writeFileSync(path.join(s.folder, 'build', 'firmware.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
    const frame = await openChat(s.page);
    await frame.locator('[data-testid="add-context"]').click();
    await pickRow(s.page, 'Workspace file');
    await s.page.locator('.quick-input-widget .quick-input-box input').fill('firmware');
    await pickRow(s.page, 'firmware.bin');
    const notice = frame.locator('[data-testid="composer-notice"]');
    await notice.filter({ hasText: 'firmware.bin is a binary file, so it was not attached.' }).waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await chips(frame).filter({ hasText: 'firmware.bin' }).count(), 0);
  });

  it('an image pasted into the prompt shows as a thumbnail chip and reaches the server as an image part', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    const prompt = frame.locator('[data-testid="prompt"]');
    await prompt.click();
    // A paste as the browser delivers it: a ClipboardEvent whose clipboardData holds the image file.
    await prompt.evaluate((el, b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, PNG_1PX);
    const chip = frame.locator('.composer [data-testid="image-chip"]');
    await chip.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await chip.locator('img').getAttribute('src'), `data:image/png;base64,${PNG_1PX}`);
    assert.match(await chip.innerText(), /pasted\.png/);

    s.fake.enqueue({ text: 'One pixel.' });
    const reply = await ask(s, frame, 'What is in this picture?');
    await waitForState(reply, 'done');
    const req = s.fake.requests.filter((r) => r.method === 'POST').at(-1)!;
    const content = lastUserContent(req.body) as Array<Record<string, unknown>>;
    assert.ok(Array.isArray(content), 'sent as parts');
    const image = content.find((p) => p.type === 'image' || p.type === 'image_url');
    assert.ok(image, `an image part in ${JSON.stringify(content).slice(0, 300)}`);
    if (image.type === 'image') assert.deepEqual(image.source, { type: 'base64', media_type: 'image/png', data: PNG_1PX });
    else assert.deepEqual(image.image_url, { url: `data:image/png;base64,${PNG_1PX}` });
    await frame.locator('[data-testid="message"][data-role="user"] [data-testid="image-chip"] img').last().waitFor({ state: 'visible', timeout: WAIT });
  });
});
