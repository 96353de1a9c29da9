// The chat view: a view of the host's state. It renders what the host sends (every message checked
// with parseHostMessage) and sends back only well-formed WebviewToHost messages. It never navigates,
// never loads remote content, and never names code or commands: code actions carry (id, block).
import {
  parseHostMessage,
  type ChatStateView,
  type HostToWebview,
  type MessageView,
  type WebviewToHost,
} from '../protocol/messages';
import { ComposerAttachments } from './attachmentChips';
import { Composer } from './composer';
import { h, icon } from './dom';
import { onConversationClick } from './conversationClicks';
import { ReplyFileLinks } from './fileLinks';
import { t } from './l10n';
import { lastQuestion, setChangingActionsDisabled } from './messageActions';
import { MessageEntries, type Entry } from './messageEntries';
import { OlderMessages } from './olderMessages';
import { BottomFollow } from './bottomFollow';
import { ViewMemory, watchThinking } from './viewMemory';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface ChatAppOptions {
  /** Defer a render to the next frame (tests pass their own). */
  schedule?: (callback: () => void) => void;
  /** Run background work later (tests pass their own). */
  defer?: (callback: () => void) => void;
  /** Milliseconds the draft waits before it is saved and sent to the host. */
  draftDelayMs?: number;
  /** Characters of the newest messages rendered at once when a conversation opens. */
  eagerChars?: number;
}

/** Characters of the newest messages rendered at once when a conversation opens; older ones follow. */
const EAGER_CHARS = 16_000;
/** Time slice for background rendering of older messages. */
const SLICE_MS = 8;

export class ChatApp {
  private readonly doc: Document;
  private readonly entries: MessageEntries;
  private readonly schedule?: (callback: () => void) => void;
  private readonly defer: (callback: () => void) => void;
  private readonly eagerChars: number;

  readonly modelButton: HTMLButtonElement;
  readonly modelName: HTMLSpanElement;
  readonly newChatButton: HTMLButtonElement;
  readonly list: HTMLElement;
  readonly welcome: HTMLElement;
  readonly empty: HTMLElement;
  readonly messagesEl: HTMLElement;
  readonly composer: Composer;
  readonly attachments: ComposerAttachments;

  private busy = false;
  private hasApiKey = true;
  /**
   * No welcome or "empty" text until the host's first state: the host sends it once the history
   * is open, and a view that showed "empty" first would then jump to the restored conversation.
   */
  private stateReceived = false;
  /**
   * Typed into the prompt before the host's first state (which waits for the history): the stored
   * draft the host sends with it must not replace that.
   */
  private typedBeforeState = false;
  private readonly memory: ViewMemory;
  private readonly follow: BottomFollow;
  private pendingQueue: Entry[] = [];
  private readonly older = new OlderMessages();
  private pendingScheduled = false;
  /** Bumped on every full state so stale background work stops. */
  private generation = 0;
  private readonly fileLinks = new ReplyFileLinks((m) => this.post(m));

  constructor(
    private readonly root: HTMLElement,
    private readonly api: VsCodeApi,
    private readonly win: Window,
    options: ChatAppOptions = {},
  ) {
    this.doc = root.ownerDocument;
    this.schedule = options.schedule;
    this.defer = options.defer ?? ((cb) => win.setTimeout(cb, 0));
    this.eagerChars = options.eagerChars ?? EAGER_CHARS;
    this.memory = new ViewMemory(api);
    this.entries = new MessageEntries(this.doc, {
      schedule: this.schedule,
      isBusy: () => this.busy,
      onStreamRender: () => this.follow.nowIfPinned(),
      onReplyRendered: (entry) => this.fileLinks.rendered(entry.view.id, entry.body),
    });
    const doc = this.doc;

    this.modelName = h(doc, 'span', { class: 'model-name' }, '');
    this.modelButton = h(
      doc,
      'button',
      { type: 'button', class: 'model-picker', 'data-testid': 'model', title: t('model.title'), 'aria-label': t('model.ariaLabel', t('model.none')) },
      icon(doc, 'hubot'),
      this.modelName,
      icon(doc, 'chevron-down'),
    );
    this.newChatButton = h(
      doc,
      'button',
      { type: 'button', class: 'icon-button', 'data-testid': 'new-chat', title: t('newChat.label'), 'aria-label': t('newChat.label') },
      icon(doc, 'add'),
    );
    const toolbar = h(doc, 'header', { class: 'toolbar', role: 'toolbar', 'aria-label': t('toolbar.label') },
      this.modelButton, h(doc, 'span', { class: 'spacer' }), this.newChatButton);

    this.welcome = h(
      doc,
      'section',
      { class: 'welcome', 'data-testid': 'welcome', hidden: true, 'aria-label': t('welcome.label') },
      h(doc, 'div', { class: 'welcome-icon' }, icon(doc, 'sparkle')),
      h(doc, 'h2', {}, t('welcome.heading')),
      h(doc, 'p', {}, t('welcome.text')),
      h(doc, 'button', { type: 'button', class: 'primary-button', 'data-testid': 'set-api-key' }, icon(doc, 'key'), t('welcome.setApiKey')),
    );
    this.empty = h(
      doc,
      'section',
      { class: 'empty', 'data-testid': 'empty', hidden: true },
      h(doc, 'div', { class: 'welcome-icon' }, icon(doc, 'sparkle')),
      h(doc, 'p', {}, t('empty.text')),
    );
    this.messagesEl = h(doc, 'div', { class: 'messages' });
    this.list = h(doc, 'main', { class: 'conversation', 'aria-label': t('conversation.label'), tabindex: '0' }, this.welcome, this.empty, this.messagesEl);

    this.composer = new Composer(doc, win, {
      draftDelayMs: options.draftDelayMs ?? 300,
      getState: () => api.getState(),
      setState: (state) => this.memory.patch(state as Record<string, unknown>),
      onSend: (text) => {
        this.post({ type: 'send', text });
        this.follow.pinned = true;
      },
      onEdit: (id, text) => {
        this.post({ type: 'edit', id, text });
        this.follow.pinned = true;
      },
      lastQuestion: () => lastQuestion(this.messagesEl, this.entries),
      onStop: () => this.post({ type: 'stop' }),
      onDraft: (text) => this.post({ type: 'promptDraft', text }),
    });

    this.composer.prompt.addEventListener('input', () => (this.typedBeforeState ||= !this.stateReceived));
    this.attachments = new ComposerAttachments(doc, this.composer.prompt, (m) => this.post(m));
    this.attachments.mount(this.composer.el);

    root.replaceChildren(toolbar, this.list, this.composer.el);
    this.follow = new BottomFollow(win, this.list, this.messagesEl, this.memory, this.schedule);
    this.wireEvents();
    this.renderChrome();
  }

