// The UI suite's shared session: one fake GMI server (in this process), one code-server (the VS Code
// version run-ui.mjs chose, in GMI_VSCODE_VERSION) with the packaged .vsix installed and user settings
// pointing at the fake server, one headless Chromium page on the workbench. Loaded with `--require`
// so its `mochaHooks` close everything and save a screenshot + logs for each failed test. Helpers
// drive the workbench the way a user does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { startFakeGmi, type FakeGmi, type ReplyPlan } from '../fake-gmi/server';
import { describeFrames, describeWebviewFrames, recordConsole } from './pageDiagnostics';

export const ROOT = path.resolve(__dirname, '..', '..');
/** The VS Code version this run drives (run-ui.mjs --vscode; default the oldest supported). */
export const VSCODE_VERSION = process.env.GMI_VSCODE_VERSION || '1.100.3';
/** Whether the running VS Code is `version` or newer (e.g. vscodeAtLeast('1.104') for the Chat view's provider). */
export function vscodeAtLeast(version: string): boolean {
  const have = VSCODE_VERSION.split('.').map(Number);
  const want = version.split('.').map(Number);
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const d = (have[i] ?? 0) - (want[i] ?? 0);
    if (d) return d > 0;
  }
  return true;
}
export const ARTIFACTS = path.join(ROOT, '.test-artifacts', 'ui', VSCODE_VERSION);
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
export const UI_KEY = 'gmi-ui-test-key-7d3e55a01c';
/** Timeout for UI waits: generous, since they wait on states, not on time. */
export const WAIT = 20_000;

interface Harness {
  quietSettings(vscodeVersion: string): Record<string, unknown>;
  startCodeServer(o: Record<string, unknown>): Promise<{ port: number; origin: string; vscodeVersion: string; output(): string; stop(): Promise<void> }>;
  launchChromium(): Promise<Browser>;
  installVsix(vsix: string, dir: string, vscodeVersion: string): Promise<void>;
  writeUserSettings(dir: string, settings: Record<string, unknown>): void;
  tempDir(prefix: string): string;
  collectLogs(userDataDir: string, dest: string): void;
  workbenchUrl(origin: string, o: { folder?: string }): string;
}

export interface Session {
  fake: FakeGmi;
  page: Page;
  browser: Browser;
  /** The VS Code version of this session's code-server (same as VSCODE_VERSION). */
  vscodeVersion: string;
  folder: string;
  userDataDir: string;
  url: string;
  codeServerOutput(): string;
  /** The page's last console messages and uncaught errors, of every frame (for failure artifacts). */
  consoleLines(): string[];
  /** The host-approval dialog is answered once per session. */
  hostApproved: boolean;
  /** Whether the API key was set in this session. */
  keySet: boolean;
  close(): Promise<void>;
}

let current: Promise<Session> | undefined;

/** The shared session, started on first use. */
export function session(): Promise<Session> {
  current ??= start();
  return current;
}

