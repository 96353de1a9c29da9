// The buttons a message carries: Edit on a question, Copy reply and Regenerate on a finished reply.
// Shown on hover and focus (chat.css); Edit and Regenerate are disabled while a reply streams (the
// host refuses them then too). A click names only the message id (conversationClicks.ts).
import type { MessageView } from '../protocol/messages';
import type { WebviewStringKey } from '../protocol/webviewStrings';
import { h, icon } from './dom';
import { t } from './l10n';
import type { MessageEntries } from './messageEntries';

/** The buttons that would change the conversation: disabled while a reply streams. */
export const CHANGING_ACTIONS = '[data-testid="edit"], [data-testid="regenerate"]';

function button(doc: Document, testid: string, codicon: string, label: WebviewStringKey, title: WebviewStringKey, disabled = false): HTMLButtonElement {
  return h(doc, 'button', { type: 'button', class: 'message-action', 'data-testid': testid, 'aria-label': t(label), title: t(title), disabled }, icon(doc, codicon));
}

/**
 * Puts the message's buttons in place (replacing earlier ones): a question's in a bar under it, a
 * finished reply's in its footer (before Retry). Nothing for errors or a reply still streaming.
 */
export function placeMessageActions(doc: Document, el: HTMLElement, view: MessageView, busy: boolean): void {
  el.querySelector(':scope > .message-actions, :scope > .message-footer > .message-actions')?.remove();
  if (view.role === 'user') {
    el.append(h(doc, 'div', { class: 'message-actions' },
      button(doc, 'edit', 'edit', 'edit.label', 'edit.title', busy)));
    return;
  }
  if (view.role !== 'assistant' || view.state === 'streaming') return;
  const actions = h(doc, 'div', { class: 'message-actions' });
  if (view.text) actions.append(button(doc, 'copy-reply', 'copy', 'copyReply.label', 'copyReply.title'));
  if (view.state === 'done') actions.append(button(doc, 'regenerate', 'sync', 'regenerate.label', 'regenerate.title', busy));
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
export function setChangingActionsDisabled(root: ParentNode, disabled: boolean): void {
  for (const b of root.querySelectorAll<HTMLButtonElement>(CHANGING_ACTIONS)) b.disabled = disabled;
}

/** The newest question's text (Up in an empty prompt). */
export function lastQuestion(messages: HTMLElement, entries: MessageEntries): string | undefined {
  const users = messages.querySelectorAll(':scope > [data-role="user"]');
  const id = users[users.length - 1]?.getAttribute('data-id');
  return id ? entries.get(id)?.view.text : undefined;
}
