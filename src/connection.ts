import * as vscode from 'vscode';
import type { ApiKeyStore } from './auth/apiKeyStore';
import type { HostApproval } from './auth/hostApproval';
import type { RequestBlocked } from './chat/chatService';
import { readNetworkConfig, readSettings } from './config/settings';
import type { GmiClient } from './gmi/client';
import { checkBaseUrl } from './gmi/baseUrl';
import { loadGmi } from './lazy';
import type { Log } from './log';

export interface Connected {
  client: GmiClient;
  baseUrl: URL;
}

/**
 * Turns settings + the stored key into a ready client, asking the user only when needed:
 * for a key when none is stored, and once per new host before the key is sent there.
 * The client (and its connection pool) is reused until the key, base URL or proxy settings change.
 */
export class Connection implements vscode.Disposable {
  private cached: { signature: string; client: GmiClient; dispatcher: { close(): Promise<void> } } | undefined;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly hosts: HostApproval,
    private readonly log: Log,
    private readonly userAgent: string,
  ) {}

  /**
   * `interactive`: may ask for a key / host approval (a user-initiated request). Non-interactive
   * callers (the model picker's live list) get `blocked` instead of a dialog.
   */
  async connect(interactive: boolean): Promise<Connected | RequestBlocked> {
    const settings = readSettings();
    const checked = checkBaseUrl(settings.baseUrl);
    if (!checked.ok) {
      return { blocked: true, message: checked.error.message, actions: ['openSettings'] };
    }
    const baseUrl = checked.url;
    const key = interactive ? await this.keys.require() : await this.keys.get();
    if (!key) {
      return {
        blocked: true,
        message: vscode.l10n.t('A GMI API key is needed. Set one and try again — your question is kept.'),
        actions: ['setApiKey'],
      };
    }
    const approved = interactive ? await this.hosts.confirm(baseUrl) : this.hosts.isApproved(baseUrl);
    if (!approved) {
      return {
        blocked: true,
        message: vscode.l10n.t('Your API key was not sent: {0} is not approved. Approve it when asked, or change gmi.baseUrl.', baseUrl.host),
        actions: ['openSettings'],
      };
    }
    const network = readNetworkConfig();
    const signature = JSON.stringify([baseUrl.href, key, network, settings.idleTimeoutMs, process.env.HTTPS_PROXY, process.env.NO_PROXY, process.env.NODE_EXTRA_CA_CERTS]);
    if (this.cached?.signature !== signature) {
      const old = this.cached;
      const gmi = loadGmi();
      let setup: ReturnType<typeof gmi.createDispatcher>;
      try {
        setup = gmi.createDispatcher(baseUrl, { proxy: network.proxy, proxyStrictSSL: network.proxyStrictSSL, noProxy: network.noProxy });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { blocked: true, message: vscode.l10n.t('The proxy setting cannot be used: {0} Check http.proxy or HTTPS_PROXY.', message), actions: ['openSettings'] };
      }
      const { dispatcher, description, warnings } = setup;
      for (const w of warnings) this.log.warn(w);
      this.log.info(`Connecting to ${baseUrl.origin} ${description}.`);
      const client = new gmi.GmiClient({
        baseUrl: baseUrl.href,
        apiKey: key,
        dispatcher,
        idleTimeoutMs: settings.idleTimeoutMs,
        logger: this.log,
        userAgent: this.userAgent,
      });
      this.cached = { signature, client, dispatcher };
      // close() lets requests in flight finish before the old pool goes away.
      if (old) void old.dispatcher.close().catch(() => undefined);
    }
    return { client: this.cached.client, baseUrl };
  }

  /** Drops the cached client (e.g. after the key is cleared). */
  reset(): void {
    void this.cached?.dispatcher.close().catch(() => undefined);
    this.cached = undefined;
  }

  dispose(): void {
    this.reset();
  }
}