async function start(): Promise<Session> {
  const h = (await import(path.join(ROOT, 'scripts', 'code-server-harness.mjs'))) as Harness;
  const vsix = process.env.GMI_UI_VSIX ?? path.join(ROOT, 'gmi-vscode.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);

  const work = h.tempDir('ui');
  const userDataDir = path.join(work, 'user-data');
  const extensionsDir = path.join(work, 'extensions');
  const folder = path.join(work, 'workspace');
  fs.cpSync(path.join(ROOT, 'test', 'ui', 'fixtures'), folder, { recursive: true });

  const fake = await startFakeGmi({ apiKey: UI_KEY });
  await h.installVsix(vsix, extensionsDir, VSCODE_VERSION);
  h.writeUserSettings(userDataDir, {
    ...h.quietSettings(VSCODE_VERSION),
    'gmi.baseUrl': fake.baseUrl,
    'workbench.colorTheme': 'Default Dark Modern',
  });
  // No smoke-test driver here (extensionTests: false): on 1.139 it would hide notification toasts.
  const server = await h.startCodeServer({ userDataDir, extensionsDir, folder, vscode: VSCODE_VERSION, env: { GMI_API_KEY: '' } });
  if (server.vscodeVersion !== VSCODE_VERSION) throw new Error(`code-server runs VS Code ${server.vscodeVersion}, not ${VSCODE_VERSION}`);
  const browser = await h.launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const consoleLines = recordConsole(page);
  // tsx compiles with esbuild's keepNames, so functions handed to page.evaluate() may call
  // esbuild's `__name` helper, which the page doesn't have: give every frame a no-op one.
  await page.addInitScript('globalThis.__name ??= (fn) => fn;');
  const url = h.workbenchUrl(server.origin, { folder });
  await page.goto(url);
  await waitForWorkbench(page);

  return {
    fake,
    page,
    browser,
    vscodeVersion: server.vscodeVersion,
    folder,
    userDataDir,
    url,
    hostApproved: false,
    keySet: false,
    codeServerOutput: () => server.output(),
    consoleLines,
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
      await fake.close();
      if (!process.env.GMI_UI_KEEP) fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // The status bar fills in once the remote extension host is connected.
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
}

/** Saves a screenshot, the workbench/extension logs and the fake server's requests for a failure. */
export async function saveFailureArtifacts(title: string): Promise<void> {
  const s = await current?.catch(() => undefined);
  if (!s) return;
  const name = title.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 100);
  const dir = path.join(ARTIFACTS, name);
  fs.mkdirSync(dir, { recursive: true });
  await s.page.screenshot({ path: path.join(dir, 'screenshot.png') }).catch(() => undefined);
  const h = (await import(path.join(ROOT, 'scripts', 'code-server-harness.mjs'))) as Harness;
  h.collectLogs(s.userDataDir, dir);
  fs.writeFileSync(path.join(dir, 'code-server.log'), s.codeServerOutput());
  fs.writeFileSync(path.join(dir, 'fake-gmi-requests.json'), JSON.stringify(s.fake.requests, null, 2));
  const webviews = await s.page.evaluate(describeWebviewFrames).catch((err: Error) => String(err));
  fs.writeFileSync(path.join(dir, 'webviews.json'), JSON.stringify(webviews, null, 2));
  fs.writeFileSync(path.join(dir, 'frames.json'), JSON.stringify(await describeFrames(s.page), null, 2));
  fs.writeFileSync(path.join(dir, 'browser-console.log'), s.consoleLines().join('\n'));
  console.log(`      (screenshot and logs in ${path.relative(ROOT, dir)}/)`);
}

/** Root hooks (mocha `--require`): artifacts on failure, everything closed at the end. */
export const mochaHooks = {
  // Start-up (code-server, workbench, extension install) gets its own, longer budget than a test.
  async beforeAll(this: Mocha.Context) {
    this.timeout(180_000);
    await session();
  },
  async afterEach(this: Mocha.Context) {
    const test = this.currentTest;
    if (test?.state === 'failed') await saveFailureArtifacts(test.fullTitle());
  },
  async afterAll() {
    if (!current) return;
    const s = await current.catch(() => undefined);
    current = undefined;
    await s?.close();
  },
};

/** Saves a success screenshot for the README when `GMI_UI_SCREENSHOTS=1` (run-ui.mjs --screenshots). */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.GMI_UI_SCREENSHOTS !== '1') return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

// ---------- the workbench ----------

/**
 * Runs a command from the palette by its title, as a user would. Right after start-up the
 * extension's contributions may not be registered yet and an open palette does not refresh, so it
 * reopens the palette until the command is listed.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  await pickFromQuickOpen(page, `>${title}`, title);
}

/**
 * Types `text` into Quick Open and clicks the highlighted row once it shows `rowText`; retries the
 * whole gesture if the widget closes under it (a focus change) or the row does not come.
 */
