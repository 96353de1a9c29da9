import * as path from 'node:path';
import * as vscode from 'vscode';
import { failureActions, NEXT_STEPS } from '../actions/nextSteps';
import type { StreamingClient } from '../chat/chatService';
import { contextBudget } from '../chat/context';
import { readSettings } from '../config/settings';
import type { Connection } from '../connection';
import { loadGmi } from '../lazy';
import type { Log } from '../log';
import type { ModelService } from '../models/modelService';
import type { ErrorActionId } from '../protocol/messages';
import { buildCommitPrompt, cleanCommitMessage, COMMIT_SYSTEM_PROMPT, fitDiff } from './commitPrompt';
import { gitApi, STATUS_UNTRACKED, type GitApi, type GitRepository } from './gitApi';

/** Set while a message is being written: the Source Control title shows Stop instead. */
export const GENERATING_CONTEXT = 'gmi.generatingCommitMessage';
/** Recent commit subjects sent for the repository's scopes and wording. */
const RECENT_COMMITS = 10;

export interface CommitMessageDeps {
  connection: Connection;
  models: ModelService;
  log: Log;
}

/**
 * "Generate Commit Message" in the Source Control view: the staged diff (or every change when
 * nothing is staged), cut to fit, goes to the model, and the message streams into the repository's
 * input box. Cancel / Stop puts back what the box held; typing in the box while it streams stops
 * it and keeps what was typed.
 */
export class CommitMessageCommand {
  private running: AbortController | undefined;

  constructor(private readonly deps: CommitMessageDeps) {}

  /** Stops the message being written (the box gets its old text back). */
  stop(): void {
    this.running?.abort();
  }

  async generate(arg?: unknown): Promise<void> {
    if (this.running) {
      this.stop();
      return;
    }
    const git = await gitApi();
    if ('unavailable' in git) {
      void vscode.window.showInformationMessage(git.unavailable);
      return;
    }
    const repo = await pickRepository(git.api, arg);
    if (!repo) return;

    const staged = repo.state.indexChanges.length > 0;
    const diff = await repo.diff(staged).catch((err: unknown) => {
      void vscode.window.showErrorMessage(vscode.l10n.t('Git could not show the changes: {0}', err instanceof Error ? err.message : String(err)));
      return undefined;
    });
    if (diff === undefined) return;
    const root = repo.rootUri.path;
    const untracked = staged ? [] : repo.state.workingTreeChanges.filter((c) => c.status === STATUS_UNTRACKED).map((c) => path.posix.relative(root, c.uri.path));
    if (!diff.trim() && untracked.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There are no changes to describe in {0}.', path.posix.basename(root)));
      return;
    }

    const settings = readSettings();
    const limits = this.deps.models.limits(settings.model);
    // The diff may use most of what the reply and system prompt leave; the rest is the request's text.
    const fitted = fitDiff(diff, Math.floor(contextBudget(limits.contextLength, limits.maxOutputTokens, COMMIT_SYSTEM_PROMPT) * 0.8));
    if (fitted.notice) void vscode.window.showWarningMessage(fitted.notice);
    const recent = await repo.log({ maxEntries: RECENT_COMMITS }).catch(() => []);
    const box = repo.inputBox;
    const before = box.value;
    const message = buildCommitPrompt({
      diff: fitted,
      staged,
      untracked,
      branch: repo.state.HEAD?.name,
      recentSubjects: recent.map((c) => c.message.split('\n')[0]).filter(Boolean),
      draft: before,
    });

    const conn = await this.deps.connection.connect(true);
    if ('blocked' in conn) {
      void showFailure(conn.message, conn.actions);
      return;
    }
    this.deps.log.info(`Commit message: ${staged ? 'staged' : 'all'} changes of ${path.posix.basename(root)} (${fitted.files} file(s)${fitted.notShown.length ? `, ${fitted.notShown.length} by name only` : ''}).`);
    const controller = new AbortController();
    this.running = controller;
    void vscode.commands.executeCommand('setContext', GENERATING_CONTEXT, true);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('GMI: Writing the commit message'), cancellable: true },
        async (_progress, token) => {
          const sub = token.onCancellationRequested(() => controller.abort());
          try {
            await this.stream(conn.client, message, box, before, controller);
          } finally {
            sub.dispose();
          }
        },
      );
    } finally {
      this.running = undefined;
      void vscode.commands.executeCommand('setContext', GENERATING_CONTEXT, false);
    }
  }

  /** Streams the reply into `box`; on failure, cancel or an empty reply the box gets `before` back. */
  private async stream(
    client: StreamingClient,
    message: string,
    box: GitRepository['inputBox'],
    before: string,
    controller: AbortController,
  ): Promise<void> {
    const settings = readSettings();
    let text = '';
    // Every value written here: the box reports each one back a moment later (an echo, which may
    // arrive after a newer write), so only a value never written here is the user's typing.
    const written = new Set([box.value]);
    let userTyped = false;
    for await (const ev of client.stream(
      {
        model: settings.model,
        api: loadGmi().resolveApi(settings.model, settings.api),
        system: COMMIT_SYSTEM_PROMPT,
        messages: [{ role: 'user', content: message }],
        maxTokens: settings.maxTokens,
        temperature: settings.temperature,
      },
      { signal: controller.signal },
    )) {
      if (ev.type === 'text') {
        if (!written.has(box.value)) {
          // The user typed in the box: their text wins, and writing stops.
          userTyped = true;
          controller.abort();
          continue;
        }
        text += ev.text;
        const shown = cleanCommitMessage(text);
        written.add(shown);
        box.value = shown;
      } else if (ev.type === 'error') {
        box.value = before;
        void showFailure(vscode.l10n.t('Commit message failed: {0}', ev.error.message), failureActions(ev.error));
        return;
      } else if (ev.type === 'end' && ev.reason === 'length') {
        void vscode.window.showWarningMessage(vscode.l10n.t('The commit message hit the maximum length (gmi.maxTokens) and may be incomplete.'));
      }
    }
    if (userTyped) return;
    if (controller.signal.aborted) {
      box.value = before;
      this.deps.log.info('Commit message stopped; the input box has its text back.');
      return;
    }
    if (cleanCommitMessage(text) === '') {
      box.value = before;
      void vscode.window.showWarningMessage(vscode.l10n.t('GMI replied with an empty commit message. Try again, or choose another model.'));
    }
  }
}

