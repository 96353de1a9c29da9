// API fidelity in the real extension host: the settings reach the request, a declined reply and a
// content filter end with a notice, a retry shows on the reply while it waits, and GMI's "prompt is
// too long" offers "Drop oldest turns and retry".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { chatRequests, useLoopbackGmi, waitFor } from './helpers';

describe('API fidelity', () => {
  const t = useLoopbackGmi();
  const config = () => vscode.workspace.getConfiguration('gmi');
  const set = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Global);

  afterEach(async () => {
    for (const key of ['model', 'thinking', 'reasoningEffort', 'temperature']) await set(key, undefined);
  });

  async function ask(question: string): Promise<void> {
    t.stubs.inputBox(question);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('gmi.ask');
    await t.api.chatIdle();
  }
  const lastOf = (role: 'assistant' | 'error') => [...t.api.messages()].reverse().find((m) => m.role === role)!;

  it('gmi.thinking and gmi.temperature reach a Claude request as the family allows', async () => {
    await set('thinking', '6000');
    await set('temperature', 1.5);
    t.fake.enqueue({ thinking: 'Considering.', text: 'Thought it through.' });
    await ask('Think first.');
    const body = chatRequests(t.fake).at(-1)!.body as Record<string, unknown>;
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 6000 });
    assert.equal(body.temperature, undefined, 'no temperature with thinking');
    assert.equal(lastOf('assistant').thinking, 'Considering.');

    await set('thinking', 'off');
    t.fake.enqueue({ text: 'Plain.' });
    await ask('Now without.');
    const plain = chatRequests(t.fake).at(-1)!.body as Record<string, unknown>;
    assert.equal(plain.thinking, undefined);
    assert.equal(plain.temperature, 1, "Claude's temperature is at most 1");
  });

  it('gmi.reasoningEffort reaches an OpenAI reasoning model, with max_completion_tokens', async () => {
    await set('model', 'openai/gpt-5');
    await set('reasoningEffort', 'low');
    t.fake.enqueue({ text: 'Quick.' });
    await ask('Be quick.');
    const body = chatRequests(t.fake).at(-1)!.body as Record<string, unknown>;
    assert.equal(body.reasoning_effort, 'low');
    assert.equal(body.max_completion_tokens, 32000);
    assert.equal('max_tokens' in body, false);
  });

  it('a content filter ends the reply with a notice that the provider declined', async () => {
    await set('model', 'openai/gpt-4o');
    t.fake.enqueue({ text: 'Well,', stopReason: 'content_filter' });
    await ask('Tell me something filtered.');
    const reply = lastOf('assistant');
    const notice = lastOf('error');
    assert.equal(reply.text, 'Well,');
    assert.equal(notice.replyTo, reply.id);
    assert.match(notice.text, /content filter stopped this reply/);
    assert.deepEqual(notice.actions, ['selectModel', 'retry']);
  });

  it('while a retry waits the reply says "Retrying in N s (reason)"; the answer then replaces it', async () => {
    t.fake.enqueue({ status: 503, headers: { 'retry-after': '2' } }, { text: 'Back again.' });
    t.stubs.inputBox('Are you there?');
    const command = vscode.commands.executeCommand('gmi.ask');
    const status = await waitFor('the retry status', () => t.api.messages().at(-1)?.status);
    assert.equal(status, 'Retrying in 2 s (server error, HTTP 503)');
    await command;
    await t.api.chatIdle();
    const reply = lastOf('assistant');
    assert.equal(reply.text, 'Back again.');
    assert.equal(reply.status, undefined);
    assert.equal(chatRequests(t.fake).length, 2);
    const attempts = t.api.logLines().filter((l) => /POST \S+\/messages model=/.test(l)).slice(-2);
    assert.match(attempts[1], /\(attempt 2 of 3\)$/, attempts.join('\n'));
  });

  it('"prompt is too long" offers Drop oldest turns and retry', async () => {
    t.fake.enqueue({ status: 400, body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' } }) });
    await ask('One question too many.');
    const error = lastOf('error');
    assert.match(error.text, /^The conversation is too long for anthropic\/claude-sonnet-4\.5's context/);
    assert.deepEqual(error.actions, ['dropOldestTurns', 'openLog']);
  });
});