async function pickFromQuickOpen(page: Page, text: string, rowText: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-widget .monaco-list-row.focused').filter({ hasText: rowText }).first();
  const deadline = Date.now() + WAIT;
  for (;;) {
    try {
      await openQuickInput(page, 5000);
      await input.fill(text, { timeout: 3000 });
      await row.waitFor({ state: 'visible', timeout: 4000 });
      await row.click({ timeout: 3000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

/**
 * Opens Quick Open by clicking the title bar's command center: a click works wherever the keyboard
 * focus is (a shortcut pressed while a webview has focus may never reach the workbench) and leaves
 * the editor's selection alone. From 1.139, once chat starts, the command center's search box is
 * replaced by the "agent status" pill, whose input area opens Quick Open too; the title bar may
 * re-render while this runs, so a click that does not land falls back to the shortcut.
 */
export async function openQuickInput(page: Page, timeout = WAIT): Promise<void> {
  await closeQuickInput(page);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const opener = page
    .locator('.command-center .command-center-center, .command-center .agent-status-input-area')
    .filter({ visible: true })
    .first();
  const clicked = (await opener.count()) > 0 && (await opener.click({ timeout: 3000 }).then(() => true, () => false));
  if (!clicked) await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout });
}

/**
 * Opens a context menu with `open` (a right-click) and picks `path` (submenu labels, then the item).
 * A click that lands while a submenu is still being laid out can be lost: then the highlighted item
 * is taken with Enter, and the whole gesture is retried while the menu stays open.
 */
export async function contextMenu(page: Page, path: string[], open: () => Promise<void>): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu').first();
  const hidden = (timeout: number) => menu.waitFor({ state: 'hidden', timeout }).then(() => true, () => false);
  const deadline = Date.now() + WAIT;
  for (;;) {
    // Only a menu that is still open means nothing was chosen, so only then is the gesture repeated.
    try {
      await open();
      for (const label of path.slice(0, -1)) await page.getByRole('menuitem', { name: label, exact: true }).hover({ timeout: 5000 });
      const item = page.getByRole('menuitem', { name: path[path.length - 1], exact: true });
      await item.click({ timeout: 5000 });
      if (await hidden(2000)) return;
      await item.hover({ timeout: 2000 }).then(() => page.keyboard.press('Enter')).catch(() => undefined);
      if (await hidden(3000)) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (await menu.isVisible()) await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`could not pick ${path.join(' → ')} from the context menu`);
  }
}

/**
 * Opens a quick pick with `open` (a command, a button), types `text` and accepts the row that shows
 * `rowText` (Enter when it is the highlighted one, else a click on it: the highlighted row may be
 * another match, e.g. a recently opened diff editor of the same file). A quick pick closes when the
 * focus moves, and a click in a webview (the walkthrough's buttons) can finish moving the focus after
 * the pick opened (seen under load on 1.100.3); so the whole gesture is repeated while the pick is
 * gone without a choice.
 */
export async function pickInQuickPick(page: Page, open: () => Promise<void>, text: string, rowText: string | RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const row = widget.locator('.monaco-list-row').filter({ hasText: rowText }).first();
  const deadline = Date.now() + WAIT;
  for (;;) {
    try {
      await open();
      // The palette that ran a command stays open until the command's pick takes its place.
      await until('the quick pick', async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'), 5000);
      await input.fill(text, { timeout: 3000 });
      await row.waitFor({ state: 'visible', timeout: 4000 });
      if ((await row.getAttribute('class'))?.split(/\s+/).includes('focused')) await input.press('Enter', { timeout: 3000 });
      else await row.click({ timeout: 3000 });
      await widget.waitFor({ state: 'hidden', timeout: 5000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await closeQuickInput(page).catch(() => undefined);
    }
  }
}

/** Closes the palette/input box if one is open (Escape in an editor would drop its selection). */
export async function closeQuickInput(page: Page): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu').first();
  if (await menu.isVisible()) await page.keyboard.press('Escape');
  const widget = page.locator('.quick-input-widget');
  if (await widget.isVisible()) {
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: WAIT });
  }
}

/** Moves the keyboard focus to the editor (its selection kept), e.g. back from the chat view. */
export async function focusEditor(page: Page): Promise<void> {
  await closeQuickInput(page);
  await page.keyboard.press('Control+1');
}

/**
 * The input box a command opened (showInputBox), once it is there. The palette that ran the command
 * stays open, still listing the command, until the input box takes its place (tens of ms on 1.139,
 * the type="password" coming with it), so this waits for the widget without a list, not for any
 * visible input.
 */
export async function commandInputBox(page: Page, timeout = WAIT): Promise<Locator> {
  await until(
    "the command's input box",
    () =>
      page.evaluate(() => {
        const widget = document.querySelector('.quick-input-widget');
        if (!widget || getComputedStyle(widget).display === 'none') return false;
        const list = widget.querySelector('.quick-input-list');
        return !list || getComputedStyle(list).display === 'none';
      }),
    timeout,
  );
  return page.locator('.quick-input-widget .quick-input-box input');
}

/** The input box a command opened (showInputBox): type the answer and press Enter. */
export async function answerInputBox(page: Page, text: string | undefined, opts: { placeholderOrTitle?: RegExp } = {}): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = await commandInputBox(page);
  if (opts.placeholderOrTitle) await widget.filter({ hasText: opts.placeholderOrTitle }).waitFor({ state: 'visible', timeout: WAIT });
  if (text === undefined) {
    await page.keyboard.press('Escape');
    return;
  }
  await input.fill(text);
  // Enter on the input itself: a page-level key press is lost when focus has moved to a webview
  // (seen once from the walkthrough's button on 1.100.3: the box stayed open with the key typed).
  await input.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: WAIT });
}

