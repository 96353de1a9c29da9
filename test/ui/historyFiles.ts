// Where the UI session's chat history is on disk: the extension keeps it under the workspace
// storage of the user data dir code-server runs with (…/gmi-cloud.gmi-vscode/history/).
import * as fs from 'node:fs';
import * as path from 'node:path';

const EXTENSION_FOLDER = 'gmi-cloud.gmi-vscode';

/** Every history folder of the extension under `userDataDir` (one per workspace, one for no-folder windows). */
export function historyDirs(userDataDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 6) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (path.basename(dir) === EXTENSION_FOLDER && /^history(-no-folder)?$/.test(e.name)) found.push(p);
      else walk(p, depth + 1);
    }
  };
  walk(userDataDir, 0);
  return found;
}

/** Every file the history holds (conversations, streaming copies, index, backups). */
export function historyFiles(userDataDir: string): string[] {
  return historyDirs(userDataDir).flatMap((dir) => {
    const folder = path.join(dir, 'conversations');
    const inFolder = fs.existsSync(folder) ? fs.readdirSync(folder).map((n) => path.join(folder, n)) : [];
    return [...fs.readdirSync(dir).map((n) => path.join(dir, n)), ...inFolder].filter((p) => fs.statSync(p).isFile());
  });
}

/** The stored conversation file whose text contains `text`, once it is on disk. */
export function conversationFileWith(userDataDir: string, text: string): string | undefined {
  return historyFiles(userDataDir).find((p) => /[\\/]conversations[\\/][A-Za-z0-9_-]+\.json$/.test(p) && fs.readFileSync(p, 'utf8').includes(text));
}
