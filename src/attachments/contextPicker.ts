// "Add context" (the composer's button, or `#` in the prompt): a quick pick of the current file,
// the selection, the Problems of the current file, open editors, a workspace file (searched with
// findFiles as the user types) and an image from disk. Reads what was picked into attachments and
// says why something was refused (binary, huge, not an image).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newMessageId } from '../chat/conversation';
import { selectionContext } from '../editor/selectionContext';
import { MAX_TEXT_ATTACHMENT_BYTES, textRefusal, type Attachment, type TextAttachment, type TextRefusal } from './attachment';
import { checkImageBytes, formatBytes, MAX_IMAGE_BYTES, type ImageRefusal } from './images';

export interface PickResult {
  attachments: Attachment[];
  /** Why something picked was not attached, one sentence each. */
  refusals: string[];
}

type Choice = 'currentFile' | 'selection' | 'problems' | 'openEditors' | 'workspaceFile' | 'image';
interface ChoiceItem extends vscode.QuickPickItem {
  choice: Choice;
}

/** Workspace files listed per search; the filter narrows them. */
const SEARCH_RESULTS = 200;
const SEARCH_DELAY_MS = 120;
const SEARCH_EXCLUDE = '{**/node_modules/**,**/.git/**}';
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp'];

const NONE: PickResult = { attachments: [], refusals: [] };

export async function pickContext(): Promise<PickResult> {
  const editor = vscode.window.activeTextEditor;
  const doc = editor?.document;
  const items: ChoiceItem[] = [];
  if (doc) {
    items.push({ choice: 'currentFile', label: `$(file) ${vscode.l10n.t('Current file')}`, description: displayPath(doc.uri, doc) });
    const sel = selectionContext(editor);
    if (sel) items.push({ choice: 'selection', label: `$(selection) ${vscode.l10n.t('Selection')}`, description: `${sel.context.fileName}:${sel.context.startLine}-${sel.context.endLine}` });
    const problems = vscode.languages.getDiagnostics(doc.uri).length;
    if (problems > 0) items.push({ choice: 'problems', label: `$(warning) ${vscode.l10n.t('Problems in the current file')}`, description: vscode.l10n.t('{0} problem(s)', problems) });
  }
  items.push(
    { choice: 'openEditors', label: `$(files) ${vscode.l10n.t('Open editors…')}` },
    { choice: 'workspaceFile', label: `$(search) ${vscode.l10n.t('Workspace file…')}` },
    { choice: 'image', label: `$(file-media) ${vscode.l10n.t('Image…')}`, description: 'PNG, JPEG, GIF, WebP' },
  );
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Add context'), placeHolder: vscode.l10n.t('What should GMI see with your question?') });
  switch (picked?.choice) {
    case 'currentFile':
      return doc ? collect([await fromDocument(doc)]) : NONE;
    case 'selection': {
      const sel = selectionContext(editor);
      if (!sel) return NONE;
      const c = sel.context;
      const name = `${path.basename(c.fileName)}:${c.startLine}-${c.endLine}`;
      return collect([{ kind: 'selection', id: newMessageId(), name, path: c.fileName, languageId: c.languageId, text: c.text, lines: { start: c.startLine, end: c.endLine } }]);
    }
    case 'problems':
      return doc ? collect([problemsOf(doc)]) : NONE;
    case 'openEditors':
      return collect(await Promise.all((await pickOpenEditors()).map(fromUri)));
    case 'workspaceFile': {
      const uri = await searchWorkspaceFile();
      return uri ? collect([await fromUri(uri)]) : NONE;
    }
    case 'image':
      return collect(await Promise.all((await pickImages()).map(imageFromUri)));
    default:
      return NONE;
  }
}

function collect(results: Array<Attachment | string>): PickResult {
  return {
    attachments: results.filter((r): r is Attachment => typeof r !== 'string'),
    refusals: results.filter((r): r is string => typeof r === 'string'),
  };
}

function displayPath(uri: vscode.Uri, doc?: vscode.TextDocument): string {
  return doc?.isUntitled ? uri.path : vscode.workspace.asRelativePath(uri, false);
}

/** An open document as it is in the editor (unsaved changes included). */
async function fromDocument(doc: vscode.TextDocument): Promise<Attachment | string> {
  const text = doc.getText();
  const name = path.basename(doc.uri.path) || doc.uri.path;
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_TEXT_ATTACHMENT_BYTES) return textRefusalMessage(name, { reason: 'tooLarge', bytes });
  return { kind: 'file', id: newMessageId(), name, path: displayPath(doc.uri, doc), languageId: doc.languageId, text };
}

/** A file: its open document if there is one; else its bytes, checked (size first) before reading as text. */
async function fromUri(uri: vscode.Uri): Promise<Attachment | string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return fromDocument(open);
  const name = path.basename(uri.path);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_TEXT_ATTACHMENT_BYTES) return textRefusalMessage(name, { reason: 'tooLarge', bytes: stat.size });
    const bytes = await vscode.workspace.fs.readFile(uri);
    // An image picked as a workspace file is attached as an image.
    if (checkImageBytes(bytes).ok) return imageFromBytes(name, bytes);
    const refusal = textRefusal(bytes);
    if (refusal) return textRefusalMessage(name, refusal);
    const doc = await vscode.workspace.openTextDocument(uri);
    return { kind: 'file', id: newMessageId(), name, path: displayPath(uri), languageId: doc.languageId, text: doc.getText() };
  } catch (err) {
    return vscode.l10n.t('{0} could not be read ({1}), so it was not attached.', name, err instanceof Error ? err.message : String(err));
  }
}

const SEVERITY = ['error', 'warning', 'info', 'hint'];

