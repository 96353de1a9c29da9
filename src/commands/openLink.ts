import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFileRef } from '../code/fileReferences';
import type { Log } from '../log';

const ALLOWED = new Set(['http:', 'https:', 'mailto:']);

/**
 * Links in replies are opened by the host only: http(s)/mailto only, and always after the user has
 * seen the full address (a planted link can carry data in its query string).
 */
export async function openLink(href: string, log: Log): Promise<void> {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    log.warn('Refused to open a link that is not an absolute URL.');
    return;
  }
  if (!ALLOWED.has(url.protocol)) {
    log.warn(`Refused to open a ${url.protocol} link from a reply.`);
    void vscode.window.showWarningMessage(vscode.l10n.t('GMI does not open {0} links from replies.', url.protocol));
    return;
  }
  const open = vscode.l10n.t('Open Link');
  // The whole address, never cut: what a planted link carries sits at its end. (The view sends at
  // most MAX_LINK_CHARS characters.)
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('Open this link from the reply?'),
    { modal: true, detail: `${url.href}\n\n${vscode.l10n.t('Links in model replies can be planted by prompt injection. Check the address (including anything after "?") before opening.')}` },
    open,
  );
  if (pick === open) await vscode.env.openExternal(vscode.Uri.parse(url.href, true));
}

/** Most references per reply looked for beyond the folders' roots (each is a workspace search). */
const MAX_SEARCHED_REFS = 20;

/** True when `uri` is a file inside `folder` (for local files: after following symbolic links). */
async function isFileInside(uri: vscode.Uri, folder: vscode.Uri): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.File) === 0) return false;
    if (uri.scheme !== 'file') return true;
    const [real, root] = await Promise.all([fs.realpath(uri.fsPath), fs.realpath(folder.fsPath)]);
    return real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  } catch {
    return false;
  }
}

/**
 * The workspace file a reference from a reply names: the path under a workspace folder, else the
 * one file in the workspace whose path ends with it (`refactor/service.ts` for
 * `src/refactor/service.ts`). undefined for anything else: nothing outside the workspace folders
 * is ever looked at (the grammar has no absolute paths and no `..`).
 */
export async function resolveFileRef(ref: string, search = true): Promise<vscode.Uri | undefined> {
  const parsed = parseFileRef(ref);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!parsed || folders.length === 0) return undefined;
  for (const folder of folders) {
    const uri = vscode.Uri.joinPath(folder.uri, parsed.path);
    if (await isFileInside(uri, folder.uri)) return uri;
  }
  if (!search) return undefined;
  // The grammar allows only [\w@+.-] and '/', none of them special in a glob.
  const found = await vscode.workspace.findFiles(`**/${parsed.path}`, undefined, 2);
  if (found.length !== 1) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(found[0]);
  return folder && (await isFileInside(found[0], folder.uri)) ? found[0] : undefined;
}

/** The references (from one reply) that name a workspace file. */
export async function resolveFileRefs(refs: readonly string[]): Promise<string[]> {
  const unique = [...new Set(refs)];
  const found = await Promise.all(unique.map((ref, i) => resolveFileRef(ref, i < MAX_SEARCHED_REFS)));
  return unique.filter((_, i) => found[i] !== undefined);
}

/** Opens the workspace file a reply's reference names, at its line (and column) if it has one. */
export async function openFileRef(ref: string, log: Log): Promise<boolean> {
  const parsed = parseFileRef(ref);
  const uri = parsed && (await resolveFileRef(ref));
  if (!parsed || !uri) {
    log.warn('A file named in a reply is not in the workspace (any more).');
    void vscode.window.showInformationMessage(parsed ? vscode.l10n.t('{0} is not in this workspace.', parsed.path) : vscode.l10n.t('That file is not in this workspace.'));
    return false;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const line = Math.min(Math.max((parsed.line ?? 1) - 1, 0), doc.lineCount - 1);
  const character = Math.min(Math.max((parsed.column ?? 1) - 1, 0), doc.lineAt(line).text.length);
  const at = new vscode.Position(line, character);
  const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), preview: true });
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}
