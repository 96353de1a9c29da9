import * as vscode from 'vscode';

// The part of the built-in Git extension's API (extensions/git/src/api/git.d.ts, version 1) that
// Commit Message uses. Declared here rather than copied whole: only these members are relied on.

/** git.d.ts `Status.UNTRACKED`. */
export const STATUS_UNTRACKED = 7;

export interface GitChange {
  readonly uri: vscode.Uri;
  readonly status: number;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  readonly state: {
    readonly HEAD?: { readonly name?: string };
    readonly indexChanges: readonly GitChange[];
    readonly workingTreeChanges: readonly GitChange[];
  };
  readonly ui: { readonly selected: boolean };
  /** `git diff` (`cached`: `git diff --cached`). */
  diff(cached?: boolean): Promise<string>;
  log(options?: { maxEntries?: number }): Promise<ReadonlyArray<{ readonly message: string }>>;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** How long to wait for the Git extension to finish looking for repositories. */
const INIT_TIMEOUT_MS = 10_000;

/** The Git API, or why it is not available (a sentence with the next step). */
export async function gitApi(): Promise<{ api: GitApi } | { unavailable: string }> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) {
    return {
      unavailable: vscode.l10n.t('The built-in Git extension is not available, so GMI cannot read your changes. Enable it in the Extensions view (search “@builtin git”).'),
    };
  }
  let exports: GitExtension | undefined;
  try {
    exports = ext.isActive ? ext.exports : await ext.activate();
  } catch {
    exports = undefined;
  }
  if (!exports?.enabled) {
    return { unavailable: vscode.l10n.t('Git is turned off in VS Code (the “git.enabled” setting), so GMI cannot read your changes. Turn it on and try again.') };
  }
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, INIT_TIMEOUT_MS);
      const sub = api.onDidChangeState((s) => s === 'initialized' && done());
      function done() {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }
  return { api };
}