  /** Starts listening to the host and tells it the view is ready; the prompt takes the focus. */
  start(): void {
    this.win.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
    this.post({ type: 'ready' });
    // Opened with the focus (Focus on Chat View, Ask GMI): typing goes to the prompt. Otherwise the
    // window's focus event does the same when the view is focused later.
    if (this.doc.hasFocus()) this.composer.focusIfNothingIs();
  }

  /** Handles one raw message from the host; malformed ones are ignored. */
  receive(raw: unknown): void {
    const message = parseHostMessage(raw);
    if (!message) return;
    this.handle(message);
  }

  private handle(message: HostToWebview): void {
    switch (message.type) {
      case 'state':
        this.setState(message.state);
        break;
      case 'olderMessages':
        this.prependOlder(message);
        break;
      case 'messageAdded':
        this.upsert(message.message, true);
        this.renderChrome();
        break;
      case 'messageUpdated':
        this.upsert(message.message, false);
        this.renderChrome();
        break;
      case 'append':
        this.append(message.id, message.text, message.thinking);
        break;
      case 'busy':
        this.busy = message.busy;
        this.renderChrome();
        break;
      case 'settings':
        this.hasApiKey = message.hasApiKey;
        this.setModel(message.model);
        this.renderChrome();
        break;
      case 'setPrompt':
        if (!(message.storedDraft && this.typedBeforeState)) this.composer.setDraft(message.text);
        break;
      case 'focusPrompt':
        this.composer.focus();
        break;
      case 'attachments':
        this.attachments.show(message.attachments);
        break;
      case 'contextPicked':
        this.attachments.picked(message.added);
        break;
      case 'composerNotice':
        this.attachments.setNotice(message.text);
        break;
      case 'fileLinks': {
        const entry = this.entries.get(message.id);
        this.fileLinks.resolved(message.id, message.refs, entry && !entry.pending ? entry.body : undefined);
        break;
      }
    }
  }

  private post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  // ---- state and messages ----

  private setState(state: ChatStateView): void {
    this.generation++;
    this.pendingQueue = [];
    this.entries.clear();
    this.messagesEl.replaceChildren();
    this.busy = state.busy;
    this.hasApiKey = state.hasApiKey;
    this.stateReceived = true;
    this.older.expect(state);
    this.setModel(state.model);
    // Newest messages render now, older ones in background slices (newest first), so a long
    // conversation opens at once scrolled to the bottom.
    let budget = this.eagerChars;
    const fragment = this.doc.createDocumentFragment();
    const entries: Entry[] = [];
    for (let i = state.messages.length - 1; i >= 0; i--) {
      const view = state.messages[i];
      const eager = budget > 0 || view.state === 'streaming';
      budget -= view.text.length + (view.thinking?.length ?? 0);
      // The first frame waits for no highlighting: the view's background slices do it, newest first.
      const entry = this.entries.create(view, !eager, true);
      entries.push(entry);
      if (!eager) this.pendingQueue.push(entry);
    }
    for (let i = entries.length - 1; i >= 0; i--) fragment.append(entries[i].el);
    this.messagesEl.append(fragment);
    this.renderChrome();
    this.keepEditing();
    // What the user opened stays open; the first state after the view reopens scrolls to where it was.
    this.follow.pinned = !this.memory.restore(this.memoryView(), state.messages, this.older.missing);
    this.follow.queue(); // before the next paint; no forced layout here
    this.schedulePending();
  }

