// The chat webview's words, built on the host with VS Code's localisation (`vscode.l10n`, passed in
// so plain-Node tests can build the table too). Placeholders {0}, {1}… are left in for the webview's
// t(key, …args) to fill: vscode.l10n.t leaves a template alone when it is given no arguments.
import type * as vscode from 'vscode';
import type { WebviewStrings } from '../protocol/webviewStrings';

export type L10n = Pick<typeof vscode.l10n, 't'>;

/** A template with placeholders, with the note translators see. */
const template = (l10n: L10n, message: string, comment: string): string => l10n.t({ message, comment: [comment] });

export function buildWebviewStrings(l10n: L10n): WebviewStrings {
  return {
    'page.title': l10n.t('GMI Chat'),
    'toolbar.label': l10n.t('Chat'),
    'model.title': l10n.t('Select Model'),
    'model.placeholder': l10n.t('Select model'),
    'model.none': l10n.t('none'),
    'model.ariaLabel': template(l10n, 'Model: {0}. Select Model', '{0} is the model name, or the word for none'),
    'model.tooltip': template(l10n, 'Model: {0} — click to change', '{0} is the model name, or the word for none'),
    'newChat.label': l10n.t('New Chat'),
    'welcome.label': l10n.t('Welcome'),
    'welcome.heading': l10n.t('Welcome to GMI Chat'),
    'welcome.text': l10n.t('Chat with GMI Cloud models right here. To start, store your GMI API key; it is kept in VS Code’s secret storage.'),
    'welcome.setApiKey': l10n.t('Set API Key'),
    'empty.text': l10n.t('Ask GMI about your code. Select code in the editor and use “Explain” or “Refactor” from the GMI menu.'),
    'conversation.label': l10n.t('Conversation'),
    'composer.placeholder': l10n.t('Ask GMI… (Enter to send, Shift+Enter for a new line)'),
    'composer.ariaLabel': l10n.t('Ask GMI. Enter sends, Shift+Enter makes a new line, Escape stops a reply.'),
    'composer.send': l10n.t('Send'),
    'composer.sendTitle': l10n.t('Send (Enter)'),
    'composer.stop': l10n.t('Stop'),
    'composer.stopTitle': l10n.t('Stop (Escape)'),
    'author.user': l10n.t('You'),
    'author.assistant': l10n.t('GMI'),
    'author.error': l10n.t('Error'),
    'state.stopped': l10n.t('Stopped'),
    'state.interrupted': l10n.t('Interrupted'),
    'state.error': l10n.t('Failed'),
    'retry.label': l10n.t('Retry'),
    'retry.title': l10n.t('Retry this request'),
    'thinking.summary': l10n.t('Thinking'),
    'showAll.title': l10n.t('Render the whole message'),
    'showAll.oneLine': template(l10n, 'Show all — {0} more line ({1} KB)', '{0} is 1; {1} is the size left out in kilobytes'),
    'showAll.lines': template(l10n, 'Show all — {0} more lines ({1} KB)', '{0} is the number of lines left out; {1} their size in kilobytes'),
    'meta.cached': template(l10n, '{0} cached', 'tokens of the prompt read from the prompt cache'),
    'meta.cacheWrite': template(l10n, '{0} cache write', 'tokens of the prompt written to the prompt cache'),
    'meta.input': template(l10n, '{0} in', 'tokens sent to the model'),
    'meta.inputWithCache': template(l10n, '{0} in ({1})', '{0}: tokens sent to the model; {1}: the cached / cache write parts'),
    'meta.output': template(l10n, '{0} out', 'tokens the model replied with'),
    'meta.outputWithReasoning': template(l10n, '{0} out ({1} reasoning)', '{0}: tokens the model replied with; {1}: of them, reasoning'),
    'meta.costTitle': l10n.t('Estimated cost from list prices; your GMI invoice is authoritative.'),
    'meta.costTitleAsOf': template(l10n, 'Estimated cost from list prices as of {0}; your GMI invoice is authoritative.', '{0} is a date (YYYY-MM-DD)'),
    'action.setApiKey': l10n.t('Set API Key'),
    'action.selectModel': l10n.t('Select Model'),
    'action.retry': l10n.t('Retry'),
    'action.openSettings': l10n.t('Open Settings'),
    'action.openLog': l10n.t('Show Log'),
    'action.dropOldestTurns': l10n.t('Drop oldest turns and retry'),
    'code.copy': l10n.t('Copy'),
    'code.insert': l10n.t('Insert at Cursor'),
    'code.apply': l10n.t('Apply to Selection'),
    'code.buttonAriaLabel': template(l10n, '{0} (code block {1})', '{0} is a button name (Copy, Insert at Cursor…); {1} the code block’s number'),
    'code.plainLanguage': l10n.t('text'),
    'code.indentedLanguage': l10n.t('code'),
    'fileLink.title': template(l10n, 'Open {0}', '{0} is a file reference such as src/app.ts:12'),
    'image.title': l10n.t('Image not loaded'),
    'image.label': template(l10n, 'image: {0}', 'an image in a reply, never loaded; {0} is its description'),
    'attach.button': l10n.t('Add context'),
    'attach.title': l10n.t('Add context (#): files, open editors, the selection, problems, images'),
    'attach.list': l10n.t('Attachments for the next question'),
    'attach.remove': template(l10n, 'Remove {0}', '{0} is the name of an attached file or image'),
    'attach.bytes': template(l10n, '{0} bytes', 'the size of a small attachment; {0} is a number'),
  };
}
