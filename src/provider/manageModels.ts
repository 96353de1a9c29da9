// "GMI: Manage Models" — the provider's management command (the gear next to GMI Cloud in VS Code's
// model picker): set or replace the API key, and choose which GMI models VS Code's chat lists.
// Works on VS Code 1.100 too, where it handles the key and says that VS Code's chat needs 1.104+.
import * as vscode from 'vscode';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import type { Connection } from '../connection';
import { catalogModels } from '../gmi/catalog';
import type { ModelInfo } from '../gmi/types';
import type { ModelService } from '../models/modelService';
import type { ModelChoices } from './modelChoices';
import { readableModelName } from './modelInfo';

export interface ManageModelsDeps {
  keys: ApiKeyStore;
  connection: Connection;
  models: ModelService;
  choices: ModelChoices;
  /** Whether this VS Code lets extensions add models to its chat (1.104+). */
  providerAvailable: boolean;
}

const title = () => vscode.l10n.t('GMI: Manage Models');

export async function manageModels(deps: ManageModelsDeps): Promise<void> {
  const { keys } = deps;
  if (!(await keys.hasKey())) {
    const key = await keys.prompt(vscode.l10n.t("Paste your GMI Cloud API key to use GMI models. It is kept in VS Code's Secret Storage, never in settings."));
    if (!key) return;
    if (!deps.providerAvailable) return noteNeeds104(keys, true);
    return chooseModels(deps);
  }
  if (!deps.providerAvailable) return noteNeeds104(keys, false);

  const choose = { label: `$(list-selection) ${vscode.l10n.t('Choose Models…')}`, detail: vscode.l10n.t('Which GMI models VS Code’s chat lists in its model picker'), id: 'choose' as const };
  const replace = { label: `$(key) ${vscode.l10n.t('Replace API Key…')}`, detail: vscode.l10n.t('Stored in VS Code’s Secret Storage'), id: 'key' as const };
  const picked = await vscode.window.showQuickPick([choose, replace], { title: title(), placeHolder: vscode.l10n.t('GMI Cloud in VS Code’s chat') });
  if (picked?.id === 'choose') return chooseModels(deps);
  if (picked?.id === 'key') {
    const key = await keys.prompt();
    if (key) void vscode.window.showInformationMessage(vscode.l10n.t('GMI API key replaced. VS Code’s chat uses it from the next request.'));
  }
}

async function noteNeeds104(keys: ApiKeyStore, justSaved: boolean): Promise<void> {
  const replace = vscode.l10n.t('Replace API Key…');
  const needs = vscode.l10n.t('GMI models appear in VS Code’s own chat from VS Code 1.104 on (this is {0}); here, use the GMI chat in the sidebar.', vscode.version);
  const text = justSaved ? `${vscode.l10n.t('GMI API key saved in Secret Storage.')} ${needs}` : needs;
  const pick = await vscode.window.showInformationMessage(text, ...(justSaved ? [] : [replace]));
  if (pick === replace) await keys.prompt();
}

/** A multi-select of the live model list (the catalog when it is unavailable); unticked models are hidden. */
async function chooseModels(deps: ManageModelsDeps): Promise<void> {
  const conn = await deps.connection.connect(true);
  const live = 'blocked' in conn ? undefined : await deps.models.fetchLive(true);
  const list: ModelInfo[] = live ?? catalogModels();
  const hidden = deps.choices.hidden();
  const items = list.map((m) => ({
    label: readableModelName(m.id),
    description: m.id,
    id: m.id,
    picked: !hidden.has(m.id),
  }));
  const chosen = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('{0}: models in VS Code’s chat', title()),
    placeHolder: live ? vscode.l10n.t('Tick the models to list in the model picker') : vscode.l10n.t('Live model list unavailable: showing the built-in catalog'),
    canPickMany: true,
    matchOnDescription: true,
  });
  if (!chosen) return;
  await deps.choices.setShown(
    list.map((m) => m.id),
    chosen.map((c) => c.id),
  );
  const message =
    chosen.length === 0
      ? vscode.l10n.t('No GMI model is listed in VS Code’s chat now. Run “GMI: Manage Models” to list some again.')
      : vscode.l10n.t('{0} of {1} GMI models are listed in VS Code’s chat.', chosen.length, list.length);
  void (chosen.length === 0 ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
}
