import * as vscode from 'vscode';
import type { ChatService, RewriteResult } from '../chat/chatService';
import type { Conversation, ConversationChange } from '../chat/conversation';
import { openFileRef, resolveFileRefs } from '../commands/openLink';
import { imageRefusalMessage } from '../attachments/contextPicker';
import type { Log } from '../log';
import {
  MAX_ATTACHMENTS,
  parseWebviewMessage,
  type ChatStateView,
  type ErrorActionId,
  type HostToWebview,
  type MessageView,
  type WebviewToHost,
} from '../protocol/messages';
import { toAttachmentView, type Attachment } from '../attachments/attachment';
import type { PickResult } from '../attachments/contextPicker';
import { checkImageDataUrl } from '../attachments/images';
import type { PendingAttachments } from '../attachments/pendingAttachments';
import { newMessageId } from '../chat/conversation';
import { AppendBatcher } from './appendBatcher';
import { renderChatHtml } from './chatHtml';
import { buildWebviewStrings } from './webviewStrings';
import { toMessageView } from './messageView';
import { splitNewestFirst } from './conversationParts';

export interface ChatViewHandlers {
  /** Pending while the history opens (after activation); undefined once it is open. */
  historyReady(): Promise<unknown> | undefined;
  hasApiKey(): Promise<boolean>;
  model(): string;
  /** Whether the model reads images (src/gmi/catalog.ts). */
  imageInput(model: string): boolean;
  /** The Add context quick pick (src/attachments/contextPicker.ts). */
  pickContext(): Promise<PickResult>;
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
  /** Numbers the states posted: a view drops `olderMessages` batches of a state it no longer shows. */
  private stateId = 0;
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
    /** What the composer will send with the next question (chips). */
    readonly pending: PendingAttachments,
  ) {
    pending.onDidChange(() => this.post({ type: 'attachments', attachments: pending.list.map(toAttachmentView) }));
  }

  /** The composer's notice (a refusal), as the view was last told; for the integration tests. */
  composerNotice = '';

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
    // With the 'ready' line below, tells a view whose page never started from one left without its state.
    this.log.info('Chat view opened; waiting for it to start.');
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

  /** Posts the whole conversation: the newest messages in `state`, the older ones in batches after it. */
  async refreshState(): Promise<void> {
    await this.postState();
  }

  /** refreshState(); how many messages it posted (none when no view is ready). */
  private async postState(): Promise<number> {
    if (!this.ready) return 0;
    this.appends.flush();
    const { state, older } = await this.state();
    // Deltas that came while the state was built are in its messages: posted after it, they would
    // show twice (a reply streaming while the view is shown again).
    this.appends.discard();
    this.post({ type: 'state', state });
    // Every batch now, in this turn (no await between): whatever is posted later (an append, an
    // update, another state) then reaches the view after all of them, never before a batch the
    // message it changes may still be in.
    for (const messages of older) this.post({ type: 'olderMessages', stateId: state.stateId, messages });
    return state.messages.length + (state.olderCount ?? 0);
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

  private async state(): Promise<{ state: ChatStateView; older: MessageView[][] }> {
    // The messages after the await: a message added meanwhile (an edit adds its question right
    // after the reset) was posted on its own already, and a state without it would drop it.
    const hasApiKey = await this.handlers.hasApiKey();
    const { newest, older } = splitNewestFirst(this.conversation().messages.map(toMessageView));
    const olderCount = older.reduce((n, batch) => n + batch.length, 0);
    const state: ChatStateView = { messages: newest, stateId: ++this.stateId, hasApiKey, model: this.handlers.model(), busy: this.chat().busy };
    if (olderCount) state.olderCount = olderCount;
    return { state, older };
  }

  private onConversationChange(e: ConversationChange): void {
    if (!this.ready) return;
    switch (e.kind) {
      case 'appended':
        this.appends.add(e.id, e.text, e.thinking);
        break;
      case 'added':
        this.appends.flush();
        this.post({ type: 'messageAdded', message: toMessageView(e.message) });
        break;
      case 'updated':
        this.appends.flush();
        this.post({ type: 'messageUpdated', message: toMessageView(e.message) });
        break;
      case 'reset':
        void this.refreshState();
        break;
    }
  }

  private post(message: HostToWebview): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  /** A message as if the webview sent it (validated the same way); the integration tests' way in. */
  receive(raw: unknown): Promise<void> {
    return this.onMessage(raw);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      const type = typeof raw === 'object' && raw && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 40) : typeof raw;
      this.log.warn(`Ignored a malformed message from the chat view (type: ${type}).`);
      return;
    }
    try {
      // Every request waits for the history: the first state is the restored conversation (no
      // empty view that then jumps), and a question sent meanwhile goes into it.
      const restoring = this.handlers.historyReady();
      if (restoring) await restoring;
      await this.handle(message);
    } catch (err) {
      this.log.error(`Chat view request "${message.type}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        this.log.info(`Chat view started: ${await this.postState()} message(s) shown.`);
        const draft = this.workspaceState.get<string>(DRAFT_KEY);
        if (draft) this.post({ type: 'setPrompt', text: draft, storedDraft: true });
        if (this.pending.list.length) this.post({ type: 'attachments', attachments: this.pending.list.map(toAttachmentView) });
        if (this.composerNotice) this.post({ type: 'composerNotice', text: this.composerNotice });
        return;
      }
      case 'send': {
        if (this.chat().busy) {
          // The view sends only when it is not busy, but its busy flag can lag the host's (a reply
          // started from the editor or the history a moment ago): the view has already emptied the
          // prompt, so the question goes back into it rather than being dropped.
          this.log.info('A question was sent while a reply is streaming; it went back to the prompt (stop the reply first).');
          this.post({ type: 'setPrompt', text: message.text });
          this.notify(vscode.l10n.t('A reply is still streaming: stop it (Escape) before you send another question. Yours is back in the prompt.'));
          return;
        }
        const model = this.handlers.model();
        if (this.pending.hasImages && !this.handlers.imageInput(model)) {
          // Said before anything is sent; the question goes back into the prompt, the chips stay.
          this.notify(vscode.l10n.t('{0} does not read images, so nothing was sent. Remove the image, or choose a model with image input (click the model name above).', model));
          this.post({ type: 'setPrompt', text: message.text });
          return;
        }
        this.notify('');
        await this.workspaceState.update(DRAFT_KEY, undefined);
        await this.chat().send(message.text, { attachments: this.pending.take() });
        return;
      }
      case 'pickContext': {
        const picked = await this.handlers.pickContext();
        this.log.info(`Add context (${message.via}): ${picked.attachments.length} attached, ${picked.refusals.length} refused.`);
        const refusals = [...picked.refusals];
        for (const a of picked.attachments) refusals.push(...this.attach(a));
        this.notify(refusals.join(' '));
        this.post({ type: 'contextPicked', added: picked.attachments.length > 0 });
        return;
      }
      case 'removeAttachment':
        this.pending.remove(message.id);
        return;
      case 'addImage': {
        const check = checkImageDataUrl(message.dataUrl);
        if (!check.ok) {
          this.log.warn(`Refused an image from the chat view (${check.reason}).`);
          this.notify(imageRefusalMessage(message.name, check));
          return;
        }
        this.notify(this.attach({ kind: 'image', id: newMessageId(), name: message.name, mediaType: check.mediaType, data: check.data }).join(' '));
        return;
      }
      case 'imageRefused':
        this.notify(imageRefusalMessage(message.name, { ok: false, reason: message.reason === 'unreadable' ? 'notDataUrl' : message.reason, bytes: message.bytes }));
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
      case 'edit':
        this.tellRefusal(await this.chat().edit(message.id, message.text));
        return;
      case 'regenerate':
        this.tellRefusal(await this.chat().regenerate(message.id));
        return;
      case 'copyReply':
        await this.copyReply(message.id);
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

  /** Adds to the pending attachments; what the user should be told about it. */
  private attach(a: Attachment): string[] {
    const result = this.pending.add(a);
    if (result === 'full') return [vscode.l10n.t('A question takes at most {0} attachments; {1} was not attached.', MAX_ATTACHMENTS, a.name)];
    const model = this.handlers.model();
    if (result === 'added' && a.kind === 'image' && !this.handlers.imageInput(model)) {
      return [vscode.l10n.t('{0} does not read images: choose a model with image input before you send this one.', model)];
    }
    return [];
  }

  private notify(text: string): void {
    if (text === this.composerNotice) return;
    this.composerNotice = text;
    this.post({ type: 'composerNotice', text });
  }

  /** Why an edit or a regenerate was not done, when it was not (the view disables them, but a click can race). */
  private tellRefusal(result: RewriteResult): void {
    if (result === 'sent') return;
    const why =
      result === 'busy'
        ? vscode.l10n.t('Stop the reply that is streaming first.')
        : result === 'branchNotKept'
          ? vscode.l10n.t('The conversation could not be saved in the history, so it was not changed. The GMI log says more.')
          : vscode.l10n.t('That message is no longer in the conversation.');
    this.log.info(`Edit/regenerate refused (${result}).`);
    if (result === 'branchNotKept') void vscode.window.showWarningMessage(why);
    else vscode.window.setStatusBarMessage(`$(info) ${why}`, 4000);
  }

  /** Copies a finished reply's Markdown, from the host's own record of it. */
  private async copyReply(id: string): Promise<void> {
    const reply = this.conversation().get(id);
    if (!reply || reply.role !== 'assistant' || reply.state === 'streaming') {
      this.log.warn('Copy of a reply that is missing or still streaming ignored.');
      return;
    }
    await vscode.env.clipboard.writeText(reply.text);
    vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Reply copied')}`, 2000);
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


function nonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}
