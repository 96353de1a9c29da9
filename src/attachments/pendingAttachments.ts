// What waits for the next question in the sidebar's composer: the host's list (the webview shows
// it as chips). Sending takes it whole. No `vscode` import.
import { MAX_ATTACHMENTS } from '../protocol/messages';
import type { Attachment } from './attachment';

export class PendingAttachments {
  private items: Attachment[] = [];
  private readonly listeners = new Set<() => void>();

  get list(): readonly Attachment[] {
    return this.items;
  }

  get hasImages(): boolean {
    return this.items.some((a) => a.kind === 'image');
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * Adds an attachment. The same file, selection, problems or image attached again is not added
   * twice ('duplicate'); past MAX_ATTACHMENTS nothing more is ('full').
   */
  add(a: Attachment): 'added' | 'duplicate' | 'full' {
    if (this.items.some((b) => sameContent(a, b))) return 'duplicate';
    if (this.items.length >= MAX_ATTACHMENTS) return 'full';
    this.items = [...this.items, a];
    this.emit();
    return 'added';
  }

  remove(id: string): boolean {
    const next = this.items.filter((a) => a.id !== id);
    if (next.length === this.items.length) return false;
    this.items = next;
    this.emit();
    return true;
  }

  /** Everything pending, leaving the list empty (the question took it). */
  take(): Attachment[] {
    const taken = this.items;
    if (taken.length === 0) return [];
    this.items = [];
    this.emit();
    return taken;
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

function sameContent(a: Attachment, b: Attachment): boolean {
  if (a.kind === 'image' || b.kind === 'image') return a.kind === b.kind && (a as { data: string }).data === (b as { data: string }).data;
  return a.kind === b.kind && a.path === b.path && a.lines?.start === b.lines?.start && a.lines?.end === b.lines?.end && a.text === b.text;
}
