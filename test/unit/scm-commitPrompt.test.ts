import assert from 'node:assert/strict';
import { estimateTokens } from '../../src/chat/context';
import { extractCodeBlocks } from '../../src/code/codeBlocks';
import { buildCommitPrompt, cleanCommitMessage, COMMIT_SYSTEM_PROMPT, fitDiff, splitDiff, type FittedDiff } from '../../src/scm/commitPrompt';

/** A `git diff` section for one file with `lines` added lines. */
function fileDiff(file: string, lines: number, tag = file): string {
  const body = Array.from({ length: lines }, (_, i) => `+${tag} line ${i}`).join('\n');
  return `diff --git a/${file} b/${file}\nindex 1111111..2222222 100644\n--- a/${file}\n+++ b/${file}\n@@ -0,0 +1,${lines} @@\n${body}\n`;
}

const noCut = (text: string): FittedDiff => ({ text, notShown: [], files: 1 });

describe('Commit message: prompt', () => {
  it('splits a diff per file, named by their new path', () => {
    const diff = fileDiff('src/a.ts', 2) + fileDiff('docs/b c.md', 1) + 'diff --git a/old.txt b/new.txt\nsimilarity index 100%\nrename from old.txt\nrename to new.txt\n';
    const files = splitDiff(diff);
    assert.deepEqual(files.map((f) => f.file), ['src/a.ts', 'docs/b c.md', 'new.txt']);
    assert.equal(files.map((f) => f.text).join(''), diff, 'nothing lost or doubled');
    assert.deepEqual(splitDiff(''), []);
  });

  it('a diff that fits is sent as it is', () => {
    const diff = fileDiff('a.ts', 3) + fileDiff('b.ts', 3);
    assert.deepEqual(fitDiff(diff, 10_000), { text: diff, notShown: [], files: 2 });
  });

  it('too large: the smallest files whole (in git’s order), the next cut at a line break, the rest named', () => {
    const small = fileDiff('a-small.ts', 5);
    const huge = fileDiff('b-huge.ts', 2000);
    const medium = fileDiff('c-medium.ts', 200);
    const big = fileDiff('d-big.ts', 1000);
    const budget = estimateTokens(small + medium) + 4000;
    const fitted = fitDiff(small + huge + medium + big, budget);
    assert.ok(estimateTokens(fitted.text) <= budget, `${estimateTokens(fitted.text)} > ${budget}`);
    assert.ok(fitted.text.startsWith(small), 'git’s order is kept');
    assert.ok(fitted.text.includes(medium), 'the medium file is whole');
    assert.ok(fitted.text.includes('diff --git a/d-big.ts'), 'the next smallest is cut, not dropped');
    assert.match(fitted.text, /\+d-big\.ts line \d+\n\[… the rest of this file's diff was cut\]\n$/, 'cut at a line break');
    assert.ok(!fitted.text.includes('b-huge.ts line'), 'the largest is left out');
    assert.deepEqual(fitted.notShown, ['d-big.ts', 'b-huge.ts']);
    assert.equal(fitted.notice, "The changes were cut to fit the model's context: 2 of 4 files were sent in full; the others by name only.");
  });

  it('with less than a quarter of the budget left, the next file is named only, not cut', () => {
    const a = fileDiff('a.ts', 100);
    const b = fileDiff('b.ts', 100);
    const fitted = fitDiff(a + b, estimateTokens(a) + 10);
    assert.equal(fitted.text, a);
    assert.deepEqual(fitted.notShown, ['b.ts']);
  });

  it('lock files and minified files are named, their contents left out', () => {
    const diff = fileDiff('src/app.ts', 3) + fileDiff('package-lock.json', 5000) + fileDiff('web/app.min.js', 50) + fileDiff('rust/Cargo.lock', 10);
    const fitted = fitDiff(diff, 1_000_000);
    assert.ok(fitted.text.includes('+src/app.ts line 2'));
    assert.ok(!fitted.text.includes('package-lock.json line'));
    assert.match(fitted.text, /diff --git a\/package-lock\.json b\/package-lock\.json\n\(changed; contents left out\)/);
    assert.match(fitted.text, /web\/app\.min\.js b\/web\/app\.min\.js\n\(changed; contents left out\)/);
    assert.match(fitted.text, /rust\/Cargo\.lock\n\(changed; contents left out\)/);
    assert.equal(fitted.notice, undefined, 'left-out lock files are not a cut');
  });

  it('the prompt: staged or all changes, branch, notes, recent subjects, untracked names, the diff, what was not shown', () => {
    const diff = fileDiff('calc.js', 2);
    const prompt = buildCommitPrompt({
      diff: { text: diff, notShown: ['big.txt'], files: 2, notice: 'x' },
      staged: true,
      untracked: [],
      branch: 'feature/sub',
      recentSubjects: ['feat(calc): add add()', 'docs: readme'],
      draft: 'subtraction\nfor the report',
    });
    assert.match(prompt, /^Write the commit message for the staged changes below\./);
    assert.match(prompt, /Branch: `feature\/sub`\./);
    assert.match(prompt, /The author's notes for this message \(use them\):\n\n> subtraction\n> for the report/);
    assert.match(prompt, /- feat\(calc\): add add\(\)\n- docs: readme/);
    assert.match(prompt, /Also changed, not shown to fit: `big\.txt`\./);
    assert.deepEqual(extractCodeBlocks(prompt), [{ lang: 'diff', code: diff.replace(/\n$/, ''), fenced: true }]);

    const all = buildCommitPrompt({ diff: noCut(diff), staged: false, untracked: ['new.txt', 'img/logo.svg'], recentSubjects: [] });
    assert.match(all, /nothing is staged, so this is every change in the working tree/);
    assert.match(all, /New files \(contents not shown\): `new\.txt`, `img\/logo\.svg`\./);
    assert.doesNotMatch(all, /Branch|notes|Recent/);
  });

  it('a diff containing fences cannot break out of its block', () => {
    const diff = fileDiff('README.md', 1).replace('+README.md line 0', '+```js');
    assert.equal(extractCodeBlocks(buildCommitPrompt({ diff: noCut(diff), staged: true, untracked: [], recentSubjects: [] })).length, 1);
  });

  it('the system prompt asks for a conventional message and nothing else', () => {
    assert.match(COMMIT_SYSTEM_PROMPT, /Conventional Commits/);
    assert.match(COMMIT_SYSTEM_PROMPT, /72/);
    assert.match(COMMIT_SYSTEM_PROMPT, /no code fence/);
  });

  it('cleaning the streamed reply: fences and leading blank lines go, partial fences show nothing', () => {
    assert.equal(cleanCommitMessage('feat: add x\n\nbody\n'), 'feat: add x\n\nbody');
    assert.equal(cleanCommitMessage('\n\n  \nfix: y'), 'fix: y');
    assert.equal(cleanCommitMessage('```\nfeat: z\n\nbody\n```\n'), 'feat: z\n\nbody');
    assert.equal(cleanCommitMessage('```text\nfeat: z\n'), 'feat: z', 'an open fence while streaming');
    assert.equal(cleanCommitMessage('```gi'), '');
    assert.equal(cleanCommitMessage('``'), '');
    assert.equal(cleanCommitMessage('`'), '');
    assert.equal(cleanCommitMessage('feat: use `x` here'), 'feat: use `x` here');
    assert.equal(cleanCommitMessage('feat: a\r\n\r\nb'), 'feat: a\n\nb');
    // Every prefix of a fenced reply shows a prefix of the final message (the box never jumps back).
    const reply = '```\nfeat(calc): add subtraction\n\nsubtract() joins add().\n```\n';
    const final = cleanCommitMessage(reply);
    for (let i = 0; i <= reply.length; i++) assert.ok(final.startsWith(cleanCommitMessage(reply.slice(0, i))), `prefix ${i}: ${JSON.stringify(reply.slice(0, i))}`);
  });
});
