// The few file operations the history needs, behind an interface so tests can inject failures
// (a write that dies half way, a disk that refuses renames). No `vscode` import: plain Node.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';

export interface HistoryFileSystem {
  /** Rejects with code ENOENT when the file does not exist. */
  readFile(path: string): Promise<string>;
  /** Writes (creating or truncating) and syncs the data to disk before resolving. */
  writeFile(path: string, data: string): Promise<void>;
  /** Appends (creating the file when missing) and syncs the data to disk before resolving. */
  appendFile(path: string, data: string): Promise<void>;
  /** Replaces `to` atomically when it exists. */
  rename(from: string, to: string): Promise<void>;
  /** Resolves when the file is gone, also when it never existed. */
  remove(path: string): Promise<void>;
  /** Creates the folder and its parents; resolves when it already exists. */
  mkdir(path: string): Promise<void>;
  /** File names in the folder (not paths); empty when the folder does not exist. */
  readdir(path: string): Promise<string[]>;
}

export const nodeFileSystem: HistoryFileSystem = {
  readFile: (path) => fsp.readFile(path, 'utf8'),
  async writeFile(path, data) {
    const handle = await fsp.open(path, 'w');
    try {
      await handle.writeFile(data, 'utf8');
      // Without it a power cut can leave the renamed file empty on some file systems.
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },
  async appendFile(path, data) {
    const handle = await fsp.open(path, 'a');
    try {
      await handle.writeFile(data, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  remove: (path) => fsp.rm(path, { force: true }),
  mkdir: async (path) => void (await fsp.mkdir(path, { recursive: true })),
  async readdir(path) {
    try {
      return await fsp.readdir(path);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  },
};

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/** Temporary files end with this; one left behind by a crash is removed when the history opens. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Writes `data` to `path` so that `path` holds either the previous version or the new one, never
 * a part: the data goes to a temporary file next to it, which is then renamed over it.
 */
export async function writeAtomically(fs: HistoryFileSystem, path: string, data: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  try {
    await fs.writeFile(temp, data);
    await fs.rename(temp, path);
  } catch (err) {
    await fs.remove(temp).catch(() => undefined);
    throw err;
  }
}