/** Clicks "Allow" in the modal that asks before the key goes to a new host (once per session). */
export async function approveHostIfAsked(s: Session): Promise<void> {
  if (s.hostApproved) return;
  const dialog = s.page.locator('.monaco-dialog-box');
  await dialog.filter({ hasText: 'Send your GMI API key to' }).waitFor({ state: 'visible', timeout: WAIT });
  await dialog.getByRole('button', { name: 'Allow' }).click();
  await dialog.waitFor({ state: 'hidden', timeout: WAIT });
  s.hostApproved = true;
}

/** A notification toast whose message matches. */
export function notification(page: Page, text: string | RegExp): Locator {
  return page.locator('.notification-toast').filter({ has: page.locator('.notification-list-item-message', { hasText: text }) });
}

/** Opens the GMI chat view in the side bar. */
export async function openChat(page: Page): Promise<FrameLocator> {
  const frame = chatFrame(page);
  if (await frame.locator('body').isVisible().catch(() => false)) return frame;
  await runCommand(page, 'GMI: Focus on Chat View');
  await frame.locator('body').waitFor({ state: 'visible', timeout: WAIT });
  return frame;
}

/** The chat webview's content frame. */
export function chatFrame(page: Page): FrameLocator {
  // The shown one: a webview the workbench has hidden (kept for a moment after its view closed, or
  // another of ours) may come first in the DOM, and its body never becomes visible.
  return page
    .locator('iframe.webview.ready[src*="gmi-cloud.gmi-vscode"]')
    .filter({ visible: true })
    .first()
    .contentFrame()
    .frameLocator('#active-frame');
}

export function messages(frame: FrameLocator, role?: 'user' | 'assistant' | 'error'): Locator {
  return frame.locator(role ? `[data-testid="message"][data-role="${role}"]` : '[data-testid="message"]');
}

/** Types a question into the chat prompt and presses Enter. */
export async function sendPrompt(frame: FrameLocator, text: string): Promise<void> {
  const prompt = frame.locator('[data-testid="prompt"]');
  await prompt.waitFor({ state: 'visible', timeout: WAIT });
  await prompt.fill(text);
  await prompt.press('Enter');
}

/** Opens a workspace file with Quick Open, as a user would. */
export async function openFile(page: Page, name: string): Promise<void> {
  await pickFromQuickOpen(page, name, name);
  await page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ state: 'visible', timeout: WAIT });
  await activeEditor(page).locator('.view-line').first().waitFor({ state: 'visible', timeout: WAIT });
}

/** The text editor that has focus / is active (not the diff editor). */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor:not(.original-in-monaco-diff-editor) .view-lines').last();
}

