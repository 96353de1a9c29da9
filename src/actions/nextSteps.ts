// The one table of "what the user can do next" after a failure: the sidebar's buttons (label, icon),
// the host's command for each, and the sentence VS Code's chat shows (a provider error can only carry
// text). No `vscode` import: the webview bundle (icons only; its words come from the host's table) and
// the plain-Node tests use it too; the words go through src/l10n.ts.
import type { GmiErrorInfo } from '../gmi/types';
import * as l10n from '../l10n';
import type { Codicon } from '../protocol/codicons';

/** Every next step, by id: what an error message stores and its buttons name (the protocol has its own list). */
export const NEXT_STEP_IDS = ['setApiKey', 'selectModel', 'retry', 'openSettings', 'openLog', 'dropOldestTurns'] as const;
export type NextStepId = (typeof NEXT_STEP_IDS)[number];

export interface NextStep {
  /** Button text in the sidebar. */
  label: string;
  /** Codicon name of the button (the chat view ships only the codicons it names). */
  icon: Codicon;
  /** The command that performs it (undefined: the surface handles it, e.g. Retry). */
  command?: string;
  args?: readonly unknown[];
  /** The same step as words, for places without buttons (errors in VS Code's chat). */
  sentence: string;
  /** The command's title in the Command Palette, when the sentence names one. */
  title?: string;
}

// Words are getters: l10n.t must run after activation has set the translator, not at import.
export const NEXT_STEPS: Readonly<Record<NextStepId, NextStep>> = {
  setApiKey: {
    get label() { return l10n.t('Set API Key'); },
    icon: 'key',
    command: 'gmi.setApiKey',
    get title() { return l10n.t('GMI: Set API Key'); },
    get sentence() { return l10n.t('run “{0}”', l10n.t('GMI: Set API Key')); },
  },
  selectModel: {
    get label() { return l10n.t('Select Model'); },
    icon: 'hubot',
    command: 'gmi.selectModel',
    get title() { return l10n.t('GMI: Select Model'); },
    get sentence() { return l10n.t('choose another model (“{0}”, or the model picker in VS Code’s chat)', l10n.t('GMI: Select Model')); },
  },
  retry: { get label() { return l10n.t('Retry'); }, icon: 'refresh', get sentence() { return l10n.t('try again'); } },
  openSettings: {
    get label() { return l10n.t('Open Settings'); },
    icon: 'gear',
    command: 'workbench.action.openSettings',
    args: ['@ext:gmi-cloud.gmi-vscode'],
    get sentence() { return l10n.t('check the GMI settings (Preferences: Open Settings, search “gmi”)'); },
  },
  openLog: {
    get label() { return l10n.t('Show Log'); },
    icon: 'output',
    command: 'gmi.showLog',
    get title() { return l10n.t('GMI: Show Log'); },
    get sentence() { return l10n.t('see “{0}” for details', l10n.t('GMI: Show Log')); },
  },
  // the sidebar resends with the history cut to fit (ChatService.retry); VS Code's chat keeps its own history
  dropOldestTurns: {
    get label() { return l10n.t('Drop oldest turns and retry'); },
    icon: 'fold-up',
    get sentence() { return l10n.t('start a new chat, or leave out earlier turns'); },
  },
};

/** The next steps offered for a failed request: its own action first, then Retry, then the log. */
export function failureActions(failure: Pick<GmiErrorInfo, 'kind' | 'action'>): NextStepId[] {
  const actions: NextStepId[] = [];
  if (failure.action && failure.action !== 'retry') actions.push(failure.action);
  // the same request again would overflow again
  if (failure.kind !== 'contextOverflow') actions.push('retry');
  // A bad key or an unknown model is not explained better by the log.
  if (failure.kind !== 'auth' && failure.kind !== 'modelNotFound') actions.push('openLog');
  return actions;
}

/**
 * "Next: run “GMI: Set API Key”, or try again." — the actions as one sentence. Steps whose command
 * `alreadySaid` names (the client's messages often end in one) are not repeated.
 */
export function nextStepsSentence(actions: readonly NextStepId[], alreadySaid = ''): string {
  const said = alreadySaid.toLowerCase();
  const parts = [...new Set(actions)]
    .filter((a) => !NEXT_STEPS[a].title || !said.includes(NEXT_STEPS[a].title!.toLowerCase()))
    .map((a) => NEXT_STEPS[a].sentence);
  if (parts.length === 0) return '';
  const list = parts.length === 1 ? parts[0] : l10n.t('{0}, or {1}', parts.slice(0, -1).join(', '), parts[parts.length - 1]);
  return l10n.t('Next: {0}.', list);
}
