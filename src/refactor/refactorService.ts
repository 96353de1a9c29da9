import * as vscode from 'vscode';
import { NEXT_STEPS } from '../actions/nextSteps';
import type { Connection } from '../connection';
import { readSettings } from '../config/settings';
import { contextBudget, cutText, estimateTokens } from '../chat/context';
import { selectionContext } from '../editor/selectionContext';
import { loadCodeBlocks, loadGmi } from '../lazy';
import type { Log } from '../log';
import type { ModelService } from '../models/modelService';
import { buildRefactorMessage, DEFAULT_REFACTOR_INSTRUCTION, REFACTOR_SYSTEM_PROMPT } from './refactorPrompt';
import { fitReplacement } from './replacement';
import { TrackedRanges, type TrackedRange } from './trackedRanges';

const SCHEME = 'gmi-proposal';

/** One request to the model for code: what is sent, and how the command is named to the user. */
export interface CodeTask {
  system: string;
  /** The user message. */
  message: string;
  /** Title of the progress notification, e.g. "GMI: Refactoring". */
  progressTitle: string;
  /** What failed, for "<name> failed: …", e.g. "Refactor". */
  name: string;
  /** The command to run again after a refusal, e.g. "Refactor Selection". */
  command: string;
  /** What the range holds, for "the <subject> changed while GMI was writing", e.g. "selected code". */
  subject: string;
}

interface Proposal {
  /** The replaced range, followed through edits since the command started (Apply refuses when stale). */
  range: TrackedRange;
  replacement: string;
  leftUri: vscode.Uri;
  rightUri: vscode.Uri;
  /** The command to run again when Apply refuses. */
  command: string;
}

/** Refactor Selection's words (a function: read when the command runs). */
const refactorTask = () => ({
  progressTitle: vscode.l10n.t('GMI: Refactoring'),
  name: vscode.l10n.t('Refactor'),
  command: vscode.l10n.t('Refactor Selection'),
  subject: vscode.l10n.t('selected code'),
});

const notApplied = (command: string) =>
  vscode.l10n.t('Not applied: the original code changed after GMI made this proposal, so applying it could overwrite your edits. Run {0} again.', command);
const changedWhileWriting = (task: Pick<CodeTask, 'subject' | 'command'>) =>
  vscode.l10n.t('Not applied: the {0} changed while GMI was writing the proposal, so applying it could overwrite your edits. Run {1} again.', task.subject, task.command);

/**
 * Refactor Selection and "Apply to selection": a proposal is shown in VS Code's diff editor; Apply
 * replaces exactly the original range as one undoable edit, and refuses if that text changed.
 */
