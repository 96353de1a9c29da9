// The one mapping from the conversation's model (what is stored) to the webview's view (what is
// shown): a new field is one line here. No `vscode` import.
import { toAttachmentView } from '../attachments/attachment';
import type { StoredMessage } from '../chat/conversation';
import type { MessageView } from '../protocol/messages';

/** Only the fields the view needs (drops createdAt and anything else stored); attachments as chips. */
export function toMessageView(m: StoredMessage): MessageView {
  const { id, role, text, thinking, state, model, usage, actions, replyTo, notice, status } = m;
  const view: MessageView = { id, role, text, thinking, state, model, usage, actions, replyTo, notice, status };
  if (m.attachments?.length) view.attachments = m.attachments.map(toAttachmentView);
  return view;
}
