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
import { until, WAIT } from './waiting';
import { answerInputBox, closeQuickInput, pickFromQuickOpen, runCommand } from './workbenchInput';

export { until, WAIT } from './waiting';
export * from './workbenchInput';

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

/**
 * Opens the GMI chat view in the side bar; resolves once the view shows the host's state. The prompt
 * shows before the state arrives (the host sends it once the history is read), so counting messages
 * any earlier would count none; after it the view shows the welcome, the empty-chat line or messages.
 */
export async function openChat(page: Page): Promise<FrameLocator> {
  const frame = chatFrame(page);
  if (!(await frame.locator('body').isVisible().catch(() => false))) {
    await runCommand(page, 'GMI: Focus on Chat View');
    await frame.locator('body').waitFor({ state: 'visible', timeout: WAIT });
  }
  await frame
    .locator('[data-testid="welcome"]:not([hidden]), [data-testid="empty"]:not([hidden]), [data-testid="message"]')
    .first()
    .waitFor({ state: 'attached', timeout: WAIT });
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
