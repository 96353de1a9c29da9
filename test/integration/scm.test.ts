// Commit Message against a real Git repository made by the test, through the built-in Git extension.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GitApi, GitRepository } from '../../src/scm/gitApi';
import { chatRequests, lastUserText, slowReply, useLoopbackGmi, waitFor } from './helpers';

type TestRepository = GitRepository & { status(): Promise<void> };

const MESSAGE = 'feat(calc): add subtraction\n\nsubtract() joins add() so callers stop negating by hand.';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=GMI Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

describe('Commit message (Source Control)', () => {
  const t = useLoopbackGmi();
  let n = 0;
  beforeEach(() => t.stubs.stub('showErrorMessage', async () => undefined));

  async function gitExports(): Promise<{ enabled: boolean; getAPI(v: 1): GitApi }> {
    const ext = vscode.extensions.getExtension<{ enabled: boolean; getAPI(v: 1): GitApi }>('vscode.git');
    assert.ok(ext, 'the built-in Git extension');
    return ext.isActive ? ext.exports : ext.activate();
  }

  /**
   * A repository in the workspace with one commit (calc.js), then `calc.js` changed and staged,
   * `notes.md` changed and not staged, and `new.txt` untracked; opened in the Git extension.
   */
  async function makeRepository(stage = true): Promise<{ dir: string; repo: TestRepository }> {
    const dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, `repo-${++n}`);
    fs.mkdirSync(dir, { recursive: true });
    git(dir, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, 'calc.js'), 'export function add(a, b) {\n  return a + b;\n}\n');
    fs.writeFileSync(path.join(dir, 'notes.md'), '# Notes\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'feat(calc): add add()');
    fs.appendFileSync(path.join(dir, 'calc.js'), '\nexport function subtract(a, b) {\n  return a - b;\n}\n');
    fs.appendFileSync(path.join(dir, 'notes.md'), '\nUnstaged note about the weather.\n');
    fs.writeFileSync(path.join(dir, 'new.txt'), 'brand new\n');
    if (stage) git(dir, 'add', 'calc.js');

    const exports = await gitExports();
    await waitFor('the Git extension to be enabled', () => exports.enabled, 20_000);
    const api = exports.getAPI(1);
    await waitFor('the Git extension to initialize', () => api.state === 'initialized', 20_000);
    const repo = ((await api.openRepository?.(vscode.Uri.file(dir))) ?? api.getRepository(vscode.Uri.file(dir))) as TestRepository | null;
    assert.ok(repo, `the Git extension opened ${dir}`);
    await repo.status();
    await waitFor('the repository state', () => repo.state.indexChanges.length + repo.state.workingTreeChanges.length > 0, 20_000);
    return { dir, repo };
  }

  /** Runs the command for `repo` as the Source Control title button does (with its SourceControl). */
  function generate(repo: GitRepository): Thenable<unknown> {
    return vscode.commands.executeCommand('gmi.generateCommitMessage', { rootUri: repo.rootUri });
  }

  it('without Git (git.enabled off, as in this test set-up): the command says so and sends nothing', async () => {
    const exports = await gitExports();
    assert.equal(exports.enabled, false, 'the suite starts with Git turned off');
    t.stubs.stub('showInformationMessage', async () => undefined);
    await vscode.commands.executeCommand('gmi.generateCommitMessage');
    assert.ok(t.stubs.messages('showInformationMessage').some((m) => /Git is turned off/.test(m)), t.stubs.messages('showInformationMessage').join('\n'));
    assert.equal(chatRequests(t.fake).length, 0);
  });

  describe('with a repository', () => {
    before(async () => {
      await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Global);
    });
    after(async () => {
      await vscode.workspace.getConfiguration('git').update('enabled', undefined, vscode.ConfigurationTarget.Global);
    });

    it('fills the input box with the message, streamed as it arrives, from the staged diff only', async () => {
      const { repo } = await makeRepository();
      repo.inputBox.value = '';
      t.fake.enqueue(slowReply(MESSAGE));
      const seen: string[] = [];
      const timer = setInterval(() => seen[seen.length - 1] !== repo.inputBox.value && seen.push(repo.inputBox.value), 2);
      try {
        await generate(repo);
      } finally {
        clearInterval(timer);
      }
      // The box's value comes back from the workbench a moment after each write.
      await waitFor('the whole message in the box', () => repo.inputBox.value === MESSAGE);
      const partial = seen.filter((v) => v !== '' && v !== MESSAGE);
      assert.ok(partial.length >= 2, `the box filled in steps: ${JSON.stringify(seen)}`);
      assert.ok(partial.every((v) => MESSAGE.startsWith(v)), 'each step is a beginning of the message');

      const sent = lastUserText(chatRequests(t.fake)[0].body);
      assert.match(sent, /for the staged changes below/);
      assert.match(sent, /\+export function subtract\(a, b\)/);
      assert.ok(!sent.includes('Unstaged note'), 'unstaged changes are not sent when something is staged');
      assert.match(sent, /Branch: `main`/);
      assert.match(sent, /- feat\(calc\): add add\(\)/, 'recent subjects');
      const body = chatRequests(t.fake)[0].body as { messages?: Array<{ role: string; content: unknown }>; system?: unknown };
      assert.match(JSON.stringify(body), /Conventional Commits/);
    });

    it('nothing staged: every change is sent, with the untracked files by name', async () => {
      const { repo } = await makeRepository(false);
      repo.inputBox.value = '';
      t.fake.enqueue({ text: 'chore: update calc and notes' });
      await generate(repo);
      await waitFor('the message in the box', () => repo.inputBox.value === 'chore: update calc and notes');
      const sent = lastUserText(chatRequests(t.fake)[0].body);
      assert.match(sent, /nothing is staged/);
      assert.match(sent, /\+export function subtract/);
      assert.match(sent, /\+Unstaged note about the weather\./);
      assert.match(sent, /New files \(contents not shown\): `new\.txt`/);
    });

    it('Stop while it streams puts back what the box held (and the draft was sent as notes)', async () => {
      const { repo } = await makeRepository();
      repo.inputBox.value = 'my draft: subtraction';
      t.fake.enqueue({ text: MESSAGE, chunkSize: 2, delayMs: 40 });
      const running = generate(repo);
      await waitFor('the message to start streaming', () => repo.inputBox.value !== 'my draft: subtraction' && repo.inputBox.value !== '', 10_000);
      await vscode.commands.executeCommand('gmi.stopCommitMessage');
      await running;
      await waitFor('the draft back in the box', () => repo.inputBox.value === 'my draft: subtraction');
      assert.match(lastUserText(chatRequests(t.fake)[0].body), /The author's notes for this message \(use them\):\n\n> my draft: subtraction/);
    });

    it('typing in the box while the message streams stops it and keeps what was typed', async () => {
      const { repo } = await makeRepository();
      repo.inputBox.value = '';
      // Chunks far apart, so the workbench has reported the typing back before the next one.
      t.fake.enqueue({ text: MESSAGE, chunkSize: 2, delayMs: 150 });
      const running = generate(repo);
      await waitFor('the message to start streaming', () => repo.inputBox.value !== '', 10_000);
      repo.inputBox.value = 'typed by hand';
      await running;
      await waitFor('the typing in the box', () => repo.inputBox.value === 'typed by hand');
      const outcome = await t.fake.waitForOutcome(t.fake.requests.indexOf(chatRequests(t.fake)[0]));
      assert.equal(outcome, 'clientClosed', 'the request was stopped');
    });

    it('a failed request leaves the box as it was and says why', async () => {
      const { repo } = await makeRepository();
      repo.inputBox.value = 'keep me';
      t.fake.enqueue({ status: 400, body: JSON.stringify({ error: { message: 'bad request from the test' } }) });
      await generate(repo);
      assert.equal(repo.inputBox.value, 'keep me');
      assert.ok(t.stubs.messages('showErrorMessage').some((m) => /^Commit message failed: /.test(m)), t.stubs.messages('showErrorMessage').join('\n'));
    });

    it('a diff too large for the model is cut to fit, with a notice, and the rest named', async () => {
      const { dir, repo } = await makeRepository();
      const big = (tag: string) => Array.from({ length: 3000 }, (_, i) => `${tag} line ${i} ${'x'.repeat(40)}`).join('\n') + '\n';
      fs.writeFileSync(path.join(dir, 'big1.txt'), big('first'));
      fs.writeFileSync(path.join(dir, 'big2.txt'), big('second'));
      git(dir, 'add', 'big1.txt', 'big2.txt');
      await repo.status();
      await waitFor('the big files staged', () => repo.state.indexChanges.length === 3, 20_000);
      // A model with a 131,072-token context (the catalog's): ~86k tokens for the diff, which is ~110k.
      await vscode.workspace.getConfiguration('gmi').update('model', 'openai/gpt-4o', vscode.ConfigurationTarget.Global);
      try {
        repo.inputBox.value = '';
        t.stubs.stub('showWarningMessage', async (m: string) => (/^Send your GMI API key to /.test(m) ? 'Allow' : undefined));
        t.fake.enqueue({ text: 'feat: add big fixtures' });
        await generate(repo);
        await waitFor('the message in the box', () => repo.inputBox.value === 'feat: add big fixtures');
        assert.ok(t.stubs.messages('showWarningMessage').some((m) => /cut to fit the model's context/.test(m)), t.stubs.messages('showWarningMessage').join('\n'));
        const sent = lastUserText(chatRequests(t.fake)[0].body);
        assert.ok(sent.length < 131_072 * 3, `sent ${sent.length} characters`);
        assert.match(sent, /Also changed, not shown to fit: .*`big2\.txt`/);
        assert.match(sent, /\+export function subtract/, 'the files that fit are sent whole');
      } finally {
        await vscode.workspace.getConfiguration('gmi').update('model', undefined, vscode.ConfigurationTarget.Global);
      }
    });
  });
});
