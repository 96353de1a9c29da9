// What a streaming reply says while the client waits to retry (rate limit, server busy): shown
// above the reply until its first event.
import type { StreamEvent } from '../gmi/types';
import * as l10n from '../l10n';
import type { Conversation } from './conversation';

/**
 * The reply's status while a retry waits: "Retrying in 2 s (rate limit reached, HTTP 429)", then,
 * once the wait is over, "Retrying now (attempt 2 of 3; …)" until the reply's first event.
 */
export class RetryStatus {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shown = false;

  constructor(
    private readonly conversation: Conversation,
    private readonly replyId: string,
  ) {}

  waiting(e: Extract<StreamEvent, { type: 'retry' }>): void {
    this.stopTimer();
    const secs = Math.max(1, Math.ceil(e.delayMs / 1000));
    this.show(l10n.t('Retrying in {0} s ({1})', secs, e.reason));
    this.timer = setTimeout(() => this.show(l10n.t('Retrying now (attempt {0} of {1}; {2})…', e.attempt + 1, e.maxRetries + 1, e.reason)), e.delayMs);
    this.timer.unref?.();
  }

  clear(): void {
    this.stopTimer();
    if (!this.shown) return;
    this.shown = false;
    this.conversation.setStatus(this.replyId, undefined);
  }

  private show(text: string): void {
    this.shown = true;
    this.conversation.setStatus(this.replyId, text);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
