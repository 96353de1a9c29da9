// A long conversation comes in parts (issue 13): the `state` message carries the newest messages,
// `olderMessages` batches the ones before them, newest batch first. Each batch goes before the first
// message shown, as empty shells that ChatApp renders in its background slices.
import type { ChatStateView, MessageView } from '../protocol/messages';
import type { Entry, MessageEntries } from './messageEntries';

export class OlderMessages {
  /** The state shown: batches of any other are stale (a newer state replaced it). */
  private stateId: number | undefined;
  /** Older messages of the state shown that have not come yet. */
  missing = 0;

  /** A new state: what batches to expect. */
  expect(state: ChatStateView): void {
    this.stateId = state.stateId;
    this.missing = state.olderCount ?? 0;
  }

  /**
   * Puts a batch of the state shown before the first message, each message a pending shell; returns
   * the new entries newest first (the order they render in), or undefined for a stale batch.
   * `keepScroll`: the view does not follow the bottom, so the messages on screen must stay where they
   * are (CSS scroll anchoring does that, but not at scrollTop 0; measured, it costs a layout).
   */
  prepend(
    batch: { stateId: number; messages: readonly MessageView[] },
    to: { entries: MessageEntries; list: HTMLElement; content: HTMLElement },
    keepScroll: boolean,
  ): Entry[] | undefined {
    if (batch.stateId !== this.stateId) return undefined;
    this.missing = Math.max(0, this.missing - batch.messages.length);
    // A message shown already (a forged or repeated batch) keeps its one entry.
    const added = batch.messages.filter((m) => !to.entries.get(m.id)).map((m) => to.entries.create(m, true));
    const fragment = to.content.ownerDocument.createDocumentFragment();
    for (const entry of added) fragment.append(entry.el);
    const first = keepScroll ? to.content.firstElementChild : null;
    const top = first?.getBoundingClientRect().top;
    to.content.prepend(fragment);
    if (first && top !== undefined) to.list.scrollTop += first.getBoundingClientRect().top - top;
    return added.reverse();
  }
}
