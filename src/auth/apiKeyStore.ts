import * as vscode from 'vscode';
import type { Log } from '../log';

const SECRET_KEY = 'gmi.apiKey';
export const ENV_KEY_NAME = 'GMI_API_KEY';

/**
 * The API key lives only in SecretStorage. This class is the one place that reads or writes it;
 * everything else asks for it per request and never stores it.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<boolean>();
  /** Fires with whether a key is now stored. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private cachedHasKey: boolean | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    // Another window may set or clear the key: SecretStorage tells us.
    this.subscription = secrets.onDidChange(async (e) => {
      if (e.key !== SECRET_KEY) return;
      const has = (await this.get()) !== undefined;
      this.cachedHasKey = has;
      this.changed.fire(has);
    });
  }

  async get(): Promise<string | undefined> {
    const key = (await this.secrets.get(SECRET_KEY))?.trim();
    this.log.addSecret(key);
    this.cachedHasKey = !!key;
    return key || undefined;
  }

  async hasKey(): Promise<boolean> {
    if (this.cachedHasKey === undefined) await this.get();
    return this.cachedHasKey === true;
  }

  async store(key: string): Promise<void> {
    const trimmed = key.trim();
    this.log.addSecret(trimmed);
    await this.secrets.store(SECRET_KEY, trimmed);
    this.cachedHasKey = true;
    this.changed.fire(true);
    this.log.info('API key stored in SecretStorage.');
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.cachedHasKey = false;
    this.changed.fire(false);
    this.log.info('API key removed from SecretStorage.');
  }

  /** Asks for a key with a password box and stores it. Returns the key, or undefined if cancelled. */
  async prompt(reason?: string): Promise<string | undefined> {
    const key = await vscode.window.showInputBox({
      title: vscode.l10n.t('GMI: Set API Key'),
      prompt: reason ?? vscode.l10n.t("Paste your GMI Cloud API key. It is kept in VS Code's Secret Storage, never in settings."),
      placeHolder: 'eyJ…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length < 8 ? vscode.l10n.t('That does not look like a GMI API key.') : /\s/.test(v.trim()) ? vscode.l10n.t('The key cannot contain spaces.') : undefined),
    });
    if (!key?.trim()) return undefined;
    await this.store(key);
    return key.trim();
  }

  /**
   * The key for a request. If none is stored, asks right away (offering GMI_API_KEY from the
   * environment when set) so the request can go on; undefined when the user declines.
   */
  async require(): Promise<string | undefined> {
    const stored = await this.get();
    if (stored) return stored;
    const fromEnv = this.env[ENV_KEY_NAME]?.trim();
    if (fromEnv) {
      const use = vscode.l10n.t('Use {0}', ENV_KEY_NAME);
      const enter = vscode.l10n.t('Enter a Key…');
      const pick = await vscode.window.showInformationMessage(
        vscode.l10n.t('No GMI API key is stored. {0} is set in your environment: use it?', ENV_KEY_NAME),
        { modal: true, detail: vscode.l10n.t("It will be copied into VS Code's Secret Storage.") },
        use,
        enter,
      );
      if (pick === use) {
        await this.store(fromEnv);
        return fromEnv;
      }
      if (pick !== enter) return undefined;
    }
    return this.prompt('A GMI API key is needed to send this request. It is kept in VS Code\'s Secret Storage.');
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
