// Many conversations in the real extension host: New Chat keeps the old conversation, the history
// quick pick (gmi.showHistory) lists it, filters by the text of its messages and opens it again in
// the sidebar (accepted through the workbench's own quick-open command), rename and delete from the
// list, and Export Chat as Markdown opens the conversation in an untitled editor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HistoryPickerHandle } from '../../src/history/historyPicker';
import { chatRequests, useLoopbackGmi, waitFor } from './helpers';

describe('Chat history', () => {
  const t = useLoopbackGmi();

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await waitFor('the history list to close', () => t.api.historyPicker() === undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Asks through Ask GMI (no editor open) and waits for the reply to end. */
  async function ask(question: string, reply: Parameters<typeof t.fake.enqueue>[0]): Promise<void> {
    t.fake.enqueue(reply);
    t.stubs.inputBox(question);
    await vscode.commands.executeCommand('gmi.ask');
    await t.api.chatIdle();
  }

  async function openHistory(): Promise<HistoryPickerHandle> {
    void vscode.commands.executeCommand('gmi.showHistory');
    return waitFor('the history list', () => t.api.historyPicker());
  }

  const texts = () => t.api.messages().map((m) => [m.role, m.text]);

  it('New Chat keeps the old conversation; the history finds it by its text and opens it in the sidebar', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('gmi.newChat');
    await ask('Which sorting algorithm is stable?', { text: 'Merge sort keeps equal keys in order.' });
    const first = t.api.currentConversationId();
    const firstTexts = texts();
    assert.deepEqual(firstTexts, [
      ['user', 'Which sorting algorithm is stable?'],
      ['assistant', 'Merge sort keeps equal keys in order.'],
    ]);

    await vscode.commands.executeCommand('gmi.newChat');
    assert.deepEqual(t.api.messages(), [], 'New Chat shows an empty conversation');
    const second = t.api.currentConversationId();
    assert.notEqual(second, first);
    const kept = t.api.conversations().find((c) => c.id === first);
    assert.deepEqual(kept, { id: first, title: 'Which sorting algorithm is stable?', messageCount: 2, current: false }, 'the old one is kept');

    await ask('How do I reverse a list in place?', { text: 'Call list.reverse().' });
    await t.api.chatIdle();
    const picker = await openHistory();
    const ids = picker.items().map((i) => i.id);
    assert.equal(ids[0], second, 'newest first');
    assert.ok(ids.indexOf(first) > 0);
    const newest = picker.items()[0];
    assert.equal(newest.label, 'How do I reverse a list in place?');
    assert.match(newest.description ?? '', /^current · /);
    assert.match(newest.detail ?? '', / · 2 messages · \d+ (B|KB)$/);

    // "equal keys" is only in the answer of the first conversation, not in any title.
    await picker.filter('equal keys');
    assert.deepEqual(picker.items().map((i) => i.id), [first]);
    await picker.activate(first);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await waitFor('the first conversation in the sidebar', () => t.api.currentConversationId() === first);
    assert.deepEqual(texts(), firstTexts);

    // The chat goes on in the opened conversation: its history is what the next request carries.
    await ask('And which one is fastest?', { text: 'Usually quicksort.' });
    const body = chatRequests(t.fake).at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    const sent = JSON.stringify(body.messages);
    assert.ok(sent.includes('Which sorting algorithm is stable?') && sent.includes('Merge sort keeps equal keys'), 'the opened history was sent');
    assert.ok(!sent.includes('reverse a list'), 'nothing of the other conversation');
    assert.equal(t.api.conversations().find((c) => c.id === first)?.messageCount, 4);
  });

  it('rename and delete from the list; delete asks first', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('gmi.newChat');
    await ask('A conversation to rename and delete', { text: 'Sure.' });
    const id = t.api.currentConversationId();
    const picker = await openHistory();

    t.stubs.inputBox('  Renamed   from the list ');
    await picker.pressButton(id, 'rename');
    assert.equal(t.api.conversations().find((c) => c.id === id)?.title, 'Renamed from the list');
    assert.equal(picker.items().find((i) => i.id === id)?.label, 'Renamed from the list');

    const answers: Array<string | undefined> = [undefined, 'Delete'];
    t.stubs.stub('showWarningMessage', async (message: string) => (message.startsWith('Delete the conversation') ? answers.shift() : undefined));
    await picker.pressButton(id, 'delete');
    assert.ok(t.api.conversations().some((c) => c.id === id), 'cancelled: still there');
    await picker.pressButton(id, 'delete');
    assert.equal(answers.length, 0, 'asked both times');
    assert.ok(!t.api.conversations().some((c) => c.id === id), 'deleted');
    assert.ok(!picker.items().some((i) => i.id === id));
    assert.notEqual(t.api.currentConversationId(), id, 'the sidebar moved on to a new conversation');
    assert.deepEqual(t.api.messages(), []);
    assert.equal(await t.api.openConversation(id), false, 'it cannot be opened any more');
  });

  it('Export Chat as Markdown opens the conversation in an untitled Markdown editor', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('gmi.newChat');
    await ask('Show me a sum in TypeScript', {
      text: 'Like this:\n\n```ts\nconst sum = xs.reduce((a, b) => a + b, 0);\n```',
      thinking: 'A reduce is the shortest way.',
      usage: { input: 1200, output: 34 },
    });
    await vscode.commands.executeCommand('gmi.exportChat');
    const editor = await waitFor('the exported document', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.languageId === 'markdown' ? e : undefined;
    });
    assert.equal(editor.document.isUntitled, true);
    const model = vscode.workspace.getConfiguration('gmi').get<string>('model');
    const text = editor.document.getText();
    assert.match(text, /^# Show me a sum in TypeScript\n/);
    assert.match(text, /## Question\n\nShow me a sum in TypeScript\n/);
    assert.ok(text.includes(`## Answer\n\n_\`${model}\` · tokens: 1,200 in, 34 out_`), text);
    assert.ok(text.includes('<details>\n<summary>Thinking</summary>\n\nA reduce is the shortest way.\n\n</details>'));
    assert.ok(text.includes('```ts\nconst sum = xs.reduce((a, b) => a + b, 0);\n```'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