  /** A batch of the messages before the first one shown: pending shells, rendered after what is queued. */
  private prependOlder(batch: { stateId: number; messages: MessageView[] }): void {
    const added = this.older.prepend(batch, { entries: this.entries, list: this.list, content: this.messagesEl }, !this.follow.pinned);
    if (!added) return;
    this.pendingQueue.push(...added);
    if (this.memory.restoreOlder(this.memoryView(), batch.messages, this.older.missing)) this.follow.pinned = false;
    this.keepEditing();
    this.follow.queue();
    this.schedulePending();
  }

  private memoryView() {
    return { win: this.win, list: this.list, content: this.messagesEl, entries: this.entries, renderAll: () => this.renderAllPending() };
  }

  /** Editing a question no longer shown ends (once every batch is in: it may be in one still to come). */
  private keepEditing(): void {
    const editing = this.composer.editingId;
    const entry = editing ? this.entries.get(editing) : undefined;
    if (editing && (entry ? entry.view.role !== 'user' : this.older.missing === 0)) this.composer.cancelEdit();
  }

  private setModel(model: string): void {
    this.modelName.textContent = model || t('model.placeholder');
    this.modelButton.setAttribute('aria-label', t('model.ariaLabel', model || t('model.none')));
    this.modelButton.title = t('model.tooltip', model || t('model.none'));
  }

  private upsert(view: MessageView, added: boolean): void {
    const existing = this.entries.get(view.id);
    if (existing) {
      this.entries.update(existing, view);
    } else {
      const entry = this.entries.create(view, false);
      // A new error is announced by screen readers (not the old ones of a conversation reopened).
      if (view.role === 'error') entry.body.setAttribute('role', 'alert');
      this.messagesEl.append(entry.el);
    }
    if (added && view.role === 'user') {
      this.follow.pinned = true;
      this.memory.letGo();
      // A question sent puts the view at the bottom: a position remembered before it must not come
      // back after a reload (it hid the reply the reload interrupted).
      this.memory.scroll = undefined;
    }
    this.follow.queue();
  }

  private append(id: string, text?: string, thinking?: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.view.role !== 'assistant') return;
    this.entries.append(entry, text, thinking);
    // Text scrolls when it renders (onStreamRender); thinking is plain text appended as it comes.
    if (thinking) this.follow.queue();
  }

  private schedulePending(): void {
    const { laterHighlights: highlights, laterHeads: heads } = this.entries;
    if (this.pendingScheduled || (this.pendingQueue.length === 0 && highlights.size === 0 && heads.size === 0)) return;
    this.pendingScheduled = true;
    const generation = this.generation;
    this.defer(() => {
      this.pendingScheduled = false;
      if (generation !== this.generation) return;
      const start = performance.now();
      // What is on screen first: its code, then the beginnings of long replies shown end first,
      // then older messages (each of which queues its own code and beginning).
      while (performance.now() - start < SLICE_MS) {
        if (highlights.highlightNext() || heads.renderNext()) continue;
        if (!this.pendingQueue.length) break;
        this.entries.renderPending(this.pendingQueue.shift()!);
      }
      // Content grows above the viewport; scroll anchoring keeps the view still, and the next
      // frame re-pins the bottom if needed (no forced layout per slice).
      this.follow.queue();
      this.schedulePending();
    });
  }

  /** Renders every message that was left for later (tests; also before printing/searching). */
  renderAllPending(): void {
    while (this.pendingQueue.length) this.entries.renderPending(this.pendingQueue.shift()!);
    this.entries.laterHeads.renderAll();
    this.entries.laterHighlights.highlightAll();
  }

  // ---- chrome: welcome, busy, buttons ----

  private renderChrome(): void {
    this.welcome.hidden = !this.stateReceived || this.hasApiKey;
    this.empty.hidden = !this.stateReceived || !this.hasApiKey || this.entries.size > 0;
    this.composer.setBusy(this.busy);
    if (this.root.classList.contains('busy') !== this.busy) setChangingActionsDisabled(this.messagesEl, this.busy);
    this.root.classList.toggle('busy', this.busy);
  }

  private wireEvents(): void {
    this.newChatButton.addEventListener('click', () => this.post({ type: 'newChat' }));
    this.modelButton.addEventListener('click', () => this.post({ type: 'action', action: 'selectModel' }));
    watchThinking(this.list, this.memory);
    const clicks = {
      list: this.list,
      entries: this.entries,
      win: this.win,
      post: (m: WebviewToHost) => this.post(m),
      edit: (id: string, text: string) => this.composer.startEdit(id, text),
      showAll: (id: string) => {
        this.entries.expand(id);
        this.memory.set('shownAll', id, true);
      },
    };
    this.list.addEventListener('click', (e) => onConversationClick(e, clicks));
    // Middle-click and friends must not navigate either.
    this.list.addEventListener('auxclick', (e) => {
      if ((e.target as Element | null)?.closest?.('a')) e.preventDefault();
    });
  }
}
