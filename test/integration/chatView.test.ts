// The chat view provider across views: VS Code resolves a new WebviewView after the old one is
// disposed (the view moved, or was hidden and shown). Fake views stand in for the workbench's, so
// the test can see which listeners are left; everything else is the real extension-host API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChatService } from '../../src/chat/chatService';
import { Conversation } from '../../src/chat/conversation';
import { Log } from '../../src/log';
import { PendingAttachments } from '../../src/attachments/pendingAttachments';
import { ChatViewProvider } from '../../src/views/chatViewProvider';

function fakeView() {
  const onMessage = new Set<(m: unknown) => void>();
  const onDispose = new Set<() => void>();
  const posted: Array<{ type: string }> = [];
  const listen = <T>(set: Set<T>, l: T): vscode.Disposable => {
    set.add(l);
    return new vscode.Disposable(() => set.delete(l));
  };
  const view = {
    webview: {
      options: {},
      html: '',
      cspSource: 'https://fake.vscode-cdn.net',
      asWebviewUri: (u: vscode.Uri) => u,
      postMessage: async (m: { type: string }) => {
        posted.push(m);
        return true;
      },
      onDidReceiveMessage: (l: (m: unknown) => void) => listen(onMessage, l),
    },
    onDidDispose: (l: () => void) => listen(onDispose, l),
    show: () => undefined,
  };
  return {
    view: view as unknown as vscode.WebviewView,
    posted,
    /** A message from this view's webview. */
    send: async (m: unknown) => {
      for (const l of [...onMessage]) l(m);
      await new Promise((r) => setTimeout(r, 50));
    },
    dispose: () => [...onDispose].forEach((l) => l()),
    listeners: () => onMessage.size + onDispose.size,
  };
}

