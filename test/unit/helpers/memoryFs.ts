// An in-memory HistoryFileSystem for the history tests: records every operation and can fail one
// the way a disk does (a write that stops half way, a rename refused).
import { dirname } from 'node:path';
import type { HistoryFileSystem } from '../../../src/history/fileSystem';

export type FsOp = 'readFile' | 'writeFile' | 'appendFile' | 'rename' | 'remove' | 'mkdir' | 'readdir';

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: 'ENOENT' });
}

export class MemoryFs implements HistoryFileSystem {
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>(['/']);
  readonly ops: { op: FsOp; path: string }[] = [];
  /** Returns an error to fail this operation with; a failed writeFile leaves the first half of the data. */
  failWhen: ((op: FsOp, path: string) => Error | undefined) | undefined;

  async readFile(path: string): Promise<string> {
    this.record('readFile', path);
    const data = this.files.get(path);
    if (data === undefined) throw notFound(path);
    return data;
  }

  async writeFile(path: string, data: string): Promise<void> {
    this.ops.push({ op: 'writeFile', path });
    if (!this.dirs.has(dirname(path))) throw notFound(dirname(path));
    const err = this.failWhen?.('writeFile', path);
    if (err) {
      this.files.set(path, data.slice(0, Math.floor(data.length / 2)));
      throw err;
    }
    this.files.set(path, data);
  }

  async appendFile(path: string, data: string): Promise<void> {
    this.ops.push({ op: 'appendFile', path });
    if (!this.dirs.has(dirname(path))) throw notFound(dirname(path));
    const before = this.files.get(path) ?? '';
    const err = this.failWhen?.('appendFile', path);
    if (err) {
      this.files.set(path, before + data.slice(0, Math.floor(data.length / 2)));
      throw err;
    }
    this.files.set(path, before + data);
  }

  async rename(from: string, to: string): Promise<void> {
    this.record('rename', from);
    const data = this.files.get(from);
    if (data === undefined) throw notFound(from);
    this.files.delete(from);
    this.files.set(to, data);
  }

  async remove(path: string): Promise<void> {
    this.record('remove', path);
    this.files.delete(path);
  }

  async mkdir(path: string): Promise<void> {
    this.record('mkdir', path);
    for (let p = path; !this.dirs.has(p); p = dirname(p)) this.dirs.add(p);
  }

  async readdir(path: string): Promise<string[]> {
    this.record('readdir', path);
    return [...this.files.keys()].filter((f) => dirname(f) === path).map((f) => f.slice(path.length + 1));
  }

  /** What a new window would find on this disk. */
  clone(): MemoryFs {
    const copy = new MemoryFs();
    for (const [k, v] of this.files) copy.files.set(k, v);
    for (const d of this.dirs) copy.dirs.add(d);
    return copy;
  }

  /** Files under `dir` (names), sorted. */
  names(dir: string): string[] {
    return [...this.files.keys()].filter((f) => dirname(f) === dir).map((f) => f.slice(dir.length + 1)).sort();
  }

  count(op: FsOp): number {
    return this.ops.filter((o) => o.op === op).length;
  }

  private record(op: FsOp, path: string): void {
    this.ops.push({ op, path });
    const err = this.failWhen?.(op, path);
    if (err) throw err;
  }
}
