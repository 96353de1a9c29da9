// Edit and resend, regenerate and copy reply in the real extension host, through the chat view's
// message handling (the same validation and host checks a click in the webview goes through): the
// loopback server sees the edited history, the conversation as it was stays in the history as its
// own conversation, and nothing is changed while a reply streams.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { chatRequests, slowReply, useLoopbackGmi, waitFor, type ReplyPlan } from './helpers';

describe('Edit and resend, regenerate, copy reply', () => {
  const t = useLoopbackGmi();

  /** Asks through Ask GMI (no editor open) and waits for the reply to end. */
  async function ask(question: string, reply: ReplyPlan): Promise<void> {
    t.fake.enqueue(reply);
    t.stubs.inputBox(question);
    await vscode.commands.executeCommand('gmi.ask');
    await t.api.chatIdle();
  }

  const shown = () => t.api.messages().map((m) => `${m.role}: ${m.text}`);
  const sentTurns = (index: number) =>
    ((chatRequests(t.fake).at(index)!.body as { messages: Array<{ role: string; content: unknown }> }).messages ?? [])
      .filter((m) => m.role !== 'system')
      .map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : (m.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('')}`);

  it('edit and resend sends the edited history; the old branch stays in the history as its own conversation', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('gmi.newChat');
    await ask('Which sort is stable?', { text: 'Merge sort.' });
    await ask('And in plaice?', { text: 'Did you mean in place? Heapsort is in place.' });
    const id = t.api.currentConversationId();
    const before = shown();
    const typo = t.api.messages()[2];

    t.fake.enqueue({ text: 'In place and stable: block sort.' });
    await t.api.webviewMessage({ type: 'edit', id: typo.id, text: 'And in place?' });
    await t.api.chatIdle();
    assert.deepEqual(sentTurns(-1), ['user: Which sort is stable?', 'assistant: Merge sort.', 'user: And in place?']);
    assert.deepEqual(shown(), ['user: Which sort is stable?', 'assistant: Merge sort.', 'user: And in place?', 'assistant: In place and stable: block sort.']);
    assert.equal(t.api.currentConversationId(), id, 'the sidebar stays on the same conversation');

    const branch = await waitFor('the old branch in the history', () => t.api.conversations().find((c) => c.id !== id && c.title.startsWith('Which sort is stable? (before edit')));
    assert.equal(branch.messageCount, 4);
    assert.equal(await t.api.openConversation(branch.id), true);
    assert.deepEqual(shown(), before, 'the old branch opens with everything it had');
    await t.api.openConversation(id);
  });

  it('regenerate asks the same question again and replaces the last reply (no branch)', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('gmi.newChat');
    await ask('Name a prime', { text: 'Seven.' });
    const conversations = t.api.conversations().length;
    const reply = t.api.messages()[1];

    t.fake.enqueue({ text: 'Eleven.' });
    await t.api.webviewMessage({ type: 'regenerate', id: reply.id });
    await t.api.chatIdle();
    const requests = chatRequests(t.fake);
    assert.equal(requests.length, 2);
    assert.deepEqual(sentTurns(1), sentTurns(0), 'the same history is sent again');
    assert.deepEqual(shown(), ['user: Name a prime', 'assistant: Eleven.']);
    assert.equal(t.api.conversations().length, conversations, 'no question was dropped: no branch');
  });

  it('copy reply puts the reply’s Markdown on the clipboard', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('gmi.newChat');
    const markdown = 'Use **const**:\n\n```ts\nconst x = 1;\n```';
    await ask('How do I declare a constant?', { text: markdown });
    await vscode.env.clipboard.writeText('something else');
    await t.api.webviewMessage({ type: 'copyReply', id: t.api.messages()[1].id });
    assert.equal(await vscode.env.clipboard.readText(), markdown);
  });

  it('while a reply streams the host refuses edit and regenerate, and copying that reply', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('gmi.newChat');
    await ask('First', { text: 'One.' });
    const [question, reply] = t.api.messages();
    t.fake.enqueue(slowReply('A long reply that keeps streaming for a while. '.repeat(20), { delayMs: 30 }));
    t.stubs.inputBox('Second');
    void vscode.commands.executeCommand('gmi.ask');
    const streaming = await waitFor('a streaming reply', () => t.api.messages().find((m) => m.state === 'streaming' && m.text.length > 0));
    const before = shown();
    await vscode.env.clipboard.writeText('unchanged');

    await t.api.webviewMessage({ type: 'edit', id: question.id, text: 'Changed' });
    await t.api.webviewMessage({ type: 'regenerate', id: reply.id });
    await t.api.webviewMessage({ type: 'copyReply', id: streaming.id });
    assert.deepEqual(shown().slice(0, 3), before.slice(0, 3), 'nothing changed');
    assert.equal(chatRequests(t.fake).length, 2, 'nothing else was sent');
    assert.equal(await vscode.env.clipboard.readText(), 'unchanged');
    assert.ok(t.api.logLines().some((l) => l.includes('Edit/regenerate refused (busy)')));
    await t.api.webviewMessage({ type: 'stop' });
    await t.api.chatIdle();
  });
});
