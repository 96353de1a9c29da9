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
  const provider = new ChatViewProvider(
    vscode.Uri.file('/nonexistent-extension'),
    () => conversation,
    () => ({ busy: false }) as unknown as ChatService,
    memento,
    {
      historyReady: () => undefined,
      hasApiKey: async () => true,
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
