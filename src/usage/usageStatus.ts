// The status bar total of the session's GMI usage in VS Code's chat, with a per-model tooltip.
// Created on the first usage (nothing shows, and nothing is built at activation, before that).
import * as vscode from 'vscode';
import { statusText, usageTooltip, type UsageTracker } from './usageTracker';

export class UsageStatus implements vscode.Disposable {
  private item: vscode.StatusBarItem | undefined;
  private readonly subscription: { dispose(): void };

  constructor(private readonly tracker: UsageTracker) {
    this.subscription = tracker.onDidChange(() => this.update());
  }

  private update(): void {
    const total = this.tracker.totals();
    if (total.requests === 0) return;
    if (!this.item) {
      this.item = vscode.window.createStatusBarItem('gmi.usage', vscode.StatusBarAlignment.Right, 99);
      this.item.name = vscode.l10n.t('GMI Usage');
      this.item.command = 'gmi.showLog';
    }
    this.item.text = statusText(total);
    const tooltip = new vscode.MarkdownString(usageTooltip(this.tracker.models(), total));
    tooltip.supportHtml = false;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item?.dispose();
  }
}