/** The repository the command is for: the Source Control view's, the only one, or the one picked. */
async function pickRepository(api: GitApi, arg: unknown): Promise<GitRepository | undefined> {
  const root = arg && typeof arg === 'object' && 'rootUri' in arg && arg.rootUri instanceof vscode.Uri ? arg.rootUri : undefined;
  if (root) {
    const found = api.repositories.find((r) => r.rootUri.toString() === root.toString()) ?? api.getRepository(root);
    if (found) return found;
  }
  const repos = api.repositories;
  if (repos.length === 0) {
    const init = vscode.l10n.t('Initialize Repository');
    const pick = await vscode.window.showInformationMessage(
      vscode.l10n.t('No Git repository is open, so there are no changes to describe. Open a folder that is under Git, or initialize one.'),
      init,
    );
    if (pick === init) await vscode.commands.executeCommand('git.init');
    return undefined;
  }
  if (repos.length === 1) return repos[0];
  const selected = repos.filter((r) => r.ui.selected);
  if (selected.length === 1) return selected[0];
  const active = vscode.window.activeTextEditor?.document.uri;
  const byEditor = active ? api.getRepository(active) : null;
  if (byEditor) return byEditor;
  const picked = await vscode.window.showQuickPick(
    repos.map((r) => ({ label: path.posix.basename(r.rootUri.path), description: r.rootUri.fsPath, repo: r })),
    { title: vscode.l10n.t('GMI: Generate Commit Message'), placeHolder: vscode.l10n.t('Which repository?') },
  );
  return picked?.repo;
}

/** An error with its next steps as buttons (the table the sidebar uses). */
async function showFailure(message: string, actions: readonly ErrorActionId[]): Promise<void> {
  const steps = actions.filter((a) => NEXT_STEPS[a].command);
  const pick = await vscode.window.showErrorMessage(message, ...steps.map((a) => NEXT_STEPS[a].label));
  const step = steps.map((a) => NEXT_STEPS[a]).find((s) => s.label === pick);
  if (step?.command) await vscode.commands.executeCommand(step.command, ...(step.args ?? []));
}
