import * as assert from 'node:assert/strict';
import {
  activeEditor,
  ask,
  chatTestHooks,
  docScreenshot,
  editorText,
  openChat,
  openFile,
  sample,
  session,
  slowPlan,
  until,
  WAIT,
  waitForState,
} from './harness';

const PROSE =
  'Streaming replies arrive a few characters at a time and the chat shows them as they come in, so the user can read along while the model is still writing the rest of its answer.';

describe('UI: sidebar chat', () => {
  // The key is set on first use (01-first-use), or here when that file is not part of the run.
  chatTestHooks();

  it('a question typed in the sidebar streams in, then shows the model and token count', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    s.fake.enqueue(slowPlan(PROSE));
    const reply = await ask(s, frame, 'How does streaming work?');

    // Read the reply while it streams: it must be seen at least twice, growing.
    const seen = await sample(
      async () => (await reply.locator('.message-body').innerText()).length,
      async () => (await reply.getAttribute('data-state')) === 'streaming',
    );
    assert.ok(seen.length >= 2, `saw the streaming reply at ${seen.length} length(s)`);
    assert.ok(seen.every((n, i) => i === 0 || n > seen[i - 1]), `the reply grew: ${seen.join(' → ')}`);

    await waitForState(reply, 'done');
    assert.ok((await reply.locator('.message-body').innerText()).includes(PROSE));
    const meta = reply.locator('[data-testid="meta"]');
    await meta.waitFor({ state: 'visible', timeout: WAIT });
    const metaText = await meta.innerText();
    assert.match(metaText, /claude-sonnet-4\.5/, `model in "${metaText}"`);
    assert.match(metaText, /48 out/, `output tokens in "${metaText}"`);
  });

  it('Stop mid-stream keeps the partial text and marks the reply stopped', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    const long = `${PROSE} `.repeat(8).trim();
    s.fake.enqueue(slowPlan(long, { delayMs: 60, chunkSize: 2 }));
    const requestIndex = s.fake.requests.length;
    const reply = await ask(s, frame, 'Tell me a long story.');
    await until('some streamed text', async () => (await reply.locator('.message-body').innerText()).trim().length > 10);
    await frame.locator('[data-testid="stop"]').click();

    await waitForState(reply, 'stopped');
    const partial = (await reply.locator('.message-body').innerText()).trim();
    assert.ok(partial.length > 10, 'the partial text is kept');
    assert.ok(long.startsWith(partial.slice(0, 40)), 'the kept text is the beginning of the reply');
    assert.ok(!partial.includes(long), 'the reply was cut short');
    // The server saw the client hang up: the stream was cancelled, not left running.
    const chatIndex = s.fake.requests.findIndex((r, i) => i >= requestIndex && r.method === 'POST');
    assert.equal(await s.fake.waitForOutcome(chatIndex), 'clientClosed');
    await frame.locator('[data-testid="send"]').waitFor({ state: 'visible', timeout: WAIT });
  });

  it("a code block's Insert puts the code at the cursor", async () => {
    const s = await session();
    await openFile(s.page, 'notes.ts');
    await activeEditor(s.page).click();
    await s.page.keyboard.press('Control+End');
    const before = await editorText(s.page);

    const frame = await openChat(s.page);
    const code = 'export const answer = 42;';
    s.fake.enqueue({
      text: `A named constant reads better than a bare number. **Insert** puts it at your cursor:\n\n\`\`\`ts\n${code}\n\`\`\`\n`,
      usage: { input: 10, output: 12 },
    });
    const reply = await ask(s, frame, 'Give me a constant.');
    await waitForState(reply, 'done');
    await reply.locator('[data-testid="insert"]').first().click();

    await until('the code in the editor', async () => (await editorText(s.page)).includes(code));
    const after = await editorText(s.page);
    assert.ok(after.startsWith(before.trimEnd()), 'the text before the cursor is unchanged');
    assert.ok(after.trimEnd().endsWith(code), `the code went to the cursor (end of file):\n${after}`);
    await docScreenshot(s.page, 'chat');
  });
});
