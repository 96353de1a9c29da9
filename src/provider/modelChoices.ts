// Which GMI models VS Code's chat lists: the user hides models with "GMI: Manage Models". Kept in
// global state as the hidden ids, so models GMI adds later show up. No `vscode` import.

const HIDDEN_KEY = 'gmi.chatModels.hidden';

export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export class ModelChoices {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly state: MementoLike) {}

  hidden(): ReadonlySet<string> {
    const v = this.state.get<unknown>(HIDDEN_KEY);
    return new Set(Array.isArray(v) ? v.filter((id): id is string => typeof id === 'string') : []);
  }

  isShown(id: string): boolean {
    return !this.hidden().has(id);
  }

  /** Shows exactly `shown` among `all`; other hidden ids (models not listed now) stay hidden. */
  async setShown(all: readonly string[], shown: readonly string[]): Promise<void> {
    const keep = new Set(shown);
    const listed = new Set(all);
    const hidden = [...[...this.hidden()].filter((id) => !listed.has(id)), ...all.filter((id) => !keep.has(id))].sort();
    const before = [...this.hidden()].sort();
    if (JSON.stringify(before) === JSON.stringify(hidden)) return;
    await this.state.update(HIDDEN_KEY, hidden.length ? hidden : undefined);
    for (const l of this.listeners) l();
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
