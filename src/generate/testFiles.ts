import * as path from 'node:path';
import * as vscode from 'vscode';
import { chooseTestFile, importSpecifier, isTestFile, testFileGlobs } from './testFileName';

/** Folders whose files are never the project's own tests. */
const EXCLUDE = '**/{node_modules,.git,dist,out,build,target,vendor,.venv,venv,__pycache__,.vscode-test}/**';
/** Test files looked at per convention: enough to see the project's habit. */
const MAX_PER_GLOB = 200;

/** The project's test files in the code's language (in the code's workspace folder), sorted by path. */
export async function findTestFiles(doc: vscode.TextDocument): Promise<vscode.Uri[]> {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  const globs = testFileGlobs(doc.languageId);
  if (!folder || globs.length === 0) return [];
  const found = await Promise.all(globs.map((g) => vscode.workspace.findFiles(new vscode.RelativePattern(folder, g), EXCLUDE, MAX_PER_GLOB)));
  const unique = new Map<string, vscode.Uri>();
  for (const u of found.flat()) if (isTestFile(doc.languageId, u.path)) unique.set(u.toString(), u);
  return [...unique.values()].sort((a, b) => a.path.localeCompare(b.path));
}

export interface ProposedTestFile {
  /** An `untitled:` URI carrying the path the file gets when the user saves it. */
  uri: vscode.Uri;
  /** Workspace-relative path (the file name alone for code outside a folder). */
  relativePath: string;
  importSpecifier?: string;
}

/**
 * The untitled test file for `doc` (src/generate/testFileName.ts's rule); a name already taken on
 * disk or by an open editor is not used again.
 */
export async function proposedTestFile(doc: vscode.TextDocument, testFiles: readonly vscode.Uri[]): Promise<ProposedTestFile> {
  const folder = doc.isUntitled ? undefined : vscode.workspace.getWorkspaceFolder(doc.uri);
  const base = folder?.uri ?? doc.uri.with({ path: path.posix.dirname(doc.uri.path) });
  const source = folder ? path.posix.relative(folder.uri.path, doc.uri.path) : path.posix.basename(doc.uri.path);
  const relative = testFiles.map((u) => path.posix.relative(base.path, u.path));
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.path));
  const onDisk = new Set<string>();
  for (let attempt = 0; ; attempt++) {
    const choice = chooseTestFile(source, doc.languageId, relative, (p) => onDisk.has(p) || open.has(path.posix.join(base.path, p)));
    const target = vscode.Uri.joinPath(base, choice.path);
    if (attempt < 20 && !doc.isUntitled && (await exists(target))) {
      onDisk.add(choice.path);
      continue;
    }
    const uri = doc.isUntitled ? vscode.Uri.from({ scheme: 'untitled', path: choice.path }) : target.with({ scheme: 'untitled' });
    return { uri, relativePath: choice.path, importSpecifier: doc.isUntitled ? undefined : importSpecifier(choice.path, source, doc.languageId) };
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
