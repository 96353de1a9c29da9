import * as assert from 'node:assert/strict';
import {
  activeEditor,
  answerInputBox,
  approveHostIfAsked,
  chatTestHooks,
  contextMenu,
  docScreenshot,
  editorText,
  focusEditor,
  messages,
  notification,
  openChat,
  openFile,
  runCommand,
  selectLines,
  session,
  until,
  WAIT,
  waitForState,
} from './harness';

/** Text of the last user turn the fake server received. */
function lastUserText(body: unknown): string {
  const msgs = (body as { messages?: Array<{ role: string; content: unknown }> })?.messages ?? [];
  const user = [...msgs].reverse().find((m) => m.role === 'user');
  if (!user) return '';
  return typeof user.content === 'string' ? user.content : JSON.stringify(user.content);
}

describe('UI: editor commands', () => {
  // The key is set on first use (01-first-use), or here when that file is not part of the run.
  chatTestHooks();

  it('"Ask GMI" from the palette sends the question with the selection', async () => {
    const s = await session();
    await openFile(s.page, 'sample.ts');
    await selectLines(s.page, 2, 8);
    const frame = await openChat(s.page);
    const before = await messages(frame, 'assistant').count();
    await focusEditor(s.page); // back from the chat view; the selection stays
    s.fake.enqueue({ text: 'It returns the sum of the prices.' });
    const sent = s.fake.requests.length;

    await runCommand(s.page, 'Ask GMI');
    await answerInputBox(s.page, 'What does total() return?');
    await approveHostIfAsked(s);
    const reply = messages(frame, 'assistant').nth(before);
    await waitForState(reply, 'done');
    assert.match(await reply.innerText(), /sum of the prices/);
    const req = s.fake.requests.slice(sent).find((r) => r.method === 'POST');
    const text = lastUserText(req?.body);
    assert.match(text, /What does total\(\) return\?/);
    assert.match(text, /export function total\(prices: number\[\]\): number/);
  });

  it('Explain Selection from the editor context menu (GMI submenu)', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    const before = await messages(frame, 'assistant').count();
    await openFile(s.page, 'sample.ts');
    await selectLines(s.page, 10, 12);
    s.fake.enqueue({ text: 'It builds a greeting.' });
    const sent = s.fake.requests.length;

    await contextMenu(s.page, ['GMI', 'Explain Selection'], () => activeEditor(s.page).locator('.view-line').nth(10).click({ button: 'right' }));
    await approveHostIfAsked(s);

    const reply = messages(frame, 'assistant').nth(before);
    await waitForState(reply, 'done');
    assert.match(await reply.innerText(), /builds a greeting/);
    const text = lastUserText(s.fake.requests.slice(sent).find((r) => r.method === 'POST')?.body);
    assert.match(text, /sample\.ts/);
    assert.match(text, /typescript/);
    assert.match(text, /lines 10-12/);
  });

  it('Refactor Selection → diff editor → Apply → the document has the new code → Undo restores it', async () => {
    const s = await session();
    await openFile(s.page, 'sample.ts');
    const original = await editorText(s.page);
    await selectLines(s.page, 4, 6);
    const newLoop = '  for (const price of prices) {\n    sum += price;\n  }';
    s.fake.enqueue({ text: `\`\`\`ts\n${newLoop}\n\`\`\`\n`, chunkSize: 4, delayMs: 5 });

    await runCommand(s.page, 'GMI: Refactor Selection');
    await answerInputBox(s.page, 'Use a for-of loop');
    await approveHostIfAsked(s);
    await s.page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: WAIT });
    const apply = notification(s.page, 'Apply the proposed change').getByRole('button', { name: 'Apply' });
    await apply.waitFor({ state: 'visible', timeout: WAIT });
    await docScreenshot(s.page, 'refactor-diff');
    await apply.click();

    await s.page.locator('.monaco-diff-editor').first().waitFor({ state: 'hidden', timeout: WAIT });
    await until('the new code in the document', async () => (await editorText(s.page)).includes('for (const price of prices)'));
    const applied = await editorText(s.page);
    assert.ok(applied.includes(newLoop), applied);
    assert.ok(!applied.includes('for (let i = 0'), 'the old loop is gone');
    assert.ok(applied.includes('export function greet'), 'the rest of the file is kept');

    await activeEditor(s.page).click();
    await s.page.keyboard.press('Control+Z');
    await until('Undo to restore the original', async () => (await editorText(s.page)) === original);
  });
});
