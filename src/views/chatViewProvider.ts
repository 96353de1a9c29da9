import * as vscode from 'vscode';
import type { ChatService } from '../chat/chatService';
import type { Conversation, ConversationChange } from '../chat/conversation';
import { openFileRef, resolveFileRefs } from '../commands/openLink';
import type { Log } from '../log';
import {
  parseWebviewMessage,
  type ChatStateView,
  type ErrorActionId,
  type HostToWebview,
  type MessageView,
  type WebviewToHost,
} from '../protocol/messages';
import { AppendBatcher } from './appendBatcher';
import { renderChatHtml } from './chatHtml';
import { buildWebviewStrings } from './webviewStrings';

export interface ChatViewHandlers {
  hasApiKey(): Promise<boolean>;
  model(): string;
  runAction(action: ErrorActionId): Promise<void>;
  codeAction(kind: 'copy' | 'insert' | 'apply', messageId: string, block: number): Promise<void>;
  openLink(href: string): Promise<void>;
}

const DRAFT_KEY = 'gmi.promptDraft';
/**
 * Stream deltas reach the view at most this often (the first after a pause at once). Each message
 * costs the workbench's main thread a few ms in code-server (WebSocket + relay into the webview),
 * and the webview paints once per message: 16 ms saturated a 2-core machine at 125 deltas/s
 * (long stalls), 32 ms left every fourth delta waiting too long; see docs/PERFORMANCE.md.
 */
const APPEND_INTERVAL_MS = 24;

/**
 * The sidebar chat. A view of the Conversation: it forwards conversation changes to the webview and
 * validated webview requests to the chat service. It never trusts what the webview sends.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'gmi.chat';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  /** The current view's listeners: replaced (the old ones disposed) when VS Code resolves a new view. */
  private viewListeners: vscode.Disposable[] = [];
  private readonly appends = new AppendBatcher({
    intervalMs: APPEND_INTERVAL_MS,
    post: (a) => this.post({ type: 'append', ...a }),
  });

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly conversation: () => Conversation,
    private readonly chat: () => ChatService,
    private readonly workspaceState: vscode.Memento,
    private readonly handlers: ChatViewHandlers,
    private readonly log: Log,
  ) {}

  /** Re-subscribes to a (new) conversation; called on activation and after New Chat. */
  watch(conversation: Conversation): vscode.Disposable {
    const sub = conversation.onDidChange((e) => this.onConversationChange(e));
    return { dispose: () => sub.dispose() };
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    // VS Code resolves a new view after the old one was disposed (moved to another container,
    // hidden and shown again): the old view's listeners must not keep handling anything.
    this.disposeViewListeners();
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    view.webview.html = renderChatHtml({
      cspSource: view.webview.cspSource,
      nonce: nonce(),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'chat.css')).toString(),
      codiconsUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'codicons', 'codicon.css')).toString(),
      strings: buildWebviewStrings(vscode.l10n),
      language: vscode.env.language,
    });
    this.viewListeners = [
      view.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      view.onDidDispose(() => {
        // Only the current view: a late dispose of an older one must not cut off the new one.
        if (this.view !== view) return;
        this.disposeViewListeners();
        this.view = undefined;
        this.ready = false;
      }),
    ];
  }

  private disposeViewListeners(): void {
    for (const d of this.viewListeners) d.dispose();
    this.viewListeners = [];
  }

  /** Shows the chat view (opening the GMI sidebar). */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
  }

  async refreshState(): Promise<void> {
    if (!this.ready) return;
    this.appends.flush();
    this.post({ type: 'state', state: await this.state() });
  }

  /** After a key or settings change: only the model and key status, never the whole conversation. */
  async refreshSettings(): Promise<void> {
    if (!this.ready) return;
    this.post({ type: 'settings', hasApiKey: await this.handlers.hasApiKey(), model: this.handlers.model() });
  }

  setBusy(busy: boolean): void {
    this.appends.flush();
    this.post({ type: 'busy', busy });
  }

  private async state(): Promise<ChatStateView> {
    return {
      messages: this.conversation().messages.map(toView),
      hasApiKey: await this.handlers.hasApiKey(),
      model: this.handlers.model(),
      busy: this.chat().busy,
    };
  }

  private onConversationChange(e: ConversationChange): void {
    if (!this.ready) return;
    switch (e.kind) {
      case 'appended':
        this.appends.add(e.id, e.text, e.thinking);
        break;
      case 'added':
        this.appends.flush();
        this.post({ type: 'messageAdded', message: toView(e.message) });
        break;
      case 'updated':
        this.appends.flush();
        this.post({ type: 'messageUpdated', message: toView(e.message) });
        break;
      case 'reset':
        void this.refreshState();
        break;
    }
  }

  private post(message: HostToWebview): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      const type = typeof raw === 'object' && raw && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 40) : typeof raw;
      this.log.warn(`Ignored a malformed message from the chat view (type: ${type}).`);
      return;
    }
    try {
      await this.handle(message);
    } catch (err) {
      this.log.error(`Chat view request "${message.type}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        await this.refreshState();
        const draft = this.workspaceState.get<string>(DRAFT_KEY);
        if (draft) this.post({ type: 'setPrompt', text: draft });
        return;
      }
      case 'send':
        if (this.chat().busy) {
          this.log.info('A question was sent while a reply is streaming; stop it first.');
          return;
        }
        await this.workspaceState.update(DRAFT_KEY, undefined);
        await this.chat().send(message.text);
        return;
      case 'stop':
        this.chat().stop();
        return;
      case 'newChat':
        await vscode.commands.executeCommand('gmi.newChat');
        return;
      case 'retry':
        await this.chat().retry(message.id);
        return;
      case 'action':
        await this.handlers.runAction(message.action);
        return;
      case 'copyCode':
        await this.handlers.codeAction('copy', message.id, message.block);
        return;
      case 'insertCode':
        await this.handlers.codeAction('insert', message.id, message.block);
        return;
      case 'applyCode':
        await this.handlers.codeAction('apply', message.id, message.block);
        return;
      case 'openLink':
        await this.handlers.openLink(message.href);
        return;
      case 'promptDraft':
        await this.workspaceState.update(DRAFT_KEY, message.text || undefined);
        return;
      case 'resolveFiles': {
        const refs = this.refsOfReply(message.id, message.refs);
        if (refs.length) this.post({ type: 'fileLinks', id: message.id, refs: await resolveFileRefs(refs) });
        return;
      }
      case 'openFile':
        if (this.refsOfReply(message.id, [message.ref]).length) await openFileRef(message.ref, this.log);
        return;
    }
  }

  /** The references that reply `id` (the host's own record of it) really contains. */
  private refsOfReply(id: string, refs: readonly string[]): string[] {
    const reply = this.conversation().get(id);
    if (!reply || reply.role !== 'assistant') return [];
    const contained = refs.filter((r) => reply.text.includes(r));
    if (contained.length < refs.length) this.log.warn(`Ignored ${refs.length - contained.length} file reference(s) the reply does not contain.`);
    return contained;
  }

  dispose(): void {
    this.appends.dispose();
    this.disposeViewListeners();
  }
}

/** Only the fields the view needs (drops createdAt and anything else stored). */
function toView(m: MessageView): MessageView {
  const { id, role, text, thinking, state, model, usage, actions, replyTo, notice, status } = m;
  return { id, role, text, thinking, state, model, usage, actions, replyTo, notice, status };
}

function nonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}
