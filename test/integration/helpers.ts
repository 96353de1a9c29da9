// Shared helpers for tests that run inside the extension host (bundled into each test file).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startFakeGmi, type FakeGmi, type ReplyPlan } from '../fake-gmi/server';
import type { GmiExtensionApi } from '../../src/api';

export const EXTENSION_ID = 'gmi-cloud.gmi-vscode';
export const TEST_KEY = process.env.GMI_TEST_KEY || 'gmi-test-key-4f1c9a7e0b2d';

/** Whether the running VS Code is `version` or newer, e.g. vscodeAtLeast('1.104') for the language model provider API. */
export function vscodeAtLeast(version: string): boolean {
  const have = vscode.version.split(/[.-]/).map(Number);
  const want = version.split('.').map(Number);
  for (let i = 0; i < want.length; i++) {
    const d = (have[i] || 0) - want[i];
    if (d) return d > 0;
  }
  return true;
}

export function extension(): vscode.Extension<GmiExtensionApi> {
  const ext = vscode.extensions.getExtension<GmiExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

export function manifest(): {
  activationEvents?: string[];
  contributes: { commands: Array<{ command: string }>; configuration: { properties: Record<string, { scope?: string }> } };
} {
  return JSON.parse(fs.readFileSync(path.join(extension().extensionPath, 'package.json'), 'utf8'));
}

/** The extension's test API (activates it if needed), once the chat history is open. */
export async function api(): Promise<GmiExtensionApi> {
  const gmi = await extension().activate();
  await gmi.historyReady();
  return gmi;
}

type WindowFn = 'showInputBox' | 'showWarningMessage' | 'showInformationMessage' | 'showErrorMessage' | 'showQuickPick';

/**
 * Replaces a `vscode.window` function for the rest of the test. The test files live inside the
 * extension's folder, so they get the very `vscode` API object the extension uses.
 */
export class WindowStubs {
  private readonly saved: Array<[WindowFn, unknown]> = [];
  readonly calls: Array<{ fn: WindowFn; args: unknown[] }> = [];

  stub(fn: WindowFn, impl: (...args: any[]) => unknown): void {
    const win = vscode.window as unknown as Record<string, unknown>;
    const original = win[fn];
    this.saved.push([fn, original]);
    win[fn] = (...args: unknown[]) => {
      this.calls.push({ fn, args });
      return impl(...args, original);
    };
  }

  /** Answers the modal "Send your GMI API key to <host>?" with Allow; other warnings get undefined. */
  allowHost(): void {
    this.stub('showWarningMessage', async (message: string) => (/^Send your GMI API key to /.test(message) ? 'Allow' : undefined));
  }

  /** Each showInputBox call takes the next answer (undefined = cancelled). */
  inputBox(...answers: Array<string | undefined>): void {
    this.stub('showInputBox', async () => answers.shift());
  }

  messages(fn: WindowFn): string[] {
    return this.calls.filter((c) => c.fn === fn).map((c) => String(c.args[0]));
  }

  restore(): void {
    const win = vscode.window as unknown as Record<string, unknown>;
    for (const [fn, original] of this.saved.reverse()) win[fn] = original;
    this.saved.length = 0;
  }
}

/** Starts the loopback fake GMI server and points `gmi.baseUrl` (user settings) at it. */
export async function startFakeGmiForTests(): Promise<FakeGmi> {
  // The server answers 401 unless the request carries TEST_KEY: a request that works proves the key
  // went into SecretStorage and came back out.
  const fake = await startFakeGmi({ apiKey: TEST_KEY });
  await vscode.workspace.getConfiguration('gmi').update('baseUrl', fake.baseUrl, vscode.ConfigurationTarget.Global);
  return fake;
}

export async function stopFakeGmi(fake: FakeGmi | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('gmi').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
  await fake?.close();
}

/** Stores TEST_KEY through the real command, answering its password box. */
export async function setKey(key = TEST_KEY): Promise<void> {
  const stubs = new WindowStubs();
  stubs.inputBox(key);
  stubs.stub('showInformationMessage', async () => undefined);
  try {
    await vscode.commands.executeCommand('gmi.setApiKey');
  } finally {
    stubs.restore();
  }
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Opens a file of the test workspace in an editor. */
export async function openWorkspaceFile(relative: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, relative));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/**
 * Throws away a document's unsaved changes. The revert command works on the active editor, which
 * a quick pick or the chat view may have taken: the document is shown first, and the revert is
 * checked — an unsaved edit left behind shifts every later test's lines in that file.
 */
export async function revertDocument(doc: vscode.TextDocument): Promise<void> {
  for (let attempt = 0; attempt < 3 && doc.isDirty; attempt++) {
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  if (doc.isDirty) throw new Error(`${vscode.workspace.asRelativePath(doc.uri)} still has unsaved changes after a revert`);
}

/** A slow reply, so a test can watch it stream. */
export function slowReply(text: string, extra: ReplyPlan = {}): ReplyPlan {
  return { text, chunkSize: 4, delayMs: 15, usage: { input: 42, output: 17 }, ...extra };
}

export type { FakeGmi, ReplyPlan };

/** Text of the last user turn in a recorded Chat Completions or Messages request body. */
export function lastUserText(body: unknown): string {
  const messages = (body as { messages?: Array<{ role: string; content: unknown }> } | undefined)?.messages ?? [];
  const user = [...messages].reverse().find((m) => m.role === 'user');
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content)) return user.content.map((p: { text?: string }) => p.text ?? '').join('');
  return '';
}

/** Requests that asked for a reply (not GET /models). */
export function chatRequests(fake: FakeGmi): FakeGmi['requests'] {
  return fake.requests.filter((r) => r.method === 'POST' && /\/(chat\/completions|messages)$/.test(r.path));
}

/** The key a recorded request carried (Authorization: Bearer or x-api-key). */
export function sentKey(req: FakeGmi['requests'][number]): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const x = req.headers['x-api-key'];
  return typeof x === 'string' ? x : undefined;
}

/** Selects whole lines `first`..`last` (1-based, inclusive), ending at the end of the last line. */
export function selectLines(editor: vscode.TextEditor, first: number, last: number): vscode.Selection {
  const end = editor.document.lineAt(last - 1).range.end;
  editor.selection = new vscode.Selection(new vscode.Position(first - 1, 0), end);
  return editor.selection;
}

export interface LoopbackGmi {
  readonly api: GmiExtensionApi;
  readonly fake: FakeGmi;
  readonly stubs: WindowStubs;
}

/**
 * The set-up every suite that talks to the loopback GMI shares: one fake server per file (and the key
 * stored, unless `setKey: false`), fresh window stubs with the host approved and a reset server per
 * test, and no reply left streaming after a test. Call it inside `describe`; add the suite's own
 * hooks after it (mocha runs them after these).
 */
export function useLoopbackGmi(options: { setKey?: boolean } = {}): LoopbackGmi {
  const t = {} as { api: GmiExtensionApi; fake: FakeGmi; stubs: WindowStubs };
  before(async () => {
    t.api = await api();
    t.fake = await startFakeGmiForTests();
    if (options.setKey !== false) await setKey();
  });
  after(() => stopFakeGmi(t.fake));
  beforeEach(() => {
    t.stubs = new WindowStubs();
    t.stubs.allowHost();
    t.fake.reset();
  });
  afterEach(async () => {
    t.stubs.restore();
    await t.api.chatIdle();
  });
  return t;
}
