import * as vscode from 'vscode';
import { DEFAULT_BASE_URL } from '../config/settings';

const APPROVED_KEY = 'gmi.approvedHosts';

/**
 * The key goes only to hosts the user approved. GMI's own host is approved by default; any other
 * host (a gateway, a proxy-in-front, a test server) is confirmed once with a modal dialog, so a
 * changed `gmi.baseUrl` can never silently send the key somewhere new.
 */
export class HostApproval {
  constructor(private readonly state: vscode.Memento) {}

  isApproved(baseUrl: URL): boolean {
    return baseUrl.host === new URL(DEFAULT_BASE_URL).host || this.approved().includes(baseUrl.host);
  }

  async confirm(baseUrl: URL): Promise<boolean> {
    if (this.isApproved(baseUrl)) return true;
    const allow = vscode.l10n.t('Allow');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('Send your GMI API key to {0}?', baseUrl.host),
      {
        modal: true,
        detail: vscode.l10n.t("gmi.baseUrl points to {0}, which is not GMI's own API host. Only allow it if you trust this server: it will receive your API key with every request.", baseUrl.origin),
      },
      allow,
    );
    if (pick !== allow) return false;
    await this.state.update(APPROVED_KEY, [...this.approved(), baseUrl.host]);
    return true;
  }

  private approved(): string[] {
    const v = this.state.get<unknown>(APPROVED_KEY);
    return Array.isArray(v) ? v.filter((h): h is string => typeof h === 'string') : [];
  }
}
