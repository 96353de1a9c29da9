import * as vscode from 'vscode';
import { WALKTHROUGH_ID, WALKTHROUGH_KEYS, type WalkthroughStep } from './walkthroughSteps';

const STATE_KEY = 'gmi.walkthrough.done';

/** Steps remembered across sessions (the key step follows the stored key itself). */
type RememberedStep = Exclude<WalkthroughStep, 'keyStored'>;

/**
 * Tells the walkthrough which steps are done. VS Code checks a step off when its `onContext:` key
 * *becomes* true while the walkthrough is registered, and remembers it. A key that is already true
 * when VS Code registers the walkthrough (it does that lazily, when a walkthrough is first shown) is
 * taken as "happened" without checking the step, and never counts again in that window. So each key
 * is only pulsed (true, then false): when the user does the step, at activation, and when the
 * walkthrough opens — VS Code always sees it become true, whenever it registered the walkthrough.
 */
export class WalkthroughProgress implements vscode.Disposable {
  private readonly done: Set<RememberedStep>;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly state: vscode.Memento,
    private readonly hasKey: () => Promise<boolean>,
    private readonly log: { info(message: string): void },
  ) {
    const stored = state.get<unknown>(STATE_KEY);
    this.done = new Set(
      Array.isArray(stored) ? stored.filter((s): s is RememberedStep => typeof s === 'string' && s !== 'keyStored' && s in WALKTHROUGH_KEYS) : [],
    );
    // The walkthrough may also be opened from the Welcome page: a new Welcome/walkthrough tab is
    // when it may just have been registered.
    this.subscription = vscode.window.tabGroups.onDidChangeTabs((e) => {
      if (e.opened.some((t) => t.input === undefined && /walkthrough|welcome/i.test(t.label))) void this.announce();
    });
  }

  /** Records that the user did `step`; its walkthrough step checks itself. */
  mark(step: RememberedStep): void {
    if (!this.done.has(step)) {
      this.done.add(step);
      void this.state.update(STATE_KEY, [...this.done]);
      this.log.info(`Walkthrough: the step "${step}" is done.`);
    }
    void pulse(step);
  }

  /** A key was stored (or removed: nothing to tell). */
  keyStored(stored: boolean): void {
    if (stored) void pulse('keyStored');
  }

  /** Tells the walkthrough every step done so far (this session or before). */
  async announce(): Promise<void> {
    const steps: WalkthroughStep[] = [...this.done];
    if (await this.hasKey()) steps.unshift('keyStored');
    for (const step of steps) await pulse(step);
  }

  /** Opens the walkthrough, then tells it what is done. */
  async open(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
    await this.announce();
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

async function pulse(step: WalkthroughStep): Promise<void> {
  await vscode.commands.executeCommand('setContext', WALKTHROUGH_KEYS[step], true);
  await vscode.commands.executeCommand('setContext', WALKTHROUGH_KEYS[step], false);
}
