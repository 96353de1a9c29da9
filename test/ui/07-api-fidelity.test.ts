// What a user sees of the API's answers: a retry's wait on the reply, a declined reply's notice, and
// "Drop oldest turns and retry" when GMI says the conversation is too long.
import * as assert from 'node:assert/strict';
import {
  ask,
  chatTestHooks,
  messages,
  openChat,
  session,
  slowPlan,
  until,
  WAIT,
  waitForState,
} from './harness';

describe('UI: API fidelity', () => {
  chatTestHooks();

  it('while a retry waits, the reply shows "Retrying in N s (reason)"; the answer then replaces it', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    s.fake.enqueue({ status: 429, headers: { 'retry-after': '3' } }, slowPlan('Through at last.'));
    const reply = await ask(s, frame, 'Anyone there after the rate limit?');
    const status = reply.locator('[data-testid="reply-status"]');
    await status.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal((await status.innerText()).trim(), 'Retrying in 3 s (rate limit reached, HTTP 429)');
    assert.equal(await status.getAttribute('role'), 'status');
    await waitForState(reply, 'done');
    assert.equal(await status.count(), 0);
    assert.match(await reply.locator('.message-body').innerText(), /Through at last\./);
  });

  it('a reply the model declined ends with a notice saying so, with Select Model and Retry', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    const errorsBefore = await messages(frame, 'error').count();
    s.fake.enqueue({ text: 'I cannot', stopReason: 'refusal' });
    const reply = await ask(s, frame, 'Something the model will not do');
    await waitForState(reply, 'done');
    const notice = messages(frame, 'error').nth(errorsBefore);
    await notice.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await notice.innerText(), /declined to answer \(stop reason refusal\)/);
    await notice.getByRole('button', { name: /Select Model/ }).waitFor({ state: 'visible', timeout: WAIT });
    await notice.getByRole('button', { name: /Retry/ }).waitFor({ state: 'visible', timeout: WAIT });
  });

  it('"prompt is too long" offers Drop oldest turns and retry, which answers and says what was left out', async () => {
    const s = await session();
    const frame = await openChat(s.page);
    // some history to leave out
    s.fake.enqueue({ text: `First answer. ${'a'.repeat(3000)}` });
    await waitForState(await ask(s, frame, `First question. ${'q'.repeat(3000)}`), 'done');
    const errorsBefore = await messages(frame, 'error').count();
    s.fake.enqueue({ status: 400, body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' } }) });
    await ask(s, frame, 'One question too many.');
    const error = messages(frame, 'error').nth(errorsBefore);
    await error.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await error.innerText(), /too long for anthropic\/claude-sonnet-4\.5's context/);
    s.fake.enqueue({ text: 'Answered with less history.' });
    await error.getByRole('button', { name: 'Drop oldest turns and retry' }).click();
    const retried = messages(frame, 'assistant').filter({ hasText: 'Answered with less history.' });
    await retried.waitFor({ state: 'visible', timeout: WAIT });
    await waitForState(retried, 'done');
    await until('the left-out notice', async () => /oldest messages? (was|were) left out/.test(await retried.locator('[data-testid="notice"]').innerText().catch(() => '')));
  });
});