describe('chat view provider', () => {
  const log = new Log('GMI view test');
  const memento: vscode.Memento = { keys: () => [], get: () => undefined, update: async () => undefined };
  const conversation = new Conversation();
  const chat = { busy: false, sent: [] as string[], send: async (text: string) => void chat.sent.push(text) };
  /** How the provider learns whether a key is stored (a test holds it to keep a state being built). */
  let keyCheck: () => Promise<boolean> = async () => true;
  const provider = new ChatViewProvider(
    vscode.Uri.file('/nonexistent-extension'),
    () => conversation,
    () => chat as unknown as ChatService,
    memento,
    {
      historyReady: () => undefined,
      hasApiKey: () => keyCheck(),
      model: () => 'm',
      imageInput: () => true,
      pickContext: async () => ({ attachments: [], refusals: [] }),
      runAction: async () => undefined,
      codeAction: async () => undefined,
      openLink: async () => undefined,
    },
    log,
    new PendingAttachments(),
  );
  const watching = provider.watch(conversation);
  after(() => {
    watching.dispose();
    provider.dispose();
    log.dispose();
  });

  it('resolving a new view disposes the listeners of the previous one; a late dispose of the old view leaves the new one working', async () => {
    const first = fakeView();
    provider.resolveWebviewView(first.view);
    assert.equal(first.listeners(), 2);
    await first.send({ type: 'ready' });
    assert.deepEqual(first.posted.map((m) => m.type), ['state']);

    const second = fakeView();
    provider.resolveWebviewView(second.view);
    assert.equal(first.listeners(), 0, 'the first view’s listeners are gone');
    assert.equal(second.listeners(), 2);

    await first.send({ type: 'ready' });
    assert.deepEqual(first.posted.map((m) => m.type), ['state'], 'the old view is not answered');
    first.dispose();
    await second.send({ type: 'ready' });
    assert.deepEqual(second.posted.map((m) => m.type), ['state'], 'the new view still gets its state');
    conversation.addUser('hello');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(second.posted.map((m) => m.type), ['state', 'messageAdded']);
  });

  it('a question that reaches the extension while a reply streams goes back into the prompt, with why', async () => {
    // The view sends only when it is not busy; its busy flag can lag the extension's.
    const view = fakeView();
    provider.resolveWebviewView(view.view);
    await view.send({ type: 'ready' });
    chat.busy = true;
    try {
      await view.send({ type: 'send', text: 'my carefully typed question' });
    } finally {
      chat.busy = false;
    }
    assert.deepEqual(chat.sent, [], 'nothing sent while a reply streams');
    const back = view.posted.filter((m) => m.type === 'setPrompt') as unknown as Array<{ text: string }>;
    assert.deepEqual(back.map((m) => m.text), ['my carefully typed question']);
    const notice = view.posted.filter((m) => m.type === 'composerNotice') as unknown as Array<{ text: string }>;
    assert.match(notice.at(-1)?.text ?? '', /stop it .*back in the prompt/i);
    await view.send({ type: 'send', text: 'now it goes' });
    assert.deepEqual(chat.sent, ['now it goes']);
  });

  it('a conversation over the first budget goes as a state with its newest messages, then every older batch, newest batch first', async () => {
    for (let i = 0; i < 12; i++) {
      conversation.addUser(`Question ${i}`);
      const reply = conversation.startAssistant('m');
      conversation.append(reply.id, { text: `Answer ${i}: ${'a line of the answer\n'.repeat(8000)}` }); // 160 K characters
      conversation.finish(reply.id, 'done');
    }
    const view = fakeView();
    provider.resolveWebviewView(view.view);
    await view.send({ type: 'ready' });
    type Posted = { type: string; stateId?: number; messages?: Array<{ id: string }>; state?: { stateId: number; olderCount?: number; messages: Array<{ id: string }> } };
    const posted = view.posted as Posted[];
    const batches = posted.filter((m) => m.type === 'olderMessages');
    assert.deepEqual(posted.map((m) => m.type), ['state', ...batches.map(() => 'olderMessages')], 'the state, then the batches, nothing between');
    assert.ok(batches.length >= 2, `${batches.length} batches`);
    const { state } = posted[0];
    assert.ok(state!.messages.length >= 2 && state!.messages.length < conversation.messages.length);
    assert.ok(batches.every((b) => b.stateId === state!.stateId));
    const older = batches.reverse().flatMap((b) => b.messages!);
    assert.equal(state!.olderCount, older.length);
    assert.deepEqual([...older, ...state!.messages].map((m) => m.id), conversation.messages.map((m) => m.id), 'the whole conversation, in order');
    conversation.addUser('After the batches');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(posted.at(-1)!.type, 'messageAdded');
  });

  it('a reply streaming while the view is shown again reaches it once: deltas that came while its state was built are not posted again', async () => {
    conversation.clear();
    conversation.addUser('stream while the view opens again');
    const reply = conversation.startAssistant('m');
    conversation.append(reply.id, { text: 'Before. ' });
    const view = fakeView();
    provider.resolveWebviewView(view.view);
    let answer!: (has: boolean) => void;
    keyCheck = () => new Promise((resolve) => (answer = resolve));
    try {
      await view.send({ type: 'ready' }); // the state waits for the key check
      conversation.append(reply.id, { text: 'one ' }); // posted at once (the view ignores it: no such message yet)
      conversation.append(reply.id, { text: 'two ' }); // waits for the batch interval
      answer(true);
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      keyCheck = async () => true;
    }
    conversation.append(reply.id, { text: 'three' });
    await new Promise((r) => setTimeout(r, 150));
    // What the view shows, as it does it: a state replaces the reply's text, an append extends it
    // (an append before any state is for a message it does not have yet, and ignored).
    type Posted = { type: string; id?: string; text?: string; state?: { messages: Array<{ id: string; text: string }> } };
    let shown: string | undefined;
    for (const m of view.posted as Posted[]) {
      if (m.type === 'state') shown = m.state!.messages.find((x) => x.id === reply.id)?.text;
      else if (m.type === 'append' && m.id === reply.id && shown !== undefined) shown += m.text ?? '';
    }
    assert.equal(shown, 'Before. one two three', 'each delta shown once');
    conversation.finish(reply.id, 'done');
  });

  it('disposing the current view stops everything; disposing the provider leaves no listener', async () => {
    const view = fakeView();
    provider.resolveWebviewView(view.view);
    view.dispose();
    assert.equal(view.listeners(), 0);
    const again = fakeView();
    provider.resolveWebviewView(again.view);
    provider.dispose();
    assert.equal(again.listeners(), 0);
  });
});
