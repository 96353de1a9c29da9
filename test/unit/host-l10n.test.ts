// Words in host code are localisable: the translator that code without `vscode` (src/gmi, chat/,
// history lists, next steps) speaks through, and a scan of src/ (the webview has its own) for English
// handed to a message, button, picker, input box, status bar, tooltip, error or notice without
// vscode.l10n.t / l10n.t — shown to find planted ones.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NEXT_STEPS, nextStepsSentence } from '../../src/actions/nextSteps';
import { endingNotice } from '../../src/gmi/endings';
import { errorFromResponse } from '../../src/gmi/errors';
import { t, useTranslator } from '../../src/l10n';
import { findUnlocalisedStrings } from './helpers/hostStrings';

const ROOT = join(__dirname, '..', '..');

/**
 * English that stays English on purpose, by file: what is sent to the model, log-only words,
 * internal errors no user sees, identifiers.
 */
const ALLOWED: Record<string, string[]> = {
  'src/attachments/contextPicker.ts': ['PNG, JPEG, GIF, WebP'], // format names
  'src/auth/apiKeyStore.ts': ['eyJ…'], // what a key starts with
  'src/gmi/network.ts': ['direct', 'direct (NO_PROXY)', 'via proxy '], // the log's "Connecting to … direct"
  'src/history/historyStore.ts': ['Not a conversation id: '], // a programming error, never shown
  'src/history/historyReady.ts': ['The chat history is not open yet: await HistoryGate.ready first.'], // a programming error, never shown
  'src/problems/problemCommands.ts': ['error', 'warning'], // codicon names in $(…)
  'src/provider/messageMapping.ts': ['[image omitted: ', 'this model does not accept images', 'unsupported type '], // sent to the model
  'src/provider/thinkingParts.ts': ['_completeThinking'], // a metadata key
};

describe('host localisation', () => {
  afterEach(() => useTranslator(undefined));

  it('without a translator (plain Node, before activation) t() is the English with its placeholders filled', () => {
    assert.equal(t('Try again in {0}.', '2 seconds'), 'Try again in 2 seconds.');
    assert.equal(t('{0} of {1}', 3, 4), '3 of 4');
    assert.equal(t('Use {0}', '{1}'), 'Use {1}', 'an argument is not filled again');
  });

  it('with one, src/gmi errors, endings and the next steps speak through it (read when used, not at import)', () => {
    const calls: string[] = [];
    useTranslator((message, ...args) => {
      calls.push(message);
      return `«${message}»${args.length ? `[${args.join('|')}]` : ''}`;
    });
    const auth = errorFromResponse({ status: 401, body: '' });
    assert.equal(auth.message, '«GMI rejected the API key ({0})»[HTTP 401]. «Set a new key with "GMI: Set API Key".»');
    const ending = endingNotice('refusal', { model: 'm/x', messages: [] } as never);
    assert.equal(ending?.message, '«{0} declined to answer (stop reason refusal). Rephrase the question, or try another model.»[m/x]');
    assert.equal(NEXT_STEPS.openLog.label, '«Show Log»');
    assert.match(nextStepsSentence(['retry']), /^«Next: \{0\}\.»\[«try again»\]$/);
    assert.ok(calls.length >= 6);
  });

  it('the translator reaches every bundle’s copy of the module (it lives on globalThis)', () => {
    useTranslator(() => 'translated');
    const key = Symbol.for('gmi-cloud.gmi-vscode.translate');
    assert.equal(typeof (globalThis as Record<symbol, unknown>)[key], 'function');
    assert.equal(t('anything'), 'translated');
  });

  it('no English reaches the user from src/ without vscode.l10n.t / l10n.t', () => {
    const files = execFileSync('git', ['ls-files', 'src/*.ts'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('src/webview/'));
    const found = files.flatMap((file) =>
      findUnlocalisedStrings(readFileSync(join(ROOT, file), 'utf8'), file)
        .filter((w) => !(ALLOWED[file] ?? []).includes(w.text))
        .map((w) => `${file}:${w.line} ${w.where} ${JSON.stringify(w.text)}`),
    );
    assert.deepEqual(found, []);
  });

  it('finds planted English in messages, buttons, pickers, status items, errors and notices, and not in l10n.t', () => {
    const planted = `
      void vscode.window.showInformationMessage('Key saved.', 'Open Log');
      vscode.window.showInputBox({ title: 'Rename', prompt: \`Name for \${x}\`, placeHolder: 'New name' });
      item.tooltip = new vscode.MarkdownString('Usage this session');
      item.text = \`$(pulse) \${n} tokens\`;
      throw new GmiError({ kind: 'unknown', message: 'Listing failed.' });
      result.notice = 'The diff was cut.';
      throw new ImageInputError(\`\${id} takes no images.\`);
    `;
    assert.deepEqual(findUnlocalisedStrings(planted).map((w) => w.text), [
      'Key saved.', 'Open Log', 'Rename', 'Name for ', 'New name', 'Usage this session', ' tokens', 'Listing failed.', 'The diff was cut.', ' takes no images.',
    ]);
    const clean = `
      void vscode.window.showInformationMessage(vscode.l10n.t('Key saved.'), NEXT_STEPS.openLog.label);
      vscode.window.showInputBox({ title: vscode.l10n.t('Rename'), prompt: vscode.l10n.t('Name for {0}', x), placeHolder: l10n.t('New name') });
      item.text = \`$(pulse) \${l10n.t('{0} tokens', n)}\`;
      void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:gmi-cloud.gmi-vscode');
      log.info('Refused to open a link.');
      class E extends Error { constructor() { super(); this.name = 'IdleTimeoutError'; } }
    `;
    assert.deepEqual(findUnlocalisedStrings(clean), []);
  });
});
