// The buttons a message carries: Edit on a question, Copy reply and Regenerate on a finished reply.
// Shown on hover and focus (chat.css); Edit and Regenerate are disabled while a reply streams (the
// host refuses them then too). A click names only the message id (conversationClicks.ts).
import type { MessageView } from '../protocol/messages';
import type { Codicon } from '../protocol/codicons';
import type { WebviewStringKey } from '../protocol/webviewStrings';
import { h, icon } from './dom';
import { t } from './l10n';
import type { MessageEntries } from './messageEntries';

/**
 * The buttons that would change the conversation (Edit, Regenerate: disabled while a reply streams),
 * per page, as they are made; detached ones are dropped when next seen. Toggling them from here
 * costs the number of messages; finding them with querySelectorAll walked the whole DOM, 130–280 ms
 * twice a reply in a 20 MB conversation (bench: session).
 */
const changingByDoc = new WeakMap<Document, Set<HTMLButtonElement>>();

function changingButtons(doc: Document): Set<HTMLButtonElement> {
  let set = changingByDoc.get(doc);
  if (!set) changingByDoc.set(doc, (set = new Set()));
  return set;
}

function button(doc: Document, testid: string, codicon: Codicon, label: WebviewStringKey, title: WebviewStringKey, disabled = false): HTMLButtonElement {
  return h(doc, 'button', { type: 'button', class: 'message-action', 'data-testid': testid, 'aria-label': t(label), title: t(title), disabled }, icon(doc, codicon));
}

function changingButton(doc: Document, testid: string, codicon: Codicon, label: WebviewStringKey, title: WebviewStringKey, disabled: boolean): HTMLButtonElement {
  const b = button(doc, testid, codicon, label, title, disabled);
  changingButtons(doc).add(b);
  return b;
}

/**
 * Puts the message's buttons in place (replacing earlier ones): a question's in a bar under it, a
 * finished reply's in its footer (before Retry). Nothing for errors or a reply still streaming.
 */
export function placeMessageActions(doc: Document, el: HTMLElement, view: MessageView, busy: boolean): void {
  el.querySelector(':scope > .message-actions, :scope > .message-footer > .message-actions')?.remove();
  if (view.role === 'user') {
    el.append(h(doc, 'div', { class: 'message-actions' },
      changingButton(doc, 'edit', 'edit', 'edit.label', 'edit.title', busy)));
    return;
  }
  if (view.role !== 'assistant' || view.state === 'streaming') return;
  const actions = h(doc, 'div', { class: 'message-actions' });
  if (view.text) actions.append(button(doc, 'copy-reply', 'copy', 'copyReply.label', 'copyReply.title'));
  if (view.state === 'done') actions.append(changingButton(doc, 'regenerate', 'sync', 'regenerate.label', 'regenerate.title', busy));
  if (!actions.childNodes.length) return;
  let footer = el.querySelector<HTMLElement>(':scope > .message-footer');
  if (!footer) {
    footer = h(doc, 'div', { class: 'message-footer' });
    el.append(footer);
  }
  // Before Retry: the step the user most likely wants stays last, next to the prompt for Shift+Tab.
  footer.insertBefore(actions, footer.querySelector(':scope > [data-testid="retry"]'));
}

/** Enables or disables every Edit and Regenerate under `root`. */
export function setChangingActionsDisabled(root: HTMLElement, disabled: boolean): void {
  const set = changingButtons(root.ownerDocument);
  for (const b of set) {
    // Detached: its message was removed (buttons are made and attached in one task).
    if (!b.isConnected) set.delete(b);
    else if (root.contains(b)) b.disabled = disabled;
  }
}

/** The newest question's text (Up in an empty prompt). */
export function lastQuestion(messages: HTMLElement, entries: MessageEntries): string | undefined {
  const users = messages.querySelectorAll(':scope > [data-role="user"]');
  const id = users[users.length - 1]?.getAttribute('data-id');
  return id ? entries.get(id)?.view.text : undefined;
}
