// Clicks in the conversation. A link goes only to the host's ask-first path (never navigates);
// a button becomes the one message it stands for, naming a message id and a block index or file
// reference from the reply, never code or a command. Only "Show all", Edit (the prompt) and Copy's
// check mark act here.
import { MAX_LINK_CHARS, type ErrorActionId, type WebviewToHost } from '../protocol/messages';
import { ACTION_BUTTONS, type MessageEntries } from './messageEntries';

export interface ConversationClicks {
  list: HTMLElement;
  entries: MessageEntries;
  win: Window;
  post(message: WebviewToHost): void;
  /** Edit on question `id`: its text goes to the prompt. */
  edit(id: string, text: string): void;
  /** "Show all" on question `id` (remembered by the view). */
  showAll(id: string): void;
}

export function onConversationClick(e: MouseEvent, ctx: ConversationClicks): void {
  const target = e.target as Element | null;
  if (!target?.closest) return;
  const link = target.closest('a');
  if (link && ctx.list.contains(link)) {
    e.preventDefault();
    // VS Code's webview host opens any clicked link itself (a click listener on the window that
    // ignores preventDefault): stop the click here so only the host's ask-first path runs.
    e.stopPropagation();
    const href = link.getAttribute('href');
    if (href && href.length <= MAX_LINK_CHARS) ctx.post({ type: 'openLink', href });
    return;
  }
  const button = target.closest('button');
  if (!button || button.disabled || !ctx.list.contains(button)) return;
  const testid = button.getAttribute('data-testid');
  const messageEl = button.closest<HTMLElement>('[data-testid="message"]');
  const id = messageEl?.getAttribute('data-id') ?? '';
  switch (testid) {
    case 'copy':
    case 'insert':
    case 'apply': {
      const block = Number(button.getAttribute('data-block'));
      if (!id || !Number.isInteger(block) || block < 0) return;
      const type = testid === 'copy' ? 'copyCode' : testid === 'insert' ? 'insertCode' : 'applyCode';
      ctx.post({ type, id, block });
      if (testid === 'copy') flashCopied(button, ctx.win);
      return;
    }
    case 'retry':
      if (id) ctx.post({ type: 'retry', id });
      return;
    case 'file-link': {
      const ref = button.getAttribute('data-ref');
      if (id && ref) ctx.post({ type: 'openFile', id, ref });
      return;
    }
    case 'show-all':
      // Local: the whole text is already here, only its rendering was left out.
      ctx.showAll(id);
      return;
    case 'edit': {
      const question = ctx.entries.get(id)?.view;
      if (question?.role === 'user') ctx.edit(id, question.text);
      return;
    }
    case 'regenerate':
      if (id) ctx.post({ type: 'regenerate', id });
      return;
    case 'copy-reply':
      if (!id) return;
      ctx.post({ type: 'copyReply', id });
      flashCopied(button, ctx.win);
      return;
    case 'error-action': {
      const action = button.getAttribute('data-action') as ErrorActionId | null;
      if (!action || !(action in ACTION_BUTTONS)) return;
      // Retry from an error names what to retry: the reply it belongs to, else the error itself
      // (the host resolves an error id to its reply).
      const retryId = id ? (ctx.entries.get(id)?.view.replyTo ?? id) : undefined;
      if (action === 'retry' && retryId) ctx.post({ type: 'retry', id: retryId });
      else ctx.post({ type: 'action', action });
      return;
    }
    case 'set-api-key':
      ctx.post({ type: 'action', action: 'setApiKey' });
      return;
  }
}

function flashCopied(button: HTMLElement, win: Window): void {
  const glyph = button.querySelector('.codicon');
  if (!glyph) return;
  glyph.classList.replace('codicon-copy', 'codicon-check');
  button.classList.add('copied');
  win.setTimeout(() => {
    glyph.classList.replace('codicon-check', 'codicon-copy');
    button.classList.remove('copied');
  }, 1200);
}
