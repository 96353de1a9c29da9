// The one mapping from the conversation's model (what is stored: chat/storedMessage.ts) to the
// webview's view (what is shown: protocol/messages.ts). A new field is one line here;
// test/unit/chat-storedMessage.test.ts fails when a field of either side is left out. No `vscode` import.
import { toAttachmentView } from '../attachments/attachment';
import type { StoredMessage } from '../chat/storedMessage';
import type { MessageView } from '../protocol/messages';

/** The fields of a stored message the view never gets. */
export const NOT_SHOWN = ['createdAt'] as const satisfies ReadonlyArray<keyof StoredMessage>;

/** Only the fields the view needs (no createdAt, nothing else stored); attachments as chips. */
export function toMessageView(m: StoredMessage): MessageView {
  const view: MessageView = { id: m.id, role: m.role, text: m.text };
  if (m.notice !== undefined) view.notice = m.notice;
  if (m.attachments?.length) view.attachments = m.attachments.map(toAttachmentView);
  if (m.thinking !== undefined) view.thinking = m.thinking;
  if (m.state !== undefined) view.state = m.state;
  if (m.model !== undefined) view.model = m.model;
  if (m.usage !== undefined) view.usage = { ...m.usage };
  if (m.actions !== undefined) view.actions = [...m.actions];
  if (m.replyTo !== undefined) view.replyTo = m.replyTo;
  if (m.status !== undefined) view.status = m.status;
  return view;
}
