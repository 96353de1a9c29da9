// Fails when a shipped file outgrows its budget (issue: small to ship, quick to load).
// Sizes are stable, so they are asserted; times are only reported by `npm run bench`.
import { existsSync, statSync } from 'node:fs';

const KB = 1024;
const budgets = [
  ['dist/extension.js', 200 * KB, 'extension host bundle, parsed at activation'],
  ['dist/gmi.js', 300 * KB, 'network client chunk, loaded on the first request'],
  ['dist/markdown.js', 200 * KB, 'code-block extraction chunk, loaded on first Insert/Apply/Refactor'],
  ['dist/provider.js', 64 * KB, 'VS Code chat provider chunk, loaded when VS Code first asks for GMI models'],
  ['dist/webview.js', 300 * KB, 'chat view script'],
  ['dist/codicons/codicon.ttf', 16 * KB, "the glyphs of the chat view's icons (scripts/codicons.mjs)"],
  ['dist/codicons/codicon.css', 8 * KB, "the rules of the chat view's icons"],
  ['gmi-vscode.vsix', 600 * KB, 'the packaged extension'],
];

let failed = 0;
for (const [file, budget, what] of budgets) {
  if (!existsSync(file)) {
    console.error(`size: ${file} is missing — build and package first (npm run package)`);
    failed++;
    continue;
  }
  const size = statSync(file).size;
  const ok = size <= budget;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${file.padEnd(26)} ${(size / KB).toFixed(1).padStart(7)} KB / ${budget / KB} KB  (${what})`);
}
if (failed) {
  console.error(`size: ${failed} file(s) over budget or missing`);
  process.exit(1);
}
