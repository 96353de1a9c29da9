// The chat's composer: the prompt, Send and Stop. Keeps the draft (webview state + the host, so a
// reload or another window keeps it) and the keyboard focus: the prompt has it when the view opens
// or is focused, after Send and after Stop, and never loses it when a button it was on disappears.
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
}

export class Composer {
  readonly el: HTMLElement;
  readonly prompt: HTMLTextAreaElement;
  readonly sendButton: HTMLButtonElement;
  readonly stopButton: HTMLButtonElement;
  private busy = false;
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
    this.el = h(doc, 'footer', { class: 'composer' },
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

  focus(): void {
    this.prompt.focus();
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
    this.options.onSend(text);
    this.prompt.value = '';
    this.saveDraftNow();
  }

  private stop(): void {
    this.options.onStop();
    this.focus();
  }

  private restoreDraft(): void {
    const state = this.options.getState();
    const draft = typeof state === 'object' && state !== null ? (state as { draft?: unknown }).draft : undefined;
    if (typeof draft === 'string') this.prompt.value = draft;
  }

  private scheduleDraftSave(): void {
    if (this.draftTimer !== undefined) this.win.clearTimeout(this.draftTimer);
    this.draftTimer = this.win.setTimeout(() => this.saveDraftNow(), this.options.draftDelayMs);
  }

  private saveDraftNow(): void {
    if (this.draftTimer !== undefined) this.win.clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    const text = this.prompt.value;
    this.options.setState({ draft: text });
    if (text.length <= MAX_PROMPT_CHARS) this.options.onDraft(text);
  }

  private wireEvents(): void {
    this.prompt.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.busy) {
        e.preventDefault();
        this.stop();
        return;
      }
      if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
      // An IME composition uses Enter to accept a candidate; that must not send.
      if (e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      this.submit();
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
