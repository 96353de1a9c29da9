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

const TITLE = 'GMI: Manage Models';

export async function manageModels(deps: ManageModelsDeps): Promise<void> {
  const { keys } = deps;
  if (!(await keys.hasKey())) {
    const key = await keys.prompt('Paste your GMI Cloud API key to use GMI models. It is kept in VS Code\'s Secret Storage, never in settings.');
    if (!key) return;
    if (!deps.providerAvailable) return noteNeeds104(keys, true);
    return chooseModels(deps);
  }
  if (!deps.providerAvailable) return noteNeeds104(keys, false);

  const choose = { label: '$(list-selection) Choose Models…', detail: 'Which GMI models VS Code’s chat lists in its model picker', id: 'choose' as const };
  const replace = { label: '$(key) Replace API Key…', detail: 'Stored in VS Code’s Secret Storage', id: 'key' as const };
  const picked = await vscode.window.showQuickPick([choose, replace], { title: TITLE, placeHolder: 'GMI Cloud in VS Code’s chat' });
  if (picked?.id === 'choose') return chooseModels(deps);
  if (picked?.id === 'key') {
    const key = await keys.prompt();
    if (key) void vscode.window.showInformationMessage('GMI API key replaced. VS Code’s chat uses it from the next request.');
  }
}

async function noteNeeds104(keys: ApiKeyStore, justSaved: boolean): Promise<void> {
  const replace = 'Replace API Key…';
  const text =
    `${justSaved ? 'GMI API key saved in Secret Storage. ' : ''}GMI models appear in VS Code’s own chat from VS Code 1.104 on ` +
    `(this is ${vscode.version}); here, use the GMI chat in the sidebar.`;
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
    title: `${TITLE}: models in VS Code’s chat`,
    placeHolder: live ? 'Tick the models to list in the model picker' : 'Live model list unavailable: showing the built-in catalog',
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
      ? 'No GMI model is listed in VS Code’s chat now. Run “GMI: Manage Models” to list some again.'
      : `${chosen.length} of ${list.length} GMI models are listed in VS Code’s chat.`;
  void (chosen.length === 0 ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
}
