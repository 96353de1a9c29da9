import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  chatRequests,
  lastUserText,
  openWorkspaceFile,
  selectLines,
  sentKey,
  slowReply,
  TEST_KEY,
  waitFor,
  useLoopbackGmi,
} from './helpers';

describe('Ask GMI', () => {
  const t = useLoopbackGmi();

  const lastAssistant = () => [...t.api.messages()].reverse().find((m) => m.role === 'assistant');

  it('streams the answer from the loopback server into the conversation', async () => {
    const answer = 'It adds up every price in the list and returns the sum. '.repeat(4).trim();
    t.fake.enqueue(slowReply(answer));
    t.stubs.inputBox('What does total() do?');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = t.api.messages().length;
    const command = vscode.commands.executeCommand('gmi.ask');

    // Watch the reply while it streams: it must be seen growing, not only arriving at the end.
    const seen: number[] = [];
    await waitFor('the reply to finish streaming', () => {
      // The reply to this question: an earlier file's conversation may end with older replies.
      const m = t.api.messages().slice(before).find((msg) => msg.role === 'assistant');
      if (m?.state === 'streaming' && m.text.length > (seen.at(-1) ?? 0)) seen.push(m.text.length);
      return m !== undefined && m.state !== 'streaming';
    }, 20_000);
    await command;
    await t.api.chatIdle();

    assert.ok(seen.length >= 2, `saw the streaming reply at ${seen.length} length(s): ${seen.join(', ')}`);
    assert.ok(seen[0] < answer.length, 'first sight of the reply was already complete');
    const reply = lastAssistant()!;
    assert.equal(reply.state, 'done');
    assert.equal(reply.text, answer);
    assert.equal(reply.model, vscode.workspace.getConfiguration('gmi').get('model'));
    assert.equal(reply.usage?.outputTokens, 17);
    const user = t.api.messages().filter((m) => m.role === 'user').at(-1)!;
    assert.match(user.text, /What does total\(\) do\?/);

    const [req] = chatRequests(t.fake);
    assert.ok(req, 'the server got no chat request');
    assert.equal(sentKey(req), TEST_KEY);
    assert.match(lastUserText(req.body), /What does total\(\) do\?/);
  });

  it('attaches the editor selection to the question', async () => {
    const editor = await openWorkspaceFile('src/sample.ts');
    selectLines(editor, 2, 8);
    t.fake.enqueue({ text: 'It sums prices.' });
    t.stubs.inputBox('Is this correct?');
    await vscode.commands.executeCommand('gmi.ask');
    await t.api.chatIdle();
    const [req] = chatRequests(t.fake);
    const sent = lastUserText(req.body);
    assert.match(sent, /Is this correct\?/);
    assert.match(sent, /export function total\(prices: number\[\]\): number \{/);
    assert.match(sent, /sample\.ts/);
    assert.equal(lastAssistant()?.text, 'It sums prices.');
  });
});
