// The chat's composer: the prompt, Send and Stop. Keeps the draft (webview state + the host, so a
// reload or another window keeps it) and the keyboard focus: the prompt has it when the view opens
// or is focused, after Send and after Stop, and never loses it when a button it was on disappears.
// Editing a question borrows the prompt: the user's own draft is put aside and comes back after the
// edit is sent or cancelled (Escape). Up in an empty prompt recalls the last question.
import { MAX_PROMPT_CHARS } from '../protocol/messages';
import { h, icon } from './dom';
import { t } from './l10n';

export interface ComposerOptions {
  /** Milliseconds the draft waits before it is saved and sent to the host. */
  draftDelayMs: number;
  getState(): unknown;
  setState(state: unknown): void;
  /** A question to send (only when not busy; never empty or over the limit). */
  onSend(text: string): void;
  onStop(): void;
  onDraft(text: string): void;
  /** An edited question `id` to resend (only when not busy; never empty or over the limit). */
  onEdit(id: string, text: string): void;
  /** The text of the newest question, for Up in an empty prompt. */
  lastQuestion(): string | undefined;
}

/** What the composer keeps in the webview state. `draft` is always the user's own draft. */
interface ComposerState {
  draft?: unknown;
  editing?: { id?: unknown; text?: unknown };
}

export class Composer {
  readonly el: HTMLElement;
  readonly prompt: HTMLTextAreaElement;
  readonly sendButton: HTMLButtonElement;
  readonly stopButton: HTMLButtonElement;
  readonly editBar: HTMLElement;
  readonly cancelEditButton: HTMLButtonElement;
  private busy = false;
  /** The question being edited, and the user's draft put aside meanwhile. */
  private editing: { id: string; draft: string } | undefined;
  private draftTimer: number | undefined;
  /** Set between a pointer press and its release: focus that comes with a click is the click's. */
  private pointerPressed = false;

  constructor(
    private readonly doc: Document,
    private readonly win: Window,
    private readonly options: ComposerOptions,
  ) {
    this.prompt = h(doc, 'textarea', {
      class: 'prompt',
      'data-testid': 'prompt',
      rows: '1',
      placeholder: t('composer.placeholder'),
      'aria-label': t('composer.ariaLabel'),
    });
    this.sendButton = h(
      doc,
      'button',
      { type: 'button', class: 'send-button', 'data-testid': 'send', title: t('composer.sendTitle'), 'aria-label': t('composer.send') },
      icon(doc, 'send'),
    );
    this.stopButton = h(
      doc,
      'button',
      { type: 'button', class: 'stop-button', 'data-testid': 'stop', title: t('composer.stopTitle'), 'aria-label': t('composer.stop'), hidden: true },
      icon(doc, 'debug-stop'),
    );
    this.cancelEditButton = h(
      doc,
      'button',
      { type: 'button', class: 'icon-button', 'data-testid': 'cancel-edit', title: t('editBar.cancelTitle'), 'aria-label': t('editBar.cancel') },
      icon(doc, 'close'),
    );
    this.editBar = h(doc, 'div', { class: 'edit-bar', 'data-testid': 'edit-bar', role: 'status', hidden: true },
      icon(doc, 'edit'),
      h(doc, 'span', { class: 'edit-bar-text' }, t('editBar.text')),
      this.cancelEditButton);
    this.el = h(doc, 'footer', { class: 'composer' }, this.editBar,
      h(doc, 'div', { class: 'input-box' }, this.prompt, h(doc, 'div', { class: 'input-actions' }, this.stopButton, this.sendButton)));
    this.restoreDraft();
    this.wireEvents();
    this.setBusy(false);
  }

  get text(): string {
    return this.prompt.value;
  }

  /** Sets the prompt's text (the host's stored draft), cursor at the end. */
  setText(text: string): void {
    this.prompt.value = text;
    this.prompt.setSelectionRange(text.length, text.length);
    this.saveDraftNow();
  }

  /** The user's stored draft (from the host): into the prompt, or aside while a question is edited. */
  setDraft(text: string): void {
    if (this.editing) {
      this.editing.draft = text;
      this.saveDraftNow();
    } else this.setText(text);
  }

  focus(): void {
    this.prompt.focus();
  }

  /** The question being edited, if any. */
  get editingId(): string | undefined {
    return this.editing?.id;
  }

  /** Puts question `id`'s text in the prompt to be edited; the user's draft waits aside. */
  startEdit(id: string, text: string): void {
    this.editing = { id, draft: this.editing?.draft ?? this.prompt.value };
    this.editBar.hidden = false;
    this.el.classList.add('editing');
    this.setText(text);
    this.focus();
  }

