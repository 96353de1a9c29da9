// The one table of "what the user can do next" after a failure: the sidebar's buttons (label, icon),
// the host's command for each, and the sentence VS Code's chat shows (a provider error can only carry
// text). No `vscode` import: the webview bundle and the plain-Node tests use it too.
import type { GmiErrorInfo } from '../gmi/types';
import type { ErrorActionId } from '../protocol/messages';

export interface NextStep {
  /** Button text in the sidebar. */
  label: string;
  /** Codicon name of the button. */
  icon: string;
  /** The command that performs it (undefined: the surface handles it, e.g. Retry). */
  command?: string;
  args?: readonly unknown[];
  /** The same step as words, for places without buttons (errors in VS Code's chat). */
  sentence: string;
  /** The command's title in the Command Palette, when the sentence names one. */
  title?: string;
}

export const NEXT_STEPS: Readonly<Record<ErrorActionId, NextStep>> = {
  setApiKey: { label: 'Set API Key', icon: 'key', command: 'gmi.setApiKey', title: 'GMI: Set API Key', sentence: 'run “GMI: Set API Key”' },
  selectModel: {
    label: 'Select Model',
    icon: 'hubot',
    command: 'gmi.selectModel',
    title: 'GMI: Select Model',
    sentence: 'choose another model (“GMI: Select Model”, or the model picker in VS Code’s chat)',
  },
  retry: { label: 'Retry', icon: 'refresh', sentence: 'try again' },
  openSettings: {
    label: 'Open Settings',
    icon: 'gear',
    command: 'workbench.action.openSettings',
    args: ['@ext:gmi-cloud.gmi-vscode'],
    sentence: 'check the GMI settings (Preferences: Open Settings, search “gmi”)',
  },
  openLog: { label: 'Show Log', icon: 'output', command: 'gmi.showLog', title: 'GMI: Show Log', sentence: 'see “GMI: Show Log” for details' },
  // the sidebar resends with the history cut to fit (ChatService.retry); VS Code's chat keeps its own history
  dropOldestTurns: { label: 'Drop oldest turns and retry', icon: 'fold-up', sentence: 'start a new chat, or leave out earlier turns' },
};

/** The next steps offered for a failed request: its own action first, then Retry, then the log. */
export function failureActions(failure: Pick<GmiErrorInfo, 'kind' | 'action'>): ErrorActionId[] {
  const actions: ErrorActionId[] = [];
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
export function nextStepsSentence(actions: readonly ErrorActionId[], alreadySaid = ''): string {
  const said = alreadySaid.toLowerCase();
  const parts = [...new Set(actions)]
    .filter((a) => !NEXT_STEPS[a].title || !said.includes(NEXT_STEPS[a].title!.toLowerCase()))
    .map((a) => NEXT_STEPS[a].sentence);
  if (parts.length === 0) return '';
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')}, or ${parts[parts.length - 1]}`;
  return `Next: ${list}.`;
}