export class RefactorService implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private proposal: Proposal | undefined;
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly ranges = new TrackedRanges();
  private readonly applied = new vscode.EventEmitter<void>();
  /** Fires after a proposal was applied (the walkthrough's "refactor applied" step). */
  readonly onDidApply = this.applied.event;
  private readonly disposables: vscode.Disposable[];
  private seq = 0;

  constructor(
    private readonly connection: Connection,
    private readonly models: ModelService,
    private readonly log: Log,
  ) {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, this),
      this.ranges,
      this.changed,
      this.applied,
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  get pending(): boolean {
    return this.proposal !== undefined;
  }

  /** GMI: Refactor Selection. */
  async refactorSelection(editor = vscode.window.activeTextEditor): Promise<void> {
    const sel = selectionContext(editor);
    if (!editor || !sel) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select the code to refactor first.'));
      return;
    }
    // Followed from now on: the user may keep typing while the instruction box is open and while
    // the reply streams; edits above move the range, an edit inside it makes the proposal stale.
    const doc = editor.document;
    const tracked = this.ranges.track(doc, sel.range);
    const linePrefix = doc.lineAt(sel.range.start.line).text.slice(0, sel.range.start.character);
    try {
      const instruction = await vscode.window.showInputBox({
        title: vscode.l10n.t('GMI: Refactor Selection'),
        prompt: vscode.l10n.t('How should the selected code change?'),
        value: DEFAULT_REFACTOR_INSTRUCTION,
        valueSelection: [0, DEFAULT_REFACTOR_INSTRUCTION.length],
        ignoreFocusOut: true,
      });
      if (instruction === undefined) return;
      if (!this.ranges.current(tracked)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('The selected code changed before the refactor started. Select it again and run Refactor Selection.'));
        return;
      }

      const settings = readSettings();
      const limits = this.models.limits(settings.model);
      // The selection may use about half the context; the rest is the instruction and the reply.
      const budget = Math.floor(contextBudget(limits.contextLength, limits.maxOutputTokens, REFACTOR_SYSTEM_PROMPT) * 0.5);
      const cut = cutText(sel.context.text, budget);
      if (cut.cut) {
        this.ranges.narrow(tracked, cut.text.length);
        if (cut.notice) void vscode.window.showWarningMessage(`${cut.notice} ${vscode.l10n.t('Only that part will be refactored.')}`);
      }
      const message = buildRefactorMessage({ ...sel.context, text: cut.text, linePrefix }, instruction.trim() || DEFAULT_REFACTOR_INSTRUCTION);
      await this.proposeFromModel(tracked, { ...refactorTask(), system: REFACTOR_SYSTEM_PROMPT, message }, estimateTokens(cut.text));
    } finally {
      // A proposal keeps its range; otherwise it is no longer followed.
      if (this.proposal?.range !== tracked) this.ranges.release(tracked);
    }
  }

  /**
   * Asks the model for a replacement of `range` and opens it in the diff preview (Apply / Discard),
   * exactly as Refactor Selection does: the range is followed from this call on, so edits made while
   * the reply streams move it or make the proposal refuse. Fix with GMI and Document use this; the
   * caller has already cut the range to fit the model's context and built `task.message` from it.
   */
  async proposeEdit(doc: vscode.TextDocument, range: vscode.Range, task: CodeTask): Promise<void> {
    const tracked = this.ranges.track(doc, range);
    try {
      await this.proposeFromModel(tracked, task, estimateTokens(task.message));
    } finally {
      if (this.proposal?.range !== tracked) this.ranges.release(tracked);
    }
  }

  /** The shared path: stream the reply, take its result block, check the range, open the diff. */
  private async proposeFromModel(tracked: TrackedRange, task: CodeTask, inputTokens: number): Promise<void> {
    const reply = await this.streamReply(task, inputTokens);
    if (reply === undefined) return;
    const code = loadCodeBlocks().pickRefactorCode(reply);
    if (code === undefined) {
      await this.offerReply(vscode.l10n.t('GMI replied without code, so nothing was changed: {0}', summary(reply)), reply, 'info');
      return;
    }
    const now = this.ranges.current(tracked);
    if (!now) {
      this.log.info(`${task.name} not proposed: the code was edited while the reply streamed.`);
      await this.offerReply(changedWhileWriting(task), reply, 'error');
      return;
    }
    await this.propose(now.doc, now.range, code, tracked, task.command);
  }

  /** A message with "Open Reply", which shows the whole reply (nothing received is lost). */
  private async offerReply(message: string, reply: string, severity: 'info' | 'error'): Promise<void> {
    const open = vscode.l10n.t('Open Reply');
    const pick = severity === 'info' ? await vscode.window.showInformationMessage(message, open) : await vscode.window.showErrorMessage(message, open);
    if (pick === open) {
      const d = await vscode.workspace.openTextDocument({ content: reply, language: 'markdown' });
      await vscode.window.showTextDocument(d, { preview: true });
    }
  }

  /**
   * Streams a reply with a cancellable progress notification (lines received so far); undefined on
   * failure (the user was told, with the next step) or cancel. Write Tests uses it directly.
   */
  async streamReply(task: Omit<CodeTask, 'command' | 'subject'>, inputTokens: number): Promise<string | undefined> {
    const conn = await this.connection.connect(true);
    if ('blocked' in conn) {
      void this.showBlocked(conn.message, conn.actions);
      return undefined;
    }
    const settings = readSettings();
    const api = loadGmi().resolveApi(settings.model, settings.api);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: task.progressTitle, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let text = '';
        let lastReport = 0;
        progress.report({ message: vscode.l10n.t('sending ~{0} tokens…', inputTokens.toLocaleString()) });
        try {
          for await (const ev of conn.client.stream(
            {
              model: settings.model,
              api,
              system: task.system,
              messages: [{ role: 'user', content: task.message }],
              maxTokens: settings.maxTokens,
              temperature: settings.temperature,
            },
            { signal: controller.signal },
          )) {
            if (ev.type === 'text') {
              text += ev.text;
              const lines = countLines(text);
              if (lines !== lastReport) {
                lastReport = lines;
                progress.report({ message: lines === 1 ? vscode.l10n.t('1 line received') : vscode.l10n.t('{0} lines received', lines) });
              }
            } else if (ev.type === 'error') {
              void this.showBlocked(vscode.l10n.t('{0} failed: {1}', task.name, ev.error.message), ev.error.action ? [ev.error.action] : []);
              return undefined;
            } else if (ev.type === 'end' && ev.reason === 'cancelled') {
              return undefined;
            } else if (ev.type === 'end' && ev.reason === 'length') {
              void vscode.window.showWarningMessage(vscode.l10n.t('The {0} reply hit the maximum length (gmi.maxTokens) and may be incomplete: check it carefully.', task.name.toLowerCase()));
            }
          }
          return text;
        } finally {
          sub.dispose();
        }
      },
    );
  }

  private async showBlocked(message: string, actions: string[]): Promise<void> {
    const labels: Record<string, string> = { setApiKey: NEXT_STEPS.setApiKey.label, selectModel: NEXT_STEPS.selectModel.label, openSettings: NEXT_STEPS.openSettings.label };
    const buttons = actions.filter((a) => labels[a]).map((a) => labels[a]);
    const pick = await vscode.window.showErrorMessage(message, ...buttons);
    const action = Object.keys(labels).find((k) => labels[k] === pick);
    if (action === 'setApiKey') await vscode.commands.executeCommand('gmi.setApiKey');
    if (action === 'selectModel') await vscode.commands.executeCommand('gmi.selectModel');
    if (action === 'openSettings') await vscode.commands.executeCommand('workbench.action.openSettings', 'gmi.');
  }

  /**
   * Shows original vs proposed in the diff editor and offers Apply / Discard. `tracked` is the range
   * as followed since Refactor started; without it (Apply from the chat) it is followed from now.
   */
  async propose(doc: vscode.TextDocument, range: vscode.Range, code: string, tracked?: TrackedRange, command = vscode.l10n.t('Refactor Selection')): Promise<void> {
    await this.clear();
    const taken = tracked ?? this.ranges.track(doc, range);
    const replacement = fitReplacement(code, {
      text: doc.getText(range),
      linePrefix: doc.lineAt(range.start.line).text.slice(0, range.start.character),
      eol: doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
    });
    const start = doc.offsetAt(range.start);
    const end = doc.offsetAt(range.end);
    const full = doc.getText();
    const id = ++this.seq;
    const name = doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1) || vscode.l10n.t('selection');
    const leftUri = vscode.Uri.from({ scheme: SCHEME, path: `/${id}/original/${name}` });
    const rightUri = vscode.Uri.from({ scheme: SCHEME, path: `/${id}/proposed/${name}` });
    this.contents.set(leftUri.toString(), full);
    this.contents.set(rightUri.toString(), full.slice(0, start) + replacement + full.slice(end));
    this.proposal = { range: taken, replacement, leftUri, rightUri, command };
    await vscode.commands.executeCommand('setContext', 'gmi.refactorPending', true);
    await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, vscode.l10n.t('{0}: Original ↔ GMI Proposal', name), {
      preview: true,
      viewColumn: vscode.ViewColumn.Active,
    });
    this.log.info(`Refactor proposal for ${vscode.workspace.asRelativePath(doc.uri)} lines ${range.start.line + 1}-${range.end.line + 1}.`);
    const apply = vscode.l10n.t('Apply');
    const discard = vscode.l10n.t('Discard');
    const pick = await vscode.window.showInformationMessage(vscode.l10n.t('GMI: Apply the proposed change?'), apply, discard);
    // The user may already have applied/discarded through the diff editor's title buttons.
    if (this.proposal?.leftUri.toString() !== leftUri.toString()) return;
    if (pick === apply) await this.apply();
    else if (pick === discard) await this.discard();
  }

  /** Applies the pending proposal as one undoable edit; refuses if the original text changed. */
  async apply(): Promise<boolean> {
    const p = this.proposal;
    if (!p) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no GMI proposal to apply.'));
      return false;
    }
    const target = this.ranges.current(p.range);
    if (!target) {
      void vscode.window.showErrorMessage(notApplied(p.command));
      await this.clear();
      return false;
    }
    const { doc, range } = target;
    const start = doc.offsetAt(range.start);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, range, p.replacement);
    const ok = await vscode.workspace.applyEdit(edit);
    await this.clear();
    if (!ok) {
      void vscode.window.showErrorMessage(vscode.l10n.t('VS Code could not apply the change (is the file read-only?).'));
      return false;
    }
    const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false });
    // The replacement has the document's line breaks, so its length is exactly what it spans now.
    editor.selection = new vscode.Selection(doc.positionAt(start), doc.positionAt(start + p.replacement.length));
    this.log.info('Refactor applied.');
    this.applied.fire();
    return true;
  }

  async discard(): Promise<void> {
    if (this.proposal) this.log.info('Refactor discarded.');
    await this.clear();
  }

  private async clear(): Promise<void> {
    const p = this.proposal;
    this.proposal = undefined;
    void vscode.commands.executeCommand('setContext', 'gmi.refactorPending', false);
    if (!p) return;
    this.ranges.release(p.range);
    // Close the diff tab we opened, if it is still open.
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input;
        if (input instanceof vscode.TabInputTextDiff && input.modified.toString() === p.rightUri.toString()) {
          await vscode.window.tabGroups.close(tab, true);
        }
      }
    }
    this.contents.delete(p.leftUri.toString());
    this.contents.delete(p.rightUri.toString());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function summary(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty reply)';
}