  /** Leaves editing: the user's own draft is back in the prompt. */
  cancelEdit(): void {
    if (!this.editing) return;
    const draft = this.editing.draft;
    this.editing = undefined;
    this.editBar.hidden = true;
    this.el.classList.remove('editing');
    this.setText(draft);
    this.focus();
  }

  /** Escape: stops a streaming reply, else leaves editing. True when it did something. */
  escape(): boolean {
    if (this.busy) this.stop();
    else if (this.editing) this.cancelEdit();
    else return false;
    return true;
  }


  /** Send while idle, Stop while a reply streams; the focus stays in the composer either way. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    const active = this.doc.activeElement;
    const hiding = busy ? this.sendButton : this.stopButton;
    this.sendButton.hidden = busy;
    this.sendButton.disabled = busy;
    this.stopButton.hidden = !busy;
    // A hidden button drops the focus to <body>: keep it in the prompt instead.
    if (active === hiding) this.focus();
  }

  /** The view got the focus (opened, or focused from the workbench): give it to the prompt. */
  focusIfNothingIs(): void {
    const active = this.doc.activeElement;
    if (!this.pointerPressed && (active === null || active === this.doc.body)) this.focus();
  }

  private submit(): void {
    if (this.busy) return; // the policy is "stop first"
    const text = this.prompt.value;
    if (text.trim() === '' || text.length > MAX_PROMPT_CHARS) return;
    if (this.editing) {
      this.options.onEdit(this.editing.id, text);
      this.cancelEdit();
      return;
    }
    this.options.onSend(text);
    this.prompt.value = '';
    this.saveDraftNow();
  }

  /** Up in an empty prompt: the last question, to send again or change. */
  private recall(): boolean {
    if (this.prompt.value !== '' || this.editing) return false;
    const last = this.options.lastQuestion();
    if (!last) return false;
    this.setText(last);
    return true;
  }

  private stop(): void {
    this.options.onStop();
    this.focus();
  }

  private restoreDraft(): void {
    const raw = this.options.getState();
    const state: ComposerState = typeof raw === 'object' && raw !== null ? (raw as ComposerState) : {};
    if (typeof state.draft === 'string') this.prompt.value = state.draft;
    const editing = state.editing;
    if (editing && typeof editing.id === 'string' && typeof editing.text === 'string') {
      this.editing = { id: editing.id, draft: this.prompt.value };
      this.editBar.hidden = false;
      this.el.classList.add('editing');
      this.prompt.value = editing.text;
    }
  }

  private scheduleDraftSave(): void {
    if (this.draftTimer !== undefined) this.win.clearTimeout(this.draftTimer);
    this.draftTimer = this.win.setTimeout(() => this.saveDraftNow(), this.options.draftDelayMs);
  }

  private saveDraftNow(): void {
    if (this.draftTimer !== undefined) this.win.clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    // While editing, the draft is still the user's own: the edited text is only the view's state.
    const text = this.editing ? this.editing.draft : this.prompt.value;
    const state: ComposerState = { draft: text, editing: this.editing ? { id: this.editing.id, text: this.prompt.value } : undefined };
    this.options.setState(state);
    if (text.length <= MAX_PROMPT_CHARS) this.options.onDraft(text);
  }

  private wireEvents(): void {
    this.prompt.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowUp' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && this.recall()) {
        e.preventDefault();
        return;
      }
      if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
      // An IME composition uses Enter to accept a candidate; that must not send.
      if (e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      this.submit();
    });
    // Escape anywhere in the view (the prompt included) stops a streaming reply, else leaves editing.
    this.doc.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !e.defaultPrevented && !e.isComposing && this.escape()) e.preventDefault();
    });
    this.prompt.addEventListener('input', () => this.scheduleDraftSave());
    this.prompt.addEventListener('blur', () => {
      if (this.draftTimer !== undefined) this.saveDraftNow();
    });
    this.win.addEventListener('pagehide', () => {
      if (this.draftTimer !== undefined) this.saveDraftNow();
    });
    this.sendButton.addEventListener('click', () => {
      this.submit();
      this.focus();
    });
    this.stopButton.addEventListener('click', () => this.stop());
    this.cancelEditButton.addEventListener('click', () => this.cancelEdit());
    // Focus arriving with a click belongs to what was clicked (text being selected, a button).
    this.win.addEventListener('pointerdown', () => {
      this.pointerPressed = true;
    }, true);
    this.win.addEventListener('pointerup', () => {
      this.win.setTimeout(() => {
        this.pointerPressed = false;
      }, 0);
    }, true);
    this.win.addEventListener('focus', () => this.focusIfNothingIs());
  }
}
