// What a careful user sees: code buttons only on finished blocks, focus kept on the prompt, file
// names in replies that open the file, Apply/Discard only in the proposal's diff editor.
import * as assert from 'node:assert/strict';
import { ask, ensureKey, openChat, session, slowPlan, until, WAIT, waitForState } from './harness';

describe('UI: fidelity', () => {
  beforeEach(async () => {
    const s = await session();
    await ensureKey(s);
    s.fake.reset();
  });

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
});

