// The composer's attachments: the Add context button, `#` typed in the prompt (both ask the host,
// which runs the quick pick), pasted or dropped images, and the chips of what waits for the next
// question (the host's list: it is the truth, this only shows it). Chips of a sent question are
// drawn by chipList too, without their remove buttons.
import { checkImageDataUrl, formatBytes, MAX_IMAGE_BYTES, sniffImageType } from '../attachments/images';
import type { Codicon } from '../protocol/codicons';
import type { AttachmentView, WebviewToHost } from '../protocol/messages';
import { h, icon } from './dom';
import { t } from './l10n';

const ICONS: Record<AttachmentView['kind'], Codicon> = { file: 'file', selection: 'selection', problems: 'warning', image: 'file-media' };

/** Chips for `views`; with `removable`, each has a labelled remove button (data-remove = its id). */
export function chipList(doc: Document, views: readonly AttachmentView[], removable: boolean): HTMLElement {
  const list = h(doc, 'ul', { class: 'attachment-chips', 'aria-label': t('attach.list') });
  for (const v of views) {
    const image = v.kind === 'image';
    const chip = h(doc, 'li', {
      class: `attachment-chip${image ? ' image-chip' : ''}`,
      'data-testid': image ? 'image-chip' : 'context-chip',
      'data-id': v.id,
      title: v.detail ?? v.name,
    });
    // Only a checked data: URL becomes an <img> (the CSP allows no remote image either).
    if (image && v.thumbnail && checkImageDataUrl(v.thumbnail).ok) chip.append(h(doc, 'img', { class: 'thumbnail', src: v.thumbnail, alt: '' }));
    else chip.append(icon(doc, ICONS[v.kind]));
    chip.append(h(doc, 'span', { class: 'chip-name' }, v.name), h(doc, 'span', { class: 'chip-size' }, chipSize(v.size)));
    if (removable) {
      chip.append(h(doc, 'button', {
        type: 'button', class: 'chip-remove', 'data-testid': 'remove-attachment', 'data-remove': v.id,
        'aria-label': t('attach.remove', v.name), title: t('attach.remove', v.name),
      }, icon(doc, 'close')));
    }
    list.append(chip);
  }
  return list;
}

export class ComposerAttachments {
  readonly button: HTMLButtonElement;
  readonly chips: HTMLElement;
  readonly notice: HTMLElement;
  /** Where the `#` that opened the pick was typed, to take it out once something is attached. */
  private hashAt: number | undefined;

  constructor(
    private readonly doc: Document,
    private readonly prompt: HTMLTextAreaElement,
    private readonly post: (m: WebviewToHost) => void,
  ) {
    this.button = h(doc, 'button', {
      type: 'button', class: 'icon-button add-context', 'data-testid': 'add-context',
      title: t('attach.title'), 'aria-label': t('attach.button'),
    }, icon(doc, 'attach'));
    this.chips = h(doc, 'div', { class: 'composer-attachments', 'data-testid': 'attachments', hidden: true });
    this.notice = h(doc, 'div', { class: 'composer-notice', 'data-testid': 'composer-notice', role: 'alert', hidden: true });
    this.wire();
  }

  /** Puts the chips and the notice above the input box and the button among its actions. */
  mount(composer: HTMLElement): void {
    const box = composer.querySelector('.input-box');
    composer.insertBefore(this.notice, box);
    composer.insertBefore(this.chips, box);
    const actions = composer.querySelector('.input-actions');
    actions?.insertBefore(this.button, actions.firstChild);
  }

  /** The host's list of what waits for the next question. */
  show(views: readonly AttachmentView[]): void {
    this.chips.replaceChildren(chipList(this.doc, views, true));
    this.chips.hidden = views.length === 0;
  }

  setNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = text === '';
  }

  /** A pick ended: a `#` that opened it is taken out of the prompt when something was attached. */
  picked(added: boolean): void {
    const at = this.hashAt;
    this.hashAt = undefined;
    if (added && at !== undefined && this.prompt.value[at] === '#') {
      this.prompt.value = this.prompt.value.slice(0, at) + this.prompt.value.slice(at + 1);
      this.prompt.setSelectionRange(at, at);
      const win = this.doc.defaultView;
      if (win) this.prompt.dispatchEvent(new win.Event('input')); // the draft follows
    }
    this.prompt.focus();
  }

  private wire(): void {
    this.button.addEventListener('click', () => this.post({ type: 'pickContext', via: 'button' }));
    this.chips.addEventListener('click', (e) => {
      const remove = (e.target as Element | null)?.closest?.('[data-remove]');
      const id = remove?.getAttribute('data-remove');
      if (!id) return;
      // The focus stays in the composer when its button goes away with the chip.
      this.prompt.focus();
      this.post({ type: 'removeAttachment', id });
    });
    this.prompt.addEventListener('input', (e) => {
      const input = e as InputEvent;
      if (input.data !== '#' || input.isComposing) return;
      const at = this.prompt.selectionStart - 1;
      // Only a `#` that starts a word: `#include`, `a#b` and headings after text are left alone.
      if (at < 0 || this.prompt.value[at] !== '#' || (at > 0 && !/\s/.test(this.prompt.value[at - 1]))) return;
      this.hashAt = at;
      this.post({ type: 'pickContext', via: 'hash' });
    });
    this.prompt.addEventListener('paste', (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      e.preventDefault();
      for (const file of files) void this.addImage(file);
    });
    this.prompt.addEventListener('dragover', (e) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    });
    this.prompt.addEventListener('drop', (e) => {
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      e.preventDefault();
      for (const file of files) void this.addImage(file);
    });
  }

  /** A FileReader of this view's window. */
  private reader(): FileReader {
    const win = this.doc.defaultView as (Window & { FileReader: typeof FileReader }) | null;
    return new (win?.FileReader ?? FileReader)();
  }

  /**
   * Reads a pasted or dropped file as a data: URL after the checks the host repeats on receipt; what
   * fails them is only named to the host, which says why in its words (and never gets the bytes).
   */
  private async addImage(file: File): Promise<void> {
    const name = (file.name || 'image').slice(0, 255);
    const refuse = (reason: 'tooLarge' | 'notImage' | 'unreadable') => this.post({ type: 'imageRefused', name, reason, bytes: file.size });
    if (file.size > MAX_IMAGE_BYTES) return refuse('tooLarge');
    try {
      const type = sniffImageType(new Uint8Array(await readAs(this.reader(), file.slice(0, 16), 'buffer')));
      if (!type) return refuse('notImage');
      // The bytes say what it is, not the name or the clipboard's type.
      const dataUrl = (await readAs(this.reader(), file, 'dataUrl')).replace(/^data:[^,]*,/, `data:${type};base64,`);
      this.post({ type: 'addImage', name, dataUrl });
    } catch {
      refuse('unreadable');
    }
  }
}

/** "96 bytes" (the host's word), "2 KB", "1.4 MB". */
function chipSize(n: number): string {
  return n < 1024 ? t('attach.bytes', n) : formatBytes(n);
}

/** FileReader, which every webview (and jsdom) has, unlike Blob.arrayBuffer in older ones. */
function readAs(reader: FileReader, blob: Blob, as: 'dataUrl'): Promise<string>;
function readAs(reader: FileReader, blob: Blob, as: 'buffer'): Promise<ArrayBuffer>;
function readAs(reader: FileReader, blob: Blob, as: 'dataUrl' | 'buffer'): Promise<string | ArrayBuffer> {
  return new Promise((resolve, reject) => {
    reader.onload = () => (reader.result !== null ? resolve(reader.result) : reject(new Error('no data')));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    if (as === 'dataUrl') reader.readAsDataURL(blob);
    else reader.readAsArrayBuffer(blob);
  });
}