/** The file's Problems, one line each: "12:5 error: message (source code)". */
function problemsOf(doc: vscode.TextDocument): TextAttachment {
  const lines = vscode.languages.getDiagnostics(doc.uri).map((d) => {
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    const source = [d.source, code].filter((x) => x !== undefined && x !== '').join(' ');
    return `${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity]}: ${d.message}${source ? ` (${source})` : ''}`;
  });
  const name = vscode.l10n.t('Problems in {0}', path.basename(doc.uri.path));
  return { kind: 'problems', id: newMessageId(), name, path: displayPath(doc.uri, doc), languageId: 'text', text: lines.join('\n') };
}

async function pickOpenEditors(): Promise<vscode.Uri[]> {
  const seen = new Set<string>();
  const items: Array<vscode.QuickPickItem & { uri: vscode.Uri }> = [];
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (!(tab.input instanceof vscode.TabInputText) || seen.has(tab.input.uri.toString())) continue;
      seen.add(tab.input.uri.toString());
      items.push({ label: tab.label, description: displayPath(tab.input.uri), uri: tab.input.uri });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No editors are open.'));
    return [];
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: vscode.l10n.t('Add open editors') });
  return (picked ?? []).map((i) => i.uri);
}

/** A case-insensitive glob for names containing `filter` (glob characters in it match anything). */
export function fileGlob(filter: string): string {
  const chars = [...filter.trim()].map((c) => (/[*?[\]{}!\\]/.test(c) ? '?' : /[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c));
  return chars.length ? `**/*${chars.join('')}*` : '**/*';
}

/** A quick pick whose items are findFiles results for what the user types. */
function searchWorkspaceFile(): Promise<vscode.Uri | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { uri: vscode.Uri }>();
    qp.title = vscode.l10n.t('Add a workspace file');
    qp.placeholder = vscode.l10n.t('Type part of a file name');
    qp.matchOnDescription = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let search = 0;
    // The same file keeps its item object across searches, and an unchanged list is not set again:
    // a row being clicked (or the active one) is not swapped away under the user by a late search.
    const known = new Map<string, vscode.QuickPickItem & { uri: vscode.Uri }>();
    const run = async (filter: string) => {
      const mine = ++search;
      qp.busy = true;
      const uris = await vscode.workspace.findFiles(fileGlob(filter), SEARCH_EXCLUDE, SEARCH_RESULTS);
      if (mine !== search) return; // a newer search is on its way
      const items = uris
        .map((uri) => {
          let item = known.get(uri.toString());
          if (!item) {
            const dir = path.posix.dirname(vscode.workspace.asRelativePath(uri, false));
            item = { label: path.basename(uri.path), description: dir === '.' ? '' : dir, uri };
            known.set(uri.toString(), item);
          }
          return item;
        })
        .sort((a, b) => a.label.localeCompare(b.label));
      if (items.length !== qp.items.length || items.some((item, i) => item !== qp.items[i])) qp.items = items;
      qp.busy = false;
    };
    qp.onDidChangeValue((value) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void run(value), SEARCH_DELAY_MS);
    });
    let result: vscode.Uri | undefined;
    qp.onDidAccept(() => {
      result = (qp.selectedItems[0] ?? qp.activeItems[0])?.uri;
      qp.hide();
    });
    qp.onDidHide(() => {
      if (timer) clearTimeout(timer);
      qp.dispose();
      resolve(result);
    });
    qp.show();
    void run('');
  });
}

async function pickImages(): Promise<vscode.Uri[]> {
  return (await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: vscode.l10n.t('Attach'),
    title: vscode.l10n.t('Attach images'),
    filters: { [vscode.l10n.t('Images')]: IMAGE_EXTENSIONS },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  })) ?? [];
}

async function imageFromUri(uri: vscode.Uri): Promise<Attachment | string> {
  const name = path.basename(uri.path);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_IMAGE_BYTES) return imageRefusalMessage(name, { ok: false, reason: 'tooLarge', bytes: stat.size });
    return imageFromBytes(name, await vscode.workspace.fs.readFile(uri));
  } catch (err) {
    return vscode.l10n.t('{0} could not be read ({1}), so it was not attached.', name, err instanceof Error ? err.message : String(err));
  }
}

function imageFromBytes(name: string, bytes: Uint8Array): Attachment | string {
  const check = checkImageBytes(bytes);
  if (!check.ok) return imageRefusalMessage(name, check);
  return { kind: 'image', id: newMessageId(), name, mediaType: check.mediaType, data: Buffer.from(bytes).toString('base64') };
}

export function textRefusalMessage(name: string, refusal: TextRefusal): string {
  return refusal.reason === 'binary'
    ? vscode.l10n.t('{0} is a binary file, so it was not attached. Only text files and PNG, JPEG, GIF or WebP images can be attached.', name)
    : vscode.l10n.t('{0} is {1}; files over {2} are not attached. Select the part you need and attach the selection.', name, formatBytes(refusal.bytes), formatBytes(MAX_TEXT_ATTACHMENT_BYTES));
}

export function imageRefusalMessage(name: string, refusal: ImageRefusal): string {
  switch (refusal.reason) {
    case 'tooLarge':
      return vscode.l10n.t('{0} is {1}; images over 5 MB are not sent. Make it smaller and try again.', name, formatBytes(refusal.bytes ?? 0));
    case 'typeMismatch':
      return vscode.l10n.t('{0} is not the image type it says it is, so it was not attached.', name);
    case 'notImage':
      return vscode.l10n.t('{0} is not a PNG, JPEG, GIF or WebP image, so it was not attached.', name);
    default:
      return vscode.l10n.t('{0} could not be read as an image, so it was not attached.', name);
  }
}