/** The visible text of the active editor (Monaco renders spaces as U+00A0). */
export async function editorText(page: Page): Promise<string> {
  const lines = await activeEditor(page).locator('.view-line').evaluateAll((els) =>
    els
      .map((el) => ({ top: parseFloat((el as HTMLElement).style.top) || 0, text: el.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text),
  );
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** Reads `read()` while `streaming()` holds and returns every distinct value seen. */
export async function sample<T>(read: () => Promise<T>, streaming: () => Promise<boolean>, timeoutMs = WAIT): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await read();
    if (!(await streaming())) return seen;
    if (seen.length === 0 || seen[seen.length - 1] !== v) seen.push(v);
  }
  throw new Error('still streaming at the timeout');
}

export function slowPlan(text: string, extra: ReplyPlan = {}): ReplyPlan {
  return { text, chunkSize: 3, delayMs: 25, usage: { input: 120, output: 48 }, ...extra };
}

/** The key is set once per session through the palette (the first-use test checks the welcome first). */
export async function ensureKey(s: Session): Promise<void> {
  if (s.keySet) return;
  try {
    await runCommand(s.page, 'GMI: Set API Key');
    await answerInputBox(s.page, UI_KEY);
    await notification(s.page, 'GMI API key saved').waitFor({ state: 'visible', timeout: WAIT });
  } catch (err) {
    await saveFailureArtifacts('setting-the-key');
    throw err;
  }
  s.keySet = true;
}

/**
 * The hooks of a chat test (call inside its describe): the key is set and the loopback server has no
 * reply plans left by a test that failed half way; no quick pick or menu is left open after it.
 */
export function chatTestHooks(): void {
  beforeEach(async () => {
    const s = await session();
    await ensureKey(s);
    s.fake.reset();
  });
  afterEach(async () => closeQuickInput((await session()).page));
}

/** "GMI: New Chat" from the palette; resolves with the chat view once it is empty. */
export async function newChat(page: Page): Promise<FrameLocator> {
  const frame = await openChat(page);
  await runCommand(page, 'GMI: New Chat');
  await until('an empty chat', async () => (await messages(frame).count()) === 0);
  return frame;
}

/** Rows of the open quick pick (the history list, Add context, …), those that show `text` if given. */
export function quickPickRows(page: Page, text?: string | RegExp): Locator {
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  return text === undefined ? rows : rows.filter({ hasText: text });
}

/** The text of each chat message of `role`, whitespace folded. */
export async function messageTexts(frame: FrameLocator, role: 'user' | 'assistant'): Promise<string[]> {
  return (await messages(frame, role).locator('.message-body').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/**
 * Sends `text` from the chat prompt and returns its assistant reply: the first assistant message after
 * the newest user message carrying `text`, answering the host-approval dialog on the session's first
 * request. (Counting messages before sending is racy: a view just opened on a long conversation may
 * not have rendered the host's state yet.)
 */
export async function ask(s: Session, frame: FrameLocator, text: string): Promise<Locator> {
  await sendPrompt(frame, text);
  await approveHostIfAsked(s);
  const question = messages(frame, 'user').filter({ hasText: text }).last();
  await question.waitFor({ state: 'visible', timeout: WAIT });
  const reply = question.locator('xpath=following-sibling::*[@data-testid="message" and @data-role="assistant"][1]');
  await reply.waitFor({ state: 'visible', timeout: WAIT });
  return reply;
}

/** Waits for a message's data-state to become `state`. */
export async function waitForState(message: Locator, state: string, timeout = WAIT): Promise<void> {
  await until(`data-state="${state}"`, async () => (await message.getAttribute('data-state')) === state, timeout);
}

/** Polls an async condition (a state in the page) until it holds. */
export async function until(what: string, check: () => Promise<boolean>, timeout = WAIT): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Puts the cursor at line:column of the active editor (Ctrl+G), optionally extending a selection to the end of `toLine`. */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: WAIT });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: WAIT });
}

/** Selects whole lines first..last (from column 1 to the end of `last`) in the active editor. */
export async function selectLines(page: Page, first: number, last: number): Promise<void> {
  await goToLine(page, first, 1);
  for (let l = first; l < last; l++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
}
